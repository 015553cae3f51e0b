#!/usr/bin/env python3
"""Portal pages over HTTP beside ``GET /api/method/ping``, in one run against a running kdf_app site.

Creates a published Topplederprogram Session open for registration (programme, two stay packages, an extra
night) and a member with a portal login who is registered for it and for an earlier session, then requests,
one after the other and interleaved (so that the machine's load falls on all of them alike), ``--n`` times each:

* ``ping``: ``GET /api/method/ping`` as a guest, the platform's floor for one request;
* a guest's session page, programme list and /personvern (Frappe's page cache for guests,
  kdf_app.kdf_app.services.page_cache: one warm-up request first, as any visitor after a change would make it);
* the member's *Mine påmeldinger* (``/pameldinger``) and the session page as the member (their own, never
  cached).

Prints p50, p90 and mean per page and each p50 against ping's, whether the guest's pages came from the page
cache (Frappe's ``X-From-Cache`` header) and the goals: a guest's session page p50 ≤ 3 × ping p50, the member's
Mine påmeldinger p50 ≤ 150 ms. Every figure is measured in this run.

Usage (a gunicorn like production's, not the single-threaded dev server, for fair numbers)::

    cd ~/frappe-bench/sites && ../env/bin/gunicorn -b 127.0.0.1:8000 -w 4 -t 120 frappe.app:application --preload
    python benchmarks/portal_pages.py --url http://127.0.0.1:8000 --site kdf.localhost --n 200

Test data is removed afterwards (best effort, as Administrator) unless ``--keep`` is given. Needs Python 3.10+
and ``requests``. Exit code 0 when no request failed, 1 otherwise (a missed goal is printed, not an error).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests
from registration_http import ApiError, Client, percentile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lib import SESSION_DT, Cleanup, in_days, member_login, session_times

GUEST_PAGE_GOAL = 3.0  # a guest's session page p50 at most this many times ping's
MEMBER_PAGE_GOAL_MS = 150.0  # the member's Mine påmeldinger p50


def client(args) -> Client:
	c = Client(args.url, args.timeout)
	if args.site:
		c.http.headers["X-Frappe-Site-Name"] = args.site  # gunicorn on an address, not the site's name
	return c


def setup(admin: Client, fx: dict) -> None:
	tag = fx["tag"]
	orgs = admin.get_list("Customer", [["customer_group", "=", "Kommune"]], ["name"], 1, "name asc")
	packages = [p["name"] for p in admin.get_list("Stay Package", None, ["name"], 2, "name asc")]
	if not orgs or not packages:
		raise SystemExit(
			"No Kommune or Stay Package on the site: load the demo first (bench --site SITE kdf-demo)."
		)
	starts = in_days(50, 10)
	days = [(starts + timedelta(days=d)).date().isoformat() for d in (0, 1)]
	fx["sessions"] = []
	for k, offset in enumerate((0, 120)):
		start = starts + timedelta(days=offset)
		doc = admin.insert(
			{
				"doctype": SESSION_DT,
				"session_title": f"Benchmark portal {tag}" + (f" #{k + 1}" if k else ""),
				"kind": "Topplederprogram",
				"status": "Åpen for påmelding",
				**session_times(start, timedelta(days=1, hours=6), timedelta(days=14)),
				"capacity": 35,
				"participant_fee": 9500,
				"extra_night_price": 1450,
				"published": 1,
				"venue_name": "Grand Hotel Oslo",
				"introduction": "<p>To dager om styring, tillit og omstilling.</p>",
				"stay_packages": [
					{"stay_package": p, "price": 4200 - 2000 * i} for i, p in enumerate(packages)
				],
				"agenda": [
					{"day": days[0], "time": "10:00:00", "title": "Åpning", "speakers": "Styreleder"},
					{"day": days[0], "time": "12:00:00", "title": "Lunsj"},
					{"day": days[0], "time": "13:00:00", "title": "Tillitsbasert styring"},
					{"day": days[1], "time": "09:00:00", "title": "Omstilling i praksis"},
				],
			}
		)
		fx["sessions"].append(doc["name"])
		fx.setdefault("route", doc["route"])
	email = f"bench-portal-{tag}@example.com"
	member = admin.insert(
		{
			"doctype": "Member",
			"first_name": "Benchmark",
			"last_name": f"Portal {tag}",
			"email": email,
			"title": "Kommunedirektør",
			"organisation": orgs[0]["name"],
		}
	)
	fx["member"], fx["email"] = member["name"], email
	fx["user"], fx["password"] = member_login(admin, member["name"])
	for session in fx["sessions"]:
		admin.insert(
			{
				"doctype": "Registration",
				"session": session,
				"member": member["name"],
				"stay_package": packages[0],
				"invoice_reference": f"BENCH-{tag}",
			}
		)


def cleanup(admin: Client, fx: dict) -> list[str]:
	gone = Cleanup(admin)
	for session in fx.get("sessions", []):
		gone.session(session)
	if fx.get("member"):
		gone.member(fx["member"], fx.get("user"))
	return gone.problems


def main(argv: list[str] | None = None) -> int:
	ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	ap.add_argument("--url", default="http://kdf.localhost:8000", help="server URL (default %(default)s)")
	ap.add_argument("--site", help="the site's name, sent as X-Frappe-Site-Name (when --url is an address)")
	ap.add_argument("--n", type=int, default=200, help="requests per page (default %(default)s)")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--timeout", type=float, default=60)
	ap.add_argument("--keep", action="store_true", help="keep the sessions and the member")
	args = ap.parse_args(argv)

	admin = client(args)
	admin.login("Administrator", args.admin_password)
	fx: dict = {"tag": uuid.uuid4().hex[:8]}
	failed = False
	try:
		setup(admin, fx)
		guest, member = client(args), client(args)
		guest.http.headers["Accept"] = "text/html"
		member.login(fx["email"], fx["password"])
		member.http.headers["Accept"] = "text/html"
		ping = client(args)
		targets = {
			"ping": (ping, "/api/method/ping"),
			"guest session page": (guest, f"/{fx['route']}"),
			"guest programme list": (guest, "/topplederprogram"),
			"guest /personvern": (guest, "/personvern"),
			"member Mine påmeldinger": (member, "/pameldinger"),
			"member session page": (member, f"/{fx['route']}"),
		}
		times: dict[str, list[float]] = {k: [] for k in targets}
		cached: dict[str, int] = {k: 0 for k in targets}
		errors: list[str] = []
		for c, path in targets.values():  # warm-up, not timed: worker imports, the guest's first render
			c.request("GET", path)
		for _ in range(args.n):
			for label, (c, path) in targets.items():
				start = time.perf_counter()
				resp = c.request("GET", path)
				times[label].append((time.perf_counter() - start) * 1000)
				if resp.status_code != 200:
					errors.append(f"{label}: HTTP {resp.status_code}")
				if resp.headers.get("X-From-Cache") == "True":
					cached[label] += 1
		base = percentile(times["ping"], 50)
		print(
			f"Site {args.site or args.url}: {args.n} requests per page, one at a time, interleaved (tag {fx['tag']})"
		)
		print(f"{'page':<26} {'p50':>8} {'p90':>8} {'mean':>8}  {'p50/ping':>8}  from page cache")
		for label, ms in times.items():
			p50 = percentile(ms, 50)
			print(
				f"{label:<26} {p50:6.1f}ms {percentile(ms, 90):6.1f}ms {sum(ms) / len(ms):6.1f}ms  "
				f"{'' if label == 'ping' else f'x{p50 / base:.2f}':>8}  {cached[label]}/{len(ms)}"
			)
		guest_ratio = percentile(times["guest session page"], 50) / base
		mine = percentile(times["member Mine påmeldinger"], 50)
		print(
			f"\nGoal: guest session page p50 ≤ {GUEST_PAGE_GOAL:g} × ping: x{guest_ratio:.2f} "
			f"({'met' if guest_ratio <= GUEST_PAGE_GOAL else 'MISSED'})"
		)
		print(
			f"Goal: member Mine påmeldinger p50 ≤ {MEMBER_PAGE_GOAL_MS:g} ms: {mine:.1f} ms "
			f"({'met' if mine <= MEMBER_PAGE_GOAL_MS else 'MISSED'})"
		)
		if errors:
			failed = True
			print(f"{len(errors)} failed requests, e.g. {errors[:3]}")
	except (ApiError, requests.RequestException) as e:
		print(f"Setup or measurement failed: {e}")
		failed = True
	finally:
		if args.keep:
			print(f"Kept: sessions {fx.get('sessions')}, member {fx.get('member')} ({fx.get('email')}).")
		else:
			for p in cleanup(admin, fx)[:10]:
				print(f"cleanup: {p}")
	return 1 if failed else 0


if __name__ == "__main__":
	sys.exit(main())
