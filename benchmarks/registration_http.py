#!/usr/bin/env python3
"""Concurrent registrations over HTTP against a running kdf_app site.

Creates a fresh published Topplederprogram Session (``--capacity`` seats, one stay package) and
``--n`` members with portal users, logs every member in with its own HTTP session, lets each open the
session's page as on the portal (not timed; ``--cold`` skips it), then fires all
registrations at the same moment (one thread per member, released together by a barrier) and, for
comparison, the same number of concurrent ``GET /api/method/ping``. Prints how many registrations
were confirmed / waitlisted / failed, whether the session was oversold (checked both from the
responses and from the database), and latency percentiles for register vs. ping. Every figure is
measured in this run. With ``--sessions K`` the members register round-robin for K sessions at once
(each with ``--capacity`` seats), which exercises concurrent registrations for different sessions.

Test data is removed afterwards (best effort, as Administrator) unless ``--keep`` is given.

Usage::

    python benchmarks/registration_http.py                        # http://kdf.localhost:8000, N=50, capacity 35
    python benchmarks/registration_http.py --url http://kdf.localhost:8001 --n 100 --capacity 60
    python benchmarks/registration_http.py --admin-password secret --keep
    python benchmarks/registration_http.py --n 60 --capacity 20 --sessions 3   # spread over 3 sessions

Needs Python 3.10+ and ``requests``. Exit code 0 when no request failed and the session was not
oversold, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lib import SESSION_DT, Cleanup, in_days, list_params, member_login, session_times

CONFIRMED, WAITLISTED = "Bekreftet", "Venteliste"
RETRYABLE = ("QueryDeadlockError", "QueryTimeoutError")


# --- HTTP helpers ----------------------------------------------------------------------------------


class ApiError(Exception):
	pass


def error_text(resp: requests.Response) -> str:
	"""A short, readable reason from a Frappe error response."""
	try:
		body = resp.json()
	except ValueError:
		return f"HTTP {resp.status_code}: {resp.text[:200].strip()}"
	parts = []
	if body.get("exc_type"):
		parts.append(body["exc_type"])
	for raw in json.loads(body.get("_server_messages") or "[]"):
		try:
			msg = json.loads(raw)
			parts.append(str(msg.get("message", msg)) if isinstance(msg, dict) else str(msg))
		except (ValueError, TypeError):
			parts.append(str(raw))
	if not parts and body.get("exception"):
		parts.append(str(body["exception"]).splitlines()[-1])
	return f"HTTP {resp.status_code}: " + (" | ".join(parts) if parts else json.dumps(body)[:200])


class Client:
	"""A logged-in requests.Session for one user."""

	def __init__(self, base: str, timeout: float):
		self.base = base.rstrip("/")
		self.timeout = timeout
		self.http = requests.Session()
		self.http.headers["Accept"] = "application/json"

	def clone(self) -> Client:
		"""Same login (cookies), separate connection pool: for use from another thread."""
		other = Client(self.base, self.timeout)
		other.http.cookies.update(self.http.cookies)
		return other

	def request(self, method: str, path: str, **kw) -> requests.Response:
		return self.http.request(method, self.base + path, timeout=self.timeout, **kw)

	def call(self, method: str, path: str, attempts: int = 5, **kw):
		"""One REST/RPC call for setup or cleanup. A deadlock or lock-wait timeout rolled the request's
		transaction back, so it is retried (setting up many members in parallel contends on tabContact
		and tabUser). The measured requests do not go through here and are never retried."""
		for attempt in range(1, attempts + 1):
			resp = self.request(method, path, **kw)
			if resp.status_code < 400:
				return resp.json() if resp.content else {}
			text = error_text(resp)
			if attempt == attempts or not any(e in text for e in RETRYABLE):
				raise ApiError(f"{method} {path}: {text}")
			time.sleep(random.uniform(0.2, 0.6) * attempt)

	def login(self, user: str, password: str) -> None:
		self.call("POST", "/api/method/login", data={"usr": user, "pwd": password})

	# REST
	def get_list(self, doctype: str, filters=None, fields=None, limit=0, order_by=None) -> list[dict]:
		params = list_params(filters, fields, limit, order_by)
		return self.call("GET", f"/api/resource/{doctype}", params=params)["data"]

	def get_doc(self, doctype: str, name: str) -> dict:
		return self.call("GET", f"/api/resource/{doctype}/{requests.utils.quote(name, safe='')}")["data"]

	def insert(self, doc: dict) -> dict:
		return self.call("POST", f"/api/resource/{doc['doctype']}", json=doc)["data"]

	def update(self, doctype: str, name: str, values: dict) -> dict:
		return self.call(
			"PUT", f"/api/resource/{doctype}/{requests.utils.quote(name, safe='')}", json=values
		)["data"]

	def delete(self, doctype: str, name: str) -> None:
		self.call("DELETE", f"/api/resource/{doctype}/{requests.utils.quote(name, safe='')}")

	def run_doc_method(self, doctype: str, name: str, method: str, args: dict | None = None):
		data = {"dt": doctype, "dn": name, "method": method}
		if args:
			data["args"] = json.dumps(args)
		return self.call("POST", "/api/method/run_doc_method", json=data).get("message")


# --- measurements ----------------------------------------------------------------------------------


@dataclass
class Result:
	index: int
	seconds: float
	ok: bool
	status_code: int | None = None
	message: dict | None = None
	error: str | None = None


def percentile(values: list[float], p: float) -> float:
	"""Nearest-rank percentile (p in 0..100) of a non-empty list."""
	ordered = sorted(values)
	rank = max(1, math.ceil(p / 100 * len(ordered)))
	return ordered[rank - 1]


def burst(clients: list[Client], do) -> tuple[list[Result], float]:
	"""Run do(client) once per client, all threads released together; returns results and wall time."""
	barrier = threading.Barrier(len(clients) + 1)
	results: list[Result | None] = [None] * len(clients)

	def worker(i: int, client: Client):
		barrier.wait()
		start = time.perf_counter()
		try:
			resp = do(client)
			elapsed = time.perf_counter() - start
			if resp.status_code >= 400:
				results[i] = Result(i, elapsed, False, resp.status_code, error=error_text(resp))
			else:
				results[i] = Result(i, elapsed, True, resp.status_code, message=resp.json().get("message"))
		except Exception as e:  # timeouts, connection resets: count them as errors, keep the latency
			results[i] = Result(i, time.perf_counter() - start, False, error=f"{type(e).__name__}: {e}")

	threads = [threading.Thread(target=worker, args=(i, c), daemon=True) for i, c in enumerate(clients)]
	for t in threads:
		t.start()
	barrier.wait()  # the main thread is the last party: everyone starts now
	wall_start = time.perf_counter()
	for t in threads:
		t.join()
	return [r for r in results if r is not None], time.perf_counter() - wall_start


def latency_line(label: str, results: list[Result]) -> str:
	ms = [r.seconds * 1000 for r in results]
	if not ms:
		return f"{label:<10} no requests"
	return (
		f"{label:<10} n={len(ms):<4} p50={percentile(ms, 50):8.1f} ms  p90={percentile(ms, 90):8.1f} ms  "
		f"p99={percentile(ms, 99):8.1f} ms  max={max(ms):8.1f} ms  mean={sum(ms) / len(ms):8.1f} ms"
	)


# --- setup and cleanup -----------------------------------------------------------------------------


@dataclass
class Fixture:
	tag: str
	organisation: str = ""
	stay_package: str = ""
	sessions: list[str] = field(default_factory=list)
	routes: dict[str, str] = field(default_factory=dict)
	members: list[dict] = field(default_factory=list)  # {name, email, password, user}


def pick_organisation(admin: Client) -> dict:
	fields = ["name", "kdf_send_ehf"]
	rows = admin.get_list("Customer", [["customer_group", "=", "Kommune"]], fields, 1, "name asc")
	rows = rows or admin.get_list("Customer", None, fields, 1, "name asc")
	if not rows:
		raise SystemExit("No Customer on the site to use as the members' organisation.")
	return rows[0]


def pick_stay_package(admin: Client, wanted: str | None) -> str:
	names = [r["name"] for r in admin.get_list("Stay Package", None, ["name"], 0, "name asc")]
	if wanted:
		if wanted not in names:
			raise SystemExit(f"Stay Package {wanted!r} not found; available: {', '.join(names)}")
		return wanted
	if not names:
		raise SystemExit("No Stay Package on the site.")
	return "Oppholdspakke med overnatting" if "Oppholdspakke med overnatting" in names else names[0]


def create_session(admin: Client, fx: Fixture, capacity: int, k: int) -> None:
	starts = in_days(60, 10)
	doc = admin.insert(
		{
			"doctype": SESSION_DT,
			"session_title": f"Benchmark {fx.tag}" + (f" #{k + 1}" if k else ""),
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			**session_times(starts, timedelta(days=1, hours=6), timedelta(days=14)),
			"capacity": capacity,
			"participant_fee": 9500,
			"published": 1,
			"stay_packages": [{"stay_package": fx.stay_package, "price": 4200}],
		}
	)
	fx.sessions.append(doc["name"])
	fx.routes[doc["name"]] = doc.get("route") or ""


def create_member(admin: Client, fx: Fixture, i: int) -> dict:
	email = f"bench-{fx.tag}-{i:04d}@example.com"
	doc = admin.insert(
		{
			"doctype": "Member",
			# distinct first names: Frappe derives the username from it, and parallel inserts of the
			# same first name race on the unique username
			"first_name": f"Bench{i:04d}",
			"last_name": f"Test {fx.tag}",
			"email": email,
			"title": "Kommunedirektør",
			"organisation": fx.organisation,
		}
	)
	member = {"name": doc["name"], "email": email, "user": None, "password": None}
	fx.members.append(member)  # list.append is atomic: recorded for cleanup even if a later step fails
	member["user"] = admin.run_doc_method("Member", doc["name"], "create_portal_user")
	member["user"], member["password"] = member_login(admin, doc["name"], member["user"])
	return member


def parallel(fn, items, threads: int):
	with ThreadPoolExecutor(max_workers=threads) as pool:
		return list(pool.map(fn, items))


def cleanup(admin: Client, fx: Fixture) -> list[str]:
	"""Delete everything this run created. Returns the problems met (best effort, never raises)."""
	gone = Cleanup(admin)
	attempt, problems = gone.attempt, gone.problems
	# also whatever was created but whose response got lost (e.g. a dev server restarting mid-request)
	for row in (
		attempt(
			"find sessions",
			admin.get_list,
			SESSION_DT,
			[["session_title", "like", f"Benchmark {fx.tag}%"]],
			["name"],
			0,
		)
		or []
	):
		if row["name"] not in fx.sessions:
			fx.sessions.append(row["name"])
	known = {m["name"] for m in fx.members}
	for row in (
		attempt(
			"find members",
			admin.get_list,
			"Member",
			[["email", "like", f"bench-{fx.tag}-%"]],
			["name", "email", "user"],
			0,
		)
		or []
	):
		if row["name"] not in known:
			fx.members.append({"name": row["name"], "email": row["email"], "user": row.get("user")})

	for row in (
		attempt(
			"find ToDos", admin.get_list, "ToDo", [["description", "like", f"%bench {fx.tag}%"]], ["name"], 0
		)
		or []
	):
		attempt(f"delete ToDo {row['name']}", admin.delete, "ToDo", row["name"])

	for session in fx.sessions:
		regs = (
			attempt(
				"list registrations",
				admin.get_list,
				"Registration",
				[["session", "=", session]],
				["name", "status"],
				0,
			)
			or []
		)
		# waitlisted first, so no deletion frees a seat that would promote (and e-mail) someone
		regs.sort(key=lambda r: r["status"] != WAITLISTED)
		for r in regs:
			attempt(f"delete Registration {r['name']}", admin.delete, "Registration", r["name"])
		names = [r["name"] for r in regs]
		if names:
			queued = (
				attempt(
					"list Email Queue",
					admin.get_list,
					"Email Queue",
					[["reference_doctype", "=", "Registration"], ["reference_name", "in", names]],
					["name"],
					0,
				)
				or []
			)
			for q in queued:
				attempt(f"delete Email Queue {q['name']}", admin.delete, "Email Queue", q["name"])
		attempt(f"delete {SESSION_DT} {session}", admin.delete, SESSION_DT, session)

	# one kind at a time and sequentially: deleting a User clears Contact.user with a scan of tabContact,
	# which blocks parallel Contact deletions
	docs = {
		m["name"]: attempt(f"read Member {m['name']}", admin.get_doc, "Member", m["name"]) or {}
		for m in fx.members
	}
	for m in fx.members:
		attempt(f"delete Member {m['name']}", admin.delete, "Member", m["name"])
	for m in fx.members:
		if docs[m["name"]].get("contact"):
			attempt(
				f"delete Contact {docs[m['name']]['contact']}",
				admin.delete,
				"Contact",
				docs[m["name"]]["contact"],
			)
	for m in fx.members:
		user = m.get("user") or docs[m["name"]].get("user")
		if user:
			attempt(f"delete User {user}", admin.delete, "User", user)
	return problems


# --- main ------------------------------------------------------------------------------------------


def measure_once(
	args,
	admin: Client,
	fx: Fixture,
	clients: list[Client],
	sessions: list[str],
	needs_reference: bool,
	rep: int,
) -> dict:
	"""One burst of registrations and one burst of the platform baseline at the same concurrency."""
	target = {id(c): sessions[i % len(sessions)] for i, c in enumerate(clients)}
	if not args.cold:
		# as on the portal, each member has the session's page open when they register (not timed)
		parallel(
			lambda c: c.request("GET", "/" + fx.routes.get(target[id(c)], "").lstrip("/")),
			clients,
			args.setup_threads,
		)

	def register(c: Client) -> requests.Response:
		data = {"session": target[id(c)], "stay_package": fx.stay_package, "dietary_needs": "Ingen"}
		if needs_reference:
			data["invoice_reference"] = f"BENCH-{fx.tag}"
		return c.request("POST", "/api/method/kdf_app.api.registration.register", data=data)

	def baseline(c: Client) -> requests.Response:
		if args.baseline == "ping":
			return c.request("GET", "/api/method/ping")
		# a plain Frappe document insert: the platform's own cost of one write request
		return c.request("POST", "/api/resource/ToDo", json={"description": f"bench {fx.tag}"})

	reg_results, reg_wall = burst(clients, register)
	# the baseline as Administrator (members may not create ToDos), one HTTP session per member
	base_clients = clients if args.baseline == "ping" else [admin.clone() for _ in clients]
	base_results, base_wall = burst(base_clients, baseline)
	ok = [r for r in reg_results if r.ok]
	errors = [r for r in reg_results if not r.ok]
	base_errors = [r for r in base_results if not r.ok]
	confirmed = [r for r in ok if (r.message or {}).get("status") == CONFIRMED]
	overbooked = 0
	positions_ok = True
	for name in sessions:
		rows = admin.get_list(
			"Registration", [["session", "=", name]], ["name", "status", "waitlist_position"], 0
		)
		db_confirmed = sum(r["status"] == CONFIRMED for r in rows)
		db_waitlist = sorted(r["waitlist_position"] or 0 for r in rows if r["status"] == WAITLISTED)
		overbooked += max(db_confirmed - args.capacity, 0)
		positions_ok &= db_waitlist == list(range(1, len(db_waitlist) + 1))
	overbooked = max(overbooked, len(confirmed) - args.capacity * len(sessions))
	reg_ms = [r.seconds * 1000 for r in reg_results]
	base_ms = [r.seconds * 1000 for r in base_results]
	p95_reg, p95_base = percentile(reg_ms, 95), percentile(base_ms, 95)
	ratio = p95_reg / p95_base if p95_base else float("inf")
	print(
		f"  repeat {rep:2}: {len(confirmed)} confirmed, {len(ok) - len(confirmed)} waitlisted, "
		f"{len(errors)} errors, overbooked {overbooked}, waitlist positions {'ok' if positions_ok else 'WRONG'}; "
		f"register p95 {p95_reg:7.1f} ms (wall {reg_wall:5.2f} s), {args.baseline} p95 {p95_base:7.1f} ms "
		f"(wall {base_wall:5.2f} s): x{ratio:.2f}",
		flush=True,
	)
	for r in (errors + base_errors)[:3]:
		print(f"    error: {r.error}")
	return {
		"ratio": ratio,
		"p95_reg": p95_reg,
		"p95_base": p95_base,
		"p50_reg": percentile(reg_ms, 50),
		"p50_base": percentile(base_ms, 50),
		"overbooked": overbooked,
		"errors": len(errors) + len(base_errors),
		"failed": bool(errors or base_errors or overbooked or not positions_ok),
	}


def print_summary(args, rows: list[dict]) -> None:
	ratios = sorted(r["ratio"] for r in rows)
	median = (
		ratios[len(ratios) // 2]
		if len(ratios) % 2
		else sum(ratios[len(ratios) // 2 - 1 : len(ratios) // 2 + 1]) / 2
	)
	print()
	print(
		f"Summary over {len(rows)} repeat(s), {args.n} concurrent members, capacity {args.capacity}"
		f" x {args.sessions} session(s), baseline {args.baseline}:"
	)
	print(
		f"  p95 ratio register / {args.baseline}: median x{median:.2f}, best x{ratios[0]:.2f}, worst x{ratios[-1]:.2f}"
	)
	print(
		f"  register p95 median {sorted(r['p95_reg'] for r in rows)[len(rows) // 2]:.0f} ms, "
		f"{args.baseline} p95 median {sorted(r['p95_base'] for r in rows)[len(rows) // 2]:.0f} ms"
	)
	print(f"  overbookings: {sum(r['overbooked'] for r in rows)}; errors: {sum(r['errors'] for r in rows)}")


def main(argv: list[str] | None = None) -> int:
	ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	ap.add_argument("--url", default="http://kdf.localhost:8000", help="site URL (default %(default)s)")
	ap.add_argument("--n", type=int, default=50, help="concurrent registrations (default %(default)s)")
	ap.add_argument("--capacity", type=int, default=35, help="capacity of each session (default %(default)s)")
	ap.add_argument(
		"--sessions",
		type=int,
		default=1,
		help="spread the registrations round-robin over this many sessions (default %(default)s)",
	)
	ap.add_argument("--admin-password", default="admin", help="Administrator's password")
	ap.add_argument("--stay-package", help="Stay Package to offer (default: an existing one)")
	ap.add_argument("--setup-threads", type=int, default=4, help="parallel requests while setting up")
	ap.add_argument("--timeout", type=float, default=120, help="per-request timeout in seconds")
	ap.add_argument("--keep", action="store_true", help="keep the sessions, members and registrations")
	ap.add_argument(
		"--cold",
		action="store_true",
		help="register without first loading the session's page (right after logging in, the user's record is "
		"not cached yet)",
	)
	ap.add_argument(
		"--repeats", type=int, default=1, help="bursts, each on fresh sessions (default %(default)s)"
	)
	ap.add_argument(
		"--baseline",
		choices=("todo", "ping"),
		default="todo",
		help="platform baseline at the same concurrency: POST /api/resource/ToDo or GET ping (default %(default)s)",
	)
	args = ap.parse_args(argv)
	if args.n < 1 or args.capacity < 1 or args.sessions < 1:
		ap.error("--n, --capacity and --sessions must be at least 1")

	admin = Client(args.url, args.timeout)
	admin.login("Administrator", args.admin_password)
	fx = Fixture(tag=uuid.uuid4().hex[:8])
	org = pick_organisation(admin)
	fx.organisation = org["name"]
	fx.stay_package = pick_stay_package(admin, args.stay_package)
	needs_reference = bool(org.get("kdf_send_ehf"))

	failed = False
	try:
		t0 = time.perf_counter()
		for k in range(args.sessions):
			create_session(admin, fx, args.capacity, k)
		members = parallel(lambda i: create_member(admin.clone(), fx, i), range(args.n), args.setup_threads)
		members.sort(key=lambda m: m["email"])

		def login(m: dict) -> Client:
			c = Client(args.url, args.timeout)
			c.login(m["email"], m["password"])
			return c

		clients = parallel(login, members, args.setup_threads)
		print(
			f"Site {args.url}: {len(members)} members of {fx.organisation!r}"
			f"{' (EHF: invoice reference sent)' if needs_reference else ''} set up and logged in "
			f"in {time.perf_counter() - t0:.1f} s (tag {fx.tag}); stay package {fx.stay_package!r}",
			flush=True,
		)
		summary = []
		for rep in range(args.repeats):
			if rep:  # a fresh session (or sessions) for every repeat; the members are the same
				first = len(fx.sessions)
				for k in range(args.sessions):
					create_session(admin, fx, args.capacity, first + k)
			sessions = fx.sessions[-args.sessions :]
			row = measure_once(args, admin, fx, clients, sessions, needs_reference, rep + 1)
			summary.append(row)
			failed |= row["failed"]
		print_summary(args, summary)
	except (ApiError, requests.RequestException) as e:
		print(f"Setup or measurement failed: {e}", flush=True)
		failed = True
	finally:
		if args.keep:
			print(f"\nKept: sessions {', '.join(fx.sessions)}, {len(fx.members)} members (tag {fx.tag}).")
		else:
			t1 = time.perf_counter()
			problems = cleanup(admin, fx)
			print(
				f"\nCleanup: {len(fx.sessions)} session(s), {len(fx.members)} members with contacts and users "
				f"removed in {time.perf_counter() - t1:.1f} s"
				+ (f"; {len(problems)} problems:" if problems else ".")
			)
			for p in problems[:10]:
				print(f"  - {p}")
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
