#!/usr/bin/env python3
"""Joining KDF in headless Chromium: a guest applies, the secretariat approves, the new member sets a password
and downloads their own data.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/join_walk.py --url http://kdf.localhost:8000 --screenshots /tmp/join-shots

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

import json
import re
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

APP = "Membership Application"


def setup(rest: lib.Rest, fx: dict) -> None:
	fx["secretariat"] = lib.walk_desk_user(rest, "secretariat")
	orgs = lib.kommuner(rest, 1, ("name", "customer_name"), [["disabled", "=", 0]], "customer_name asc")
	fx["org"], fx["org_name"] = orgs[0]["name"], orgs[0]["customer_name"]
	tag = fx["tag"]
	fx["first_name"], fx["last_name"] = "Ingrid", f"Søker {tag}"
	fx["email"] = f"join-{tag}@example.com"
	fx["mobile"] = f"9{int(tag, 16) % 10_000_000:07d}"


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	for app in gone.list("list applications", APP, [["email", "=", fx["email"]]]):
		gone.mails_about(app["name"])
		gone.delete(APP, app["name"])
	for m in gone.list("list members", "Member", [["email", "=", fx["email"]]]):
		gone.member(m["name"], mails=True)
	return gone.problems


def welcome_link(rest: lib.Rest, member: str, base: str) -> str:
	"""The set-password link in the welcome e-mail to the new member (the Email Queue's MIME text)."""
	subject, body = lib.latest_mail(rest, "Member", member, "welcome e-mail")
	if "Velkommen" not in subject:
		raise Failed(f"the e-mail to the new member is {subject!r}, not the welcome")
	link = lib.set_password_link(body, subject, base)
	step(f"welcome e-mail {subject!r} with link {link[:60]}…")
	return link


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
	lib.shot(page, folder, "guest-application-form.png")
	lib.answered(
		page,
		"kdf_app.api.membership.apply",
		lambda: page.click("#kdf-apply-submit"),
		"sending the application",
	)
	page.wait_for_selector("#kdf-apply-done:visible", timeout=15000)
	step(f"guest: {page.inner_text('#kdf-apply-done').strip()!r}")
	lib.shot(page, folder, "guest-application-sent.png")

	# the same address again: the page answers as for any application (it never tells a guest whose an address
	# is); nothing is saved, the address gets an e-mail instead (kdf_app.kdf_members.services.membership.submit_application)
	page.goto(f"{base}/bli-medlem")
	fill_application(page, fx)
	with page.expect_response(lib.calls("kdf_app.api.membership.apply")) as again:
		page.click("#kdf-apply-submit")
	if not again.value.ok:
		raise Failed(
			f"a second application from a known address was refused on the page: {again.value.text()[:300]}"
		)
	page.wait_for_selector("#kdf-apply-done:visible", timeout=15000)
	step(
		f"guest: a second application gets the ordinary receipt: {page.inner_text('#kdf-apply-done').strip()!r}"
	)
	lib.shot(page, folder, "guest-application-duplicate.png")


def secretariat_approves(page: Page, base: str, fx: dict, rest: lib.Rest, folder: Path | None) -> None:
	user, password = fx["secretariat"]
	lib.desk_login(page, base, user, password)
	apps = rest.get_list(APP, [["email", "=", fx["email"]]], ["name", "status"])
	if len(apps) != 1 or apps[0]["status"] != "Ny":
		raise Failed(f"expected one new application from {fx['email']}, found {apps}")
	fx["application"] = apps[0]["name"]
	page.goto(f"{base}/app/membership-application")
	page.wait_for_selector(".frappe-list .list-row-container", timeout=20000)
	page.wait_for_load_state("networkidle")
	lib.shot(page, folder, "secretariat-applications.png")
	page.goto(f"{base}/app/membership-application/{fx['application']}")
	page.wait_for_selector(f'.title-text:has-text("{fx["first_name"]}")', timeout=20000)
	button = page.get_by_role("button", name=re.compile(r"^(Godkjenn|Approve)$"))
	button.wait_for(timeout=15000)
	lib.shot(page, folder, "secretariat-application.png")
	button.click()
	lib.answered(
		page,
		"run_doc_method",
		lambda: page.locator(".modal:visible .btn-primary", has_text=re.compile("^(Ja|Yes)$")).click(),
		"Approve",
	)
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
	lib.shot(page, folder, "secretariat-approved.png")


def member_logs_in(page: Page, base: str, fx: dict, link: str, folder: Path | None) -> None:
	lib.set_password(page, link)
	step(f"new member set a password from the welcome link and landed on {page.url}")

	page.goto(f"{base}/min-profil")
	profile = page.locator("#kdf-profile").inner_text()
	for expected in (fx["first_name"], fx["email"], fx["org_name"], "Kommunedirektør"):
		if expected not in profile:
			raise Failed(f"/min-profil does not show {expected!r}: {profile!r}")
	step("new member: /min-profil shows the approved record")
	lib.shot(page, folder, "member-min-profil.png")
	page.click("#kdf-report-change summary")
	page.wait_for_selector("#kdf-change-form:visible")
	lib.shot(page, folder, "member-report-change.png")

	resp = page.goto(f"{base}/mine-fakturaer")
	if resp.status != 200 or page.locator("#kdf-no-invoices").count() != 1:
		raise Failed(f"/mine-fakturaer answered {resp.status} without the 'no invoices yet' text")
	step("new member: /mine-fakturaer says there are no invoices yet")
	lib.shot(page, folder, "member-mine-fakturaer.png")

	page.goto(f"{base}/mine-data")
	text = page.inner_text("body")
	if fx["email"] not in text or fx["org_name"] not in text:
		raise Failed("/mine-data does not show the member's own e-mail and organisation")
	lib.shot(page, folder, "member-mine-data.png")
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
	ap = lib.arguments(
		"Headless Chromium: apply, approve, log in, download own data.",
		keep="keep the application and member made for the walk",
	)
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		setup(rest, fx)
		phone = {"width": 430, "height": 900, "accept_downloads": True}
		guest_applies(browser.page(**phone), base, fx, args.screenshots)
		secretariat_approves(browser.page(accept_downloads=True), base, fx, rest, args.screenshots)
		link = welcome_link(rest, fx["member"], base)
		member_logs_in(browser.page(**phone), base, fx, link, args.screenshots)
		record = rest.get_doc("Member", fx["member"])
		roles = lib.roles_of(rest, record["user"])
		if roles != {"KDF Medlem"} or not record.get("last_portal_login"):
			raise Failed(
				f"the new member's user has roles {roles}, last login {record.get('last_portal_login')}"
			)
		if len(record.get("positions") or []) != 1 or not record.get("contact"):
			raise Failed("the new member has no position history row or no Contact")
		step(f"REST: member {fx['member']} with one position, Contact {record['contact']}, roles {roles}")

	return lib.run(
		args,
		fx,
		steps,
		cleanup,
		"PASSED: guest applies → secretariat approves → new member sets a password, logs in, downloads own data.",
	)


if __name__ == "__main__":
	sys.exit(main())
