#!/usr/bin/env python3
"""Where a registration request spends its time, against a plain Frappe insert — one request at a time.

The HTTP benchmark (``registration_http.py``) measures 100 members at once; on a small machine its p95 is
mostly queueing, so it is the *work per request* that decides the ratio. This script measures that work
without a network or a server: it sends whole requests (login cookie, routing, permission hooks, the
after-request hooks, commit) through Frappe's WSGI application in-process, one after another:

- ``POST /api/method/kdf_app.api.registration.register`` as each of ``--n`` fresh members, for one fresh
  session with ``--capacity`` seats (so some go to the waitlist), and
- ``POST /api/resource/ToDo`` as Administrator, the same number of times (the platform baseline),

interleaved (each member first loads the session's page, as on the portal; ``--cold`` skips that), and prints median and p90 wall and CPU time per request and their ratio. With ``--profile`` it
also prints the functions where the register requests spent most time (cProfile, cumulative).

Run with the bench's Python from ``sites/``::

    cd ~/frappe-bench/sites && ../env/bin/python ../apps/kdf_app/benchmarks/profile_register.py \
        --site kdf.localhost --n 40 [--profile]

It makes its own session and members (tagged) and removes them afterwards unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import time
import uuid
from datetime import datetime, timedelta


def setup(site: str, n: int, capacity: int, tag: str) -> dict:
	import frappe
	from frappe.utils.password import update_password

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		org = frappe.get_all(
			"Customer", {"customer_group": "Kommune"}, pluck="name", limit=1, order_by="name"
		)
		package = frappe.get_all("Stay Package", pluck="name", limit=1, order_by="name")
		if not org or not package:
			raise SystemExit("The site needs a Kommune customer and a Stay Package (run kdf-demo).")
		starts = (datetime.now() + timedelta(days=60)).replace(hour=10, minute=0, second=0, microsecond=0)
		session = frappe.get_doc(
			{
				"doctype": "Topplederprogram Session",
				"session_title": f"Profile {tag}",
				"kind": "Topplederprogram",
				"status": "Åpen for påmelding",
				"starts_on": starts,
				"ends_on": starts + timedelta(days=1, hours=6),
				"registration_deadline": starts - timedelta(days=14),
				"capacity": capacity,
				"participant_fee": 6000,
				"published": 1,
				"stay_packages": [{"stay_package": package[0], "price": 4000}],
			}
		).insert()
		admin_password = "Adm-" + uuid.uuid4().hex
		members = []
		for i in range(n):
			member = frappe.get_doc(
				{
					"doctype": "Member",
					"first_name": f"Prof{i:04d}",
					"last_name": f"Bench {tag}",
					"email": f"profile-{tag}-{i:04d}@example.com",
					"title": "Kommunedirektør",
					"organisation": org[0],
				}
			).insert()
			user = member.create_portal_user()
			password = "Kdf-" + uuid.uuid4().hex
			update_password(user, password)
			members.append({"name": member.name, "user": user, "password": password})
		bench_admin = f"profile-admin-{tag}@example.com"
		frappe.get_doc(
			{
				"doctype": "User",
				"email": bench_admin,
				"first_name": "Profile",
				"send_welcome_email": 0,
				"roles": [{"role": "System Manager"}],
			}
		).insert()
		update_password(bench_admin, admin_password)
		reference = frappe.db.get_value("Customer", org[0], "kdf_invoice_reference") or f"PROF-{tag}"
		frappe.db.commit()
		return {
			"session": session.name,
			"route": session.route,
			"package": package[0],
			"members": members,
			"admin": (bench_admin, admin_password),
			"reference": reference,
		}
	finally:
		frappe.destroy()


def cleanup(site: str, fx: dict) -> None:
	import frappe

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		frappe.db.delete("Registration", {"session": fx["session"]})
		frappe.db.delete("ToDo", {"description": ("like", f"profile {fx['tag']}%")})
		frappe.delete_doc("Topplederprogram Session", fx["session"], force=True, ignore_permissions=True)
		for m in fx["members"]:
			frappe.db.delete("Member Position", {"parent": m["name"]})
			frappe.db.delete("Member", {"name": m["name"]})
			frappe.delete_doc("User", m["user"], force=True, ignore_permissions=True)
		frappe.delete_doc("User", fx["admin"][0], force=True, ignore_permissions=True)
		frappe.db.commit()
	finally:
		frappe.destroy()


def main() -> int:
	ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
	ap.add_argument("--site", required=True)
	ap.add_argument("--n", type=int, default=40)
	ap.add_argument("--capacity", type=int, default=35)
	ap.add_argument("--profile", action="store_true", help="print where the register requests spent time")
	ap.add_argument("--keep", action="store_true")
	ap.add_argument("--cold", action="store_true", help="register straight after logging in, no page load")
	args = ap.parse_args()

	from frappe.app import application
	from werkzeug.test import Client

	tag = uuid.uuid4().hex[:8]
	fx = setup(args.site, args.n, args.capacity, tag)
	fx["tag"] = tag
	base = f"http://{args.site}"

	def logged_in(user: str, password: str) -> Client:
		c = Client(application)
		r = c.post("/api/method/login", base_url=base, data={"usr": user, "pwd": password})
		if r.status_code != 200:
			raise SystemExit(f"login {user}: {r.status_code} {r.get_data(as_text=True)[:200]}")
		return c

	admin = logged_in(*fx["admin"])
	members = [logged_in(m["user"], m["password"]) for m in fx["members"]]
	if not args.cold:
		# as on the portal: the member has the session's page open when they register (logging in clears the
		# user's cached record, and the page load reads it again)
		route = "/" + fx["route"].lstrip("/")
		for c in members:
			c.get(route, base_url=base)
	# warm the caches (the first request of a process loads modules and metadata)
	admin.post("/api/resource/ToDo", base_url=base, json={"description": f"profile {tag} warm-up"})

	profiler = cProfile.Profile() if args.profile else None
	reg, todo = [], []
	errors = 0
	for i, c in enumerate(members):
		data = {"session": fx["session"], "stay_package": fx["package"], "dietary_needs": "Ingen"}
		data["invoice_reference"] = fx["reference"]
		w0, c0 = time.perf_counter(), time.process_time()
		if profiler:
			profiler.enable()
		r = c.post("/api/method/kdf_app.api.registration.register", base_url=base, data=data)
		if profiler:
			profiler.disable()
		reg.append((time.perf_counter() - w0, time.process_time() - c0))
		if r.status_code != 200:
			errors += 1
			print("register error:", r.status_code, r.get_data(as_text=True)[:300])
		w0, c0 = time.perf_counter(), time.process_time()
		r = admin.post("/api/resource/ToDo", base_url=base, json={"description": f"profile {tag} {i}"})
		todo.append((time.perf_counter() - w0, time.process_time() - c0))
		if r.status_code != 200:
			errors += 1
			print("todo error:", r.status_code, r.get_data(as_text=True)[:300])

	def figures(rows, k):
		values = sorted(r[k] * 1000 for r in rows)
		return statistics.median(values), values[int(0.9 * (len(values) - 1))]

	print(f"{len(reg)} registrations (capacity {args.capacity}) and {len(todo)} ToDo inserts, one at a time:")
	for label, k in (("wall", 0), ("cpu", 1)):
		rm, r90 = figures(reg, k)
		tm, t90 = figures(todo, k)
		print(
			f"  {label:4}: register median {rm:6.1f} ms p90 {r90:6.1f} ms | ToDo median {tm:6.1f} ms "
			f"p90 {t90:6.1f} ms | ratio median x{rm / tm:.2f}, p90 x{r90 / t90:.2f}"
		)
	if profiler:
		out = io.StringIO()
		stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
		stats.print_stats(45)
		print(out.getvalue())
	if not args.keep:
		cleanup(args.site, fx)
	return 1 if errors else 0


if __name__ == "__main__":
	raise SystemExit(main())
