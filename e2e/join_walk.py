#!/usr/bin/env python3
"""Joining KDF in headless Chromium: a guest applies, the secretariat approves, the new member sets a password
and downloads their own data.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/join_walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/join

Set up over REST as Administrator: the desk user ``walk-sekretariat@example.com`` (KDF Sekretariat, kept between
runs, as e2e/walk.py does). Then, in the browser:

1. a guest opens **/bli-medlem**, fills in name, e-mail, mobile, title, a kommune from the official list and the
   start date, ticks the privacy consent and sends the application; sending the same again is refused with
   a clear message;
2. the secretariat logs in to the desk, opens the application and presses **Approve**; the application is
   *Godkjent* and names the new Member;
3. the new member opens the set-password link from the welcome e-mail in the Email Queue, chooses a password,
   is logged in, sees *Min profil* and *Mine fakturaer*, opens **/mine-data** and downloads the JSON export,
   which holds their own record.

Everything made for the walk (application, member, contact, user, e-mails) is removed afterwards unless
``--keep``. Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import argparse
import email
import json
import re
import secrets
import sys
import uuid
from datetime import date, timedelta
from email.header import decode_header, make_header
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from portal_flow import CHROMIUM, CHROMIUM_ARGS, Failed, Rest, calls, step
from walk import DESK_USERS, desk_login, desk_user, shot

APP = "Membership Application"


def setup(rest: Rest, fx: dict) -> None:
	addr, first, roles = DESK_USERS["secretariat"]
	fx["secretariat"] = (addr, desk_user(rest, addr, first, roles))
	orgs = rest.get_list(
		"Customer",
		[["customer_group", "=", "Kommune"], ["disabled", "=", 0]],
		["name", "customer_name"],
		1,
		"customer_name asc",
	)
	if not orgs:
		raise Failed("no Kommune on the site: load the demo first (bench --site SITE kdf-demo)")
	fx["org"], fx["org_name"] = orgs[0]["name"], orgs[0]["customer_name"]
	tag = fx["tag"]
	fx["first_name"], fx["last_name"] = "Ingrid", f"Søker {tag}"
	fx["email"] = f"join-{tag}@example.com"
	fx["mobile"] = f"9{int(tag, 16) % 10_000_000:07d}"


def cleanup(rest: Rest, fx: dict) -> list[str]:
	problems = []

	def attempt(what, fn, *a):
		try:
			return fn(*a)
		except Exception as e:
			problems.append(f"{what}: {e}")

	for app in (
		attempt("list applications", rest.get_list, APP, [["email", "=", fx["email"]]], ["name"]) or []
	):
		for q in (
			attempt(
				"list mails", rest.get_list, "Email Queue", [["reference_name", "=", app["name"]]], ["name"]
			)
			or []
		):
			attempt("delete mail", rest.delete, "Email Queue", q["name"])
		attempt(f"delete {app['name']}", rest.delete, APP, app["name"])
	for m in attempt("list members", rest.get_list, "Member", [["email", "=", fx["email"]]], ["name"]) or []:
		member = attempt("read member", rest.get_doc, "Member", m["name"]) or {}
		for q in (
			attempt(
				"list mails", rest.get_list, "Email Queue", [["reference_name", "=", m["name"]]], ["name"]
			)
			or []
		):
			attempt("delete mail", rest.delete, "Email Queue", q["name"])
		attempt(f"delete {m['name']}", rest.delete, "Member", m["name"])
		if member.get("contact"):
			attempt("delete contact", rest.delete, "Contact", member["contact"])
		if member.get("user"):
			attempt("delete user", rest.delete, "User", member["user"])
	return problems


def welcome_link(rest: Rest, member: str) -> str:
	"""The set-password link in the welcome e-mail to the new member (the Email Queue's MIME text)."""
	mails = rest.get_list(
		"Email Queue",
		[["reference_doctype", "=", "Member"], ["reference_name", "=", member]],
		["name", "message"],
		0,
		"creation desc",
	)
	if not mails:
		raise Failed(f"no welcome e-mail for {member} in the Email Queue")
	msg = email.message_from_string(mails[0]["message"])
	subject = str(make_header(decode_header(msg["Subject"] or "")))
	body = "".join(
		p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
		for p in msg.walk()
		if p.get_content_type() == "text/html"
	)
	if "Velkommen" not in subject:
		raise Failed(f"the e-mail to the new member is {subject!r}, not the welcome")
	links = re.findall(r'href="([^"]*/update-password\?key=[0-9a-zA-Z]+)"', body)
	if not links:
		raise Failed(f"the welcome {subject!r} has no set-password link")
	step(f"welcome e-mail {subject!r} with link {links[0][:60]}…")
	return links[0]


# --- the browser walk -----------------------------------------------------------------------------------


def fill_application(page: Page, fx: dict) -> None:
	page.fill("#kdf-first-name", fx["first_name"])
	page.fill("#kdf-last-name", fx["last_name"])
	page.fill("#kdf-email", fx["email"])
	page.fill("#kdf-mobile", fx["mobile"])
	page.select_option("#kdf-title", "Kommunedirektør")
	page.select_option("#kdf-organisation", fx["org"])
	page.fill("#kdf-start", (date.today() - timedelta(days=14)).isoformat())
	page.check("#kdf-consent")


def guest_applies(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	resp = page.goto(f"{base}/bli-medlem")
	if resp.status != 200:
		raise Failed(f"a guest gets HTTP {resp.status} on /bli-medlem")
	options = page.locator("#kdf-organisation option").count()
	step(f"guest: /bli-medlem with {options - 1} organisations to choose from")
	fill_application(page, fx)
	shot(page, folder, "guest-application-form.png")
	with page.expect_response(calls("kdf_app.api.membership.apply")) as sent:
		page.click("#kdf-apply-submit")
	if not sent.value.ok:
		raise Failed(f"sending the application answered HTTP {sent.value.status}: {sent.value.text()[:300]}")
	page.wait_for_selector("#kdf-apply-done:visible", timeout=15000)
	step(f"guest: {page.inner_text('#kdf-apply-done').strip()!r}")
	shot(page, folder, "guest-application-sent.png")

	# the same address again: the page answers as for any application (it never tells a guest whose an address
	# is); nothing is saved, the address gets an e-mail instead (kdf_app.kdf_members.services.membership.submit_application)
	page.goto(f"{base}/bli-medlem")
	fill_application(page, fx)
	with page.expect_response(calls("kdf_app.api.membership.apply")) as again:
		page.click("#kdf-apply-submit")
	if not again.value.ok:
		raise Failed(
			f"a second application from a known address was refused on the page: {again.value.text()[:300]}"
		)
	page.wait_for_selector("#kdf-apply-done:visible", timeout=15000)
	step(
		f"guest: a second application gets the ordinary receipt: {page.inner_text('#kdf-apply-done').strip()!r}"
	)
	shot(page, folder, "guest-application-duplicate.png")


def secretariat_approves(page: Page, base: str, fx: dict, rest: Rest, folder: Path | None) -> None:
	user, password = fx["secretariat"]
	desk_login(page, base, user, password)
	apps = rest.get_list(APP, [["email", "=", fx["email"]]], ["name", "status"])
	if len(apps) != 1 or apps[0]["status"] != "Ny":
		raise Failed(f"expected one new application from {fx['email']}, found {apps}")
	fx["application"] = apps[0]["name"]
	page.goto(f"{base}/app/membership-application")
	page.wait_for_selector(".frappe-list .list-row-container", timeout=20000)
	page.wait_for_load_state("networkidle")
	shot(page, folder, "secretariat-applications.png")
	page.goto(f"{base}/app/membership-application/{fx['application']}")
	page.wait_for_selector(f'.title-text:has-text("{fx["first_name"]}")', timeout=20000)
	button = page.get_by_role("button", name=re.compile(r"^(Godkjenn|Approve)$"))
	button.wait_for(timeout=15000)
	shot(page, folder, "secretariat-application.png")
	button.click()
	with page.expect_response(calls("run_doc_method")) as approved:
		page.locator(".modal:visible .btn-primary", has_text=re.compile("^(Ja|Yes)$")).click()
	if not approved.value.ok:
		raise Failed(f"Approve answered HTTP {approved.value.status}: {approved.value.text()[:300]}")
	page.wait_for_function(
		"() => !document.querySelector('.modal.show') && cur_frm && cur_frm.doc.status === 'Godkjent'",
		timeout=20000,
	)
	page.wait_for_load_state("networkidle")
	record = rest.get_doc(APP, fx["application"])
	if record.get("status") != "Godkjent" or not record.get("member"):
		raise Failed(f"the application after Approve: {record}")
	fx["member"] = record["member"]
	step(f"secretariat: approved {fx['application']} → member {fx['member']}")
	shot(page, folder, "secretariat-approved.png")


def member_logs_in(page: Page, base: str, fx: dict, link: str, folder: Path | None) -> None:
	page.goto(link)
	page.wait_for_selector("#new_password", timeout=20000)
	password = "Kdf-" + secrets.token_urlsafe(16) + "-7q"
	for field in ("#new_password", "#confirm_password"):
		page.fill(field, password)
		page.locator(field).press("End")
	page.wait_for_selector(".btn-update:enabled", timeout=15000)
	with page.expect_response(calls("frappe.core.doctype.user.user.update_password")) as upd:
		page.click(".btn-update")
	if not upd.value.ok:
		raise Failed(f"setting the password answered HTTP {upd.value.status}: {upd.value.text()[:300]}")
	page.wait_for_url(lambda url: "update-password" not in url, timeout=20000)
	page.wait_for_load_state("networkidle")
	step(f"new member set a password from the welcome link and landed on {page.url}")

	page.goto(f"{base}/min-profil")
	profile = page.locator("#kdf-profile").inner_text()
	for expected in (fx["first_name"], fx["email"], fx["org_name"], "Kommunedirektør"):
		if expected not in profile:
			raise Failed(f"/min-profil does not show {expected!r}: {profile!r}")
	step("new member: /min-profil shows the approved record")
	shot(page, folder, "member-min-profil.png")
	page.click("#kdf-report-change summary")
	page.wait_for_selector("#kdf-change-form:visible")
	shot(page, folder, "member-report-change.png")

	resp = page.goto(f"{base}/mine-fakturaer")
	if resp.status != 200 or page.locator("#kdf-no-invoices").count() != 1:
		raise Failed(f"/mine-fakturaer answered {resp.status} without the 'no invoices yet' text")
	step("new member: /mine-fakturaer says there are no invoices yet")
	shot(page, folder, "member-mine-fakturaer.png")

	page.goto(f"{base}/mine-data")
	text = page.inner_text("body")
	if fx["email"] not in text or fx["org_name"] not in text:
		raise Failed("/mine-data does not show the member's own e-mail and organisation")
	shot(page, folder, "member-mine-data.png")
	link = page.locator('a[href="/api/method/kdf_app.api.privacy.download_my_data"]').first
	with page.expect_download() as dl:
		link.click()
	path = dl.value.path()
	data = json.loads(Path(path).read_text(encoding="utf-8"))
	if data.get("member", {}).get("email") != fx["email"] or not data.get("position_history"):
		raise Failed(f"the downloaded JSON is not the member's own: {str(data)[:300]}")
	step(
		f"new member: downloaded {dl.value.suggested_filename} with their record and "
		f"{len(data['position_history'])} position(s)"
	)


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(description="Headless Chromium: apply, approve, log in, download own data.")
	ap.add_argument("--url", default="http://kdf.localhost:8000")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path, help="save PNGs into this folder")
	ap.add_argument("--keep", action="store_true", help="keep the application and member made for the walk")
	args = ap.parse_args(argv)
	base = args.url.rstrip("/")
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}
	failure, problems, page_errors, pages, console = None, [], [], [], []
	with sync_playwright() as p:
		api = p.request.new_context(base_url=base, extra_http_headers={"Accept": "application/json"})
		rest = Rest(api)
		browser = None
		try:
			rest.login("Administrator", args.admin_password)
			setup(rest, fx)
			browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

			def new_page(width=1280, height=900):
				context = browser.new_context(
					viewport={"width": width, "height": height}, locale="nb-NO", accept_downloads=True
				)
				context.set_default_timeout(20000)
				page = context.new_page()
				pages.append(page)
				page.on("pageerror", lambda e: page_errors.append(f"{page.url}: {e}"))
				page.on(
					"console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None
				)
				return page

			guest_applies(new_page(430, 900), base, fx, args.screenshots)  # on a phone
			secretariat_approves(new_page(), base, fx, rest, args.screenshots)
			# the link names the site's own address (host_name); open it on the server under test
			link = (
				base + "/update-password" + welcome_link(rest, fx["member"]).split("/update-password", 1)[1]
			)
			member_logs_in(new_page(430, 900), base, fx, link, args.screenshots)
			record = rest.get_doc("Member", fx["member"])
			roles = {r["role"] for r in rest.get_doc("User", record["user"]).get("roles", [])}
			if roles != {"KDF Medlem"} or not record.get("last_portal_login"):
				raise Failed(
					f"the new member's user has roles {roles}, last login {record.get('last_portal_login')}"
				)
			if len(record.get("positions") or []) != 1 or not record.get("contact"):
				raise Failed("the new member has no position history row or no Contact")
			step(f"REST: member {fx['member']} with one position, Contact {record['contact']}, roles {roles}")
			if page_errors:
				raise Failed(f"uncaught JavaScript errors: {page_errors[:3]}")
		except (Failed, PlaywrightTimeout) as e:
			failure = str(e)
		except Exception as e:
			failure = f"{type(e).__name__}: {e}"
		finally:
			if failure and pages and args.screenshots:
				try:
					pages[-1].screenshot(path=str(args.screenshots / "FAILED.png"), full_page=True)
					print(f"the page at the failure: {args.screenshots / 'FAILED.png'} ({pages[-1].url})")
				except Exception:
					pass
			if browser:
				browser.close()
			if not args.keep:
				problems = cleanup(rest, fx)
			api.dispose()
	for pr in problems:
		print(f"cleanup: {pr}")
	if failure and (console or page_errors):
		print("browser errors:", *(console + page_errors)[-5:], sep="\n  ")
	if failure:
		print(f"FAILED: {failure}")
		return 1
	print(
		"PASSED: guest applies → secretariat approves → new member sets a password, logs in, downloads own data."
	)
	return 0


if __name__ == "__main__":
	sys.exit(main())
