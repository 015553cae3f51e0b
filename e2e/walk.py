#!/usr/bin/env python3
"""A walk through KDF on a demo site in headless Chromium: secretariat, invited member, accountant, guest.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/walk.py --url http://kdf.localhost:8000 --screenshots /tmp/walk-shots

Set up over REST as Administrator (kept between runs: the two desk users; made fresh each run and removed
afterwards: one member, one open session):

* ``walk-sekretariat@example.com`` (KDF Sekretariat) and ``walk-regnskap@example.com`` (Accounts User),
* a Member without a login and a published Topplederprogram session open for registration, with an agenda.

Then, in the browser:

1. a guest opens the session's public page: programme in time order, prices, deadline, "log in to register";
   a draft session's address is a 404;
2. the secretariat logs in to the desk, sees the KDF workspace, opens the member and presses
   **Send invitation**; the member's form shows "Invited, not logged in yet";
3. the member opens the set-password link taken from the e-mail in the Email Queue, chooses a password and is
   logged in; the portal menu shows exactly Topplederprogram, Mine påmeldinger, Rådgivning, Mine fakturaer,
   Min profil;
   /min-profil shows their record; they register for the session and see it under Mine påmeldinger;
4. the secretariat opens the session's participant list from its **View** menu and finds the member there;
5. the accountant logs in and opens the Sales Invoice list and Accounts Receivable.

Finally over REST: the member's last login is recorded and their user has no ERPNext Customer role.
Uses Debian's /usr/bin/chromium through Python ``playwright`` (``pip install playwright``; no browser download).
Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

KDF_MENU = ["Topplederprogram", "Mine påmeldinger", "Rådgivning", "Mine fakturaer", "Min profil"]


# --- setup over REST --------------------------------------------------------------------------------------


def setup(rest: lib.Rest, fx: dict) -> None:
	tag = fx["tag"]
	for key in lib.DESK_USERS:
		fx[key] = lib.walk_desk_user(rest, key)
	orgs = lib.kommuner(rest, fields=("name", "customer_name"))
	packages = [p["name"] for p in rest.get_list("Stay Package", None, ["name"], 0, "name asc")]
	if not packages:
		raise Failed(f"no Stay Package on the site: {lib.NO_DEMO}")
	fx["package"] = packages[0]

	starts = lib.in_days(40, 8, 30)
	day1, day2 = starts.date().isoformat(), (starts + timedelta(days=1)).date().isoformat()
	base = {
		"doctype": lib.SESSION_DT,
		"kind": "Topplederprogram",
		**lib.session_times(starts, timedelta(days=1, hours=7), timedelta(days=10)),
		"capacity": 35,
		"participant_fee": 6000,
		"extra_night_price": 2200,
		"ou_approved": 1,
		"venue_name": "Grand Hotel Oslo",
		"venue_address": "Karl Johans gate 31, Oslo",
		"stay_packages": [{"stay_package": fx["package"], "price": 4000}],
		"introduction": "<p>Samling for kommunedirektører om styring, tillit og omstilling.</p>",
		"agenda": [  # entered out of order: the page sorts them
			{"day": day1, "time": "12:00:00", "title": "Lunsj"},
			{"day": day1, "time": "08:30:00", "title": "Registrering og kaffe"},
			{"day": day1, "time": "09:15:00", "title": "Åpning", "speakers": "Styreleder"},
			{
				"day": day1,
				"time": "13:00:00",
				"title": "Tillitsbasert styring",
				"description": "Foredrag og samtale",
			},
			{"day": day2, "time": "09:00:00", "title": "Omstilling i praksis"},
		],
	}
	session = rest.insert(
		{
			**base,
			"session_title": f"Topplederprogrammet høst {tag}",
			"status": "Åpen for påmelding",
			"published": 1,
		}
	)
	fx["session"], fx["route"], fx["title"] = session["name"], session["route"], session["session_title"]
	draft = rest.insert(
		{**base, "session_title": f"Utkast {tag}", "status": "Utkast", "published": 0, "agenda": []}
	)
	fx["draft"], fx["draft_route"] = draft["name"], draft["route"]

	fx["email"] = f"walk-{tag}@example.com"
	member = rest.insert(
		{
			"doctype": "Member",
			"first_name": "Kari",
			"last_name": f"Nordmann {tag}",
			"email": fx["email"],
			"mobile": "+47 912 34 567",
			"title": "Kommunedirektør",
			"organisation": orgs[0]["name"],
		}
	)
	fx["member"], fx["member_name"], fx["org_name"] = (
		member["name"],
		member["member_name"],
		orgs[0]["customer_name"],
	)


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	for session in (fx.get("session"), fx.get("draft")):
		if session:
			gone.session(session)
	if fx.get("member"):
		gone.member(fx["member"], mails=True)
	return gone.problems


def invitation_link(rest: lib.Rest, member: str, base: str) -> str:
	"""The set-password link in the newest invitation e-mail to the member (the Email Queue's MIME text)."""
	subject, body = lib.latest_mail(rest, "Member", member, "invitation e-mail")
	link = lib.set_password_link(body, subject, base)
	if "gyldig i 7 dager" not in body:
		raise Failed("the invitation does not say how long the link is valid")
	step(f"invitation e-mail {subject!r} with link {link[:60]}…")
	return link


# --- the browser walk -----------------------------------------------------------------------------------


def guest(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	resp = page.goto(f"{base}/{fx['route']}")
	if resp.status != 200:
		raise Failed(f"a guest gets HTTP {resp.status} on the published session page /{fx['route']}")
	times = [
		t.strip()
		for t in page.locator(".kdf-session table.table-sm td:first-child").all_inner_texts()
		if ":" in t
	]
	day1 = times[:4]
	if day1 != ["08:30", "09:15", "12:00", "13:00"]:
		raise Failed(f"the agenda's first day reads {times}, expected 08:30, 09:15, 12:00, 13:00")
	button = page.locator(f'a[href="/login?redirect-to=/{fx["route"]}"]')
	if button.count() != 1:
		raise Failed("a guest sees no 'log in to register' button")
	step(f"guest: session page 200, agenda {times}, button {button.inner_text().strip()!r}")
	lib.shot(page, folder, "guest-session-page.png")
	resp = page.goto(f"{base}/{fx['draft_route']}")
	if resp.status != 404:
		raise Failed(f"a guest gets HTTP {resp.status} on a draft session's address, expected 404")
	step("guest: a draft session's address is 404")
	page.goto(f"{base}/login")
	heading = page.locator(".page-card-head h4, .login-content h4").first.inner_text().strip()
	if "KDF" not in heading:
		raise Failed(f"the login page heading is {heading!r}")
	step(f"login page heading {heading!r}")
	lib.shot(page, folder, "login.png")


def secretariat(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	user, password = fx["secretariat"]
	lib.desk_login(page, base, user, password)
	page.goto(f"{base}/app/kdf")
	page.wait_for_selector(".workspace-main-section, .codex-editor", timeout=20000)
	page.wait_for_load_state("networkidle")
	# the number cards load after the page is idle: wait for their numbers, so the screenshot is not blank boxes
	cards = page.locator(".number-widget-box")
	try:
		page.wait_for_function(
			"() => { const c = [...document.querySelectorAll('.number-widget-box')];"
			" return c.length > 0 && c.every((w) => w.querySelector('.widget-content .number')); }",
			timeout=30000,
		)
	except Exception as e:
		raise Failed(
			f"the KDF workspace's number cards did not show their numbers ({cards.count()} cards)"
		) from e
	step(f"secretariat: the KDF workspace shows its {cards.count()} number cards with their numbers")
	lib.shot(page, folder, "secretariat-workspace.png")

	page.goto(f"{base}/app/member?membership_status=Aktiv")
	page.wait_for_selector(".frappe-list", timeout=20000)
	invite_all = page.get_by_role("button", name=re.compile("Inviter medlemmer|Invite Members"))
	if invite_all.count() == 0:
		raise Failed("the member list has no 'Invite Members to the Portal' button")
	step(f"member list offers {invite_all.first.inner_text().strip()!r}")

	page.goto(f"{base}/app/member/{fx['member']}")
	page.wait_for_selector(f'.title-text:has-text("{fx["member_name"]}")', timeout=20000)
	button = page.get_by_role("button", name=re.compile(r"^(Send invitasjon|Send Invitation)$"))
	button.wait_for(timeout=15000)
	lib.answered(page, "run_doc_method", lambda: button.click(), "Send invitation")
	page.get_by_text(re.compile("Invitert, har ikke logget inn|Invited, not logged in")).first.wait_for(
		timeout=15000
	)
	step("secretariat: invitation sent; the form says the member is invited, not logged in yet")
	lib.shot(page, folder, "secretariat-member-invited.png")


def participant_list(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	"""Back in the desk after the member registered: the session's participant list shows them."""
	page.goto(f"{base}/app/topplederprogram-session/{fx['session']}")
	page.wait_for_selector(".form-layout", timeout=20000)
	page.get_by_role("button", name=re.compile("^(Vis|View)$")).click()
	page.locator(".dropdown-menu.show a", has_text=re.compile("Deltakerliste|Participant List")).click()
	page.wait_for_url(re.compile(r".*/app/query-report/Session.*"), timeout=20000)
	page.wait_for_selector(".page-form [data-fieldname='session'] input", timeout=20000)
	page.wait_for_function(
		"""(name) => { const i = document.querySelector(".page-form [data-fieldname='session'] input");
		return i && i.value && i.value.length > 0; }""",
		arg=fx["session"],
		timeout=20000,
	)
	if page.locator(".msg-box:has-text('Filter')").is_visible():
		raise Failed("the participant list opened from the session says a filter is missing")
	page.wait_for_selector(f'.dt-scrollable :text("{fx["member_name"]}")', timeout=20000)
	step(f"secretariat: the participant list opens on the session and lists {fx['member_name']}")
	lib.shot(page, folder, "secretariat-participant-list.png")


def member(page: Page, base: str, fx: dict, link: str, folder: Path | None) -> None:
	password = lib.set_password(page, link, folder, "member-set-password.png")
	step(f"member set a password through the invitation link and landed on {page.url}")
	fx["member_password"] = password

	page.goto(f"{base}/me")
	items = [
		t.strip()
		for t in page.locator(".web-sidebar .sidebar-item a, .web-sidebar a.sidebar-item").all_inner_texts()
		if t.strip()
	]
	if items and items[-1] in ("Min konto", "My Account"):  # Frappe's own link to /me, below the menu
		items = items[:-1]
	if items != KDF_MENU:
		raise Failed(f"the member's portal menu is {items}, expected {KDF_MENU}")
	step(f"member portal menu: {items}")
	lib.shot(page, folder, "member-me.png")

	page.goto(f"{base}/min-profil")
	profile = page.locator("#kdf-profile").inner_text()
	for expected in (fx["member_name"], fx["email"], "+47 912 34 567", fx["org_name"]):
		if expected not in profile:
			raise Failed(f"/min-profil does not show {expected!r}: {profile!r}")
	step("member: /min-profil shows name, title, organisation, e-mail and mobile")
	lib.shot(page, folder, "member-min-profil.png")

	page.goto(f"{base}/topplederprogram")
	page.locator(f'.kdf-sessions a[href="/{fx["route"]}"]').first.click()
	page.wait_for_selector("#kdf-register", timeout=15000)
	page.select_option("#stay_package", fx["package"])
	page.fill(
		"#invoice_reference", f"R-{fx['tag']}"
	)  # the municipality receives EHF: a reference is required
	page.fill("#dietary_needs", "Vegetar")
	lib.answered(
		page, "kdf_app.api.registration.register", lambda: page.click("#kdf-register-button"), "registering"
	)
	page.wait_for_selector("#kdf-register-result .alert-success", timeout=15000)
	step(f"member registered: {page.inner_text('#kdf-register-result').strip()!r}")
	lib.shot(page, folder, "member-registered.png")
	page.goto(f"{base}/pameldinger")
	if fx["title"] not in page.locator("#kdf-registrations").inner_text():
		raise Failed("the registration is not under Mine påmeldinger")
	lib.shot(page, folder, "member-mine-pameldinger.png")


def accountant(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	user, password = fx["accountant"]
	lib.desk_login(page, base, user, password)
	page.goto(f"{base}/app/sales-invoice")
	page.wait_for_selector(
		".frappe-list .list-row-container, .frappe-list .no-result:visible, .frappe-list .msg-box:visible",
		timeout=20000,
	)
	page.wait_for_load_state("networkidle")
	step("accountant: Sales Invoice list")
	lib.shot(page, folder, "accountant-sales-invoices.png")
	page.goto(f"{base}/app/query-report/Accounts Receivable")
	page.wait_for_function(  # the table, or the report's "nothing to show" once it has run
		"""() => document.querySelector('.report-wrapper .dt-scrollable')
			|| [...document.querySelectorAll('.msg-box')].some((e) => e.offsetParent && e.innerText.trim())""",
		timeout=30000,
	)
	page.wait_for_load_state("networkidle")
	page.wait_for_timeout(1500)  # the ageing chart draws after the table
	step("accountant: Accounts Receivable")
	lib.shot(page, folder, "accountant-accounts-receivable.png")


def main(argv=None) -> int:
	ap = lib.arguments(
		"Headless Chromium walk: secretariat, invited member, accountant.",
		keep="keep the member and sessions made for the walk",
	)
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		setup(rest, fx)
		step(f"set up member {fx['member']}, session {fx['session']} (/{fx['route']}), draft {fx['draft']}")
		guest(browser.page(), base, fx, args.screenshots)
		desk = browser.page()
		secretariat(desk, base, fx, args.screenshots)
		link = invitation_link(rest, fx["member"], base)
		member(browser.page(), base, fx, link, args.screenshots)
		participant_list(desk, base, fx, args.screenshots)
		accountant(browser.page(), base, fx, args.screenshots)

		record = rest.get_doc("Member", fx["member"])
		if not record.get("invitation_sent_on") or not record.get("last_portal_login"):
			raise Failed(f"the member record lacks the invitation or login time: {record}")
		roles = lib.roles_of(rest, record["user"])
		if roles != {"KDF Medlem"}:
			raise Failed(f"the member's user has the roles {roles}, expected only KDF Medlem")
		step(
			f"REST: invited {record['invitation_sent_on']}, last login {record['last_portal_login']}, roles {roles}"
		)

	return lib.run(
		args,
		fx,
		steps,
		cleanup,
		"PASSED: guest → secretariat invites → member sets a password, sees KDF's portal, registers → accountant.",
	)


if __name__ == "__main__":
	sys.exit(main())
