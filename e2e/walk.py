#!/usr/bin/env python3
"""A walk through KDF on a demo site in headless Chromium: secretariat, invited member, accountant, guest.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/walk

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

import argparse
import email
import re
import secrets
import sys
import uuid
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from portal_flow import CHROMIUM, CHROMIUM_ARGS, SESSION_DT, Failed, Rest, calls, step

KDF_MENU = ["Topplederprogram", "Mine påmeldinger", "Rådgivning", "Mine fakturaer", "Min profil"]
DESK_USERS = {
	"secretariat": ("walk-sekretariat@example.com", "Sekretariat", ["KDF Sekretariat"]),
	"accountant": ("walk-regnskap@example.com", "Regnskap", ["Accounts User"]),
}
FMT = "%Y-%m-%d %H:%M:%S"


def shot(page: Page, folder: Path | None, name: str) -> None:
	if folder:
		page.wait_for_timeout(400)  # let alerts and fonts settle
		page.screenshot(path=str(folder / name), full_page=True)
		step(f"screenshot {folder / name}")


# --- setup over REST --------------------------------------------------------------------------------------


def desk_user(rest: Rest, email_addr: str, first_name: str, roles: list[str]) -> str:
	"""The walk's desk user with exactly these roles and a fresh password (created on the first run)."""
	password = "Kdf-" + secrets.token_urlsafe(16) + "-9x"
	if rest.get_list("User", [["name", "=", email_addr]], ["name"]):
		rest.update(
			"User",
			email_addr,
			{"roles": [{"role": r} for r in roles], "new_password": password, "enabled": 1, "language": "no"},
		)
	else:
		rest.insert(
			{
				"doctype": "User",
				"email": email_addr,
				"first_name": first_name,
				"user_type": "System User",
				"send_welcome_email": 0,
				"language": "no",
				"roles": [{"role": r} for r in roles],
				"new_password": password,
			}
		)
	return password


def setup(rest: Rest, fx: dict) -> None:
	tag = fx["tag"]
	for key, (addr, first, roles) in DESK_USERS.items():
		fx[key] = (addr, desk_user(rest, addr, first, roles))
	orgs = rest.get_list(
		"Customer", [["customer_group", "=", "Kommune"]], ["name", "customer_name"], 1, "name asc"
	)
	if not orgs:
		raise Failed("no Kommune on the site: load the demo first (bench --site SITE kdf-demo)")
	packages = [p["name"] for p in rest.get_list("Stay Package", None, ["name"], 0, "name asc")]
	if not packages:
		raise Failed("no Stay Package on the site: load the demo first")
	fx["package"] = packages[0]

	starts = (datetime.now() + timedelta(days=40)).replace(hour=8, minute=30, second=0, microsecond=0)
	day1, day2 = starts.date().isoformat(), (starts + timedelta(days=1)).date().isoformat()
	base = {
		"doctype": SESSION_DT,
		"kind": "Topplederprogram",
		"starts_on": starts.strftime(FMT),
		"ends_on": (starts + timedelta(days=1, hours=7)).strftime(FMT),
		"registration_deadline": (starts - timedelta(days=10)).strftime(FMT),
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


def cleanup(rest: Rest, fx: dict) -> list[str]:
	problems = []

	def attempt(what, fn, *a):
		try:
			return fn(*a)
		except Exception as e:
			problems.append(f"{what}: {e}")

	for session in (fx.get("session"), fx.get("draft")):
		if not session:
			continue
		for r in (
			attempt(
				"list registrations", rest.get_list, "Registration", [["session", "=", session]], ["name"]
			)
			or []
		):
			for q in (
				attempt(
					"list mails", rest.get_list, "Email Queue", [["reference_name", "=", r["name"]]], ["name"]
				)
				or []
			):
				attempt("delete mail", rest.delete, "Email Queue", q["name"])
			attempt(f"delete {r['name']}", rest.delete, "Registration", r["name"])
		attempt(f"delete {session}", rest.delete, SESSION_DT, session)
	if fx.get("member"):
		member = attempt("read member", rest.get_doc, "Member", fx["member"]) or {}
		for q in (
			attempt(
				"list mails", rest.get_list, "Email Queue", [["reference_name", "=", fx["member"]]], ["name"]
			)
			or []
		):
			attempt("delete mail", rest.delete, "Email Queue", q["name"])
		attempt(f"delete {fx['member']}", rest.delete, "Member", fx["member"])
		if member.get("contact"):
			attempt("delete contact", rest.delete, "Contact", member["contact"])
		if member.get("user"):
			attempt("delete user", rest.delete, "User", member["user"])
	return problems


def invitation_link(rest: Rest, member: str) -> str:
	"""The set-password link in the newest invitation e-mail to the member (the Email Queue's MIME text)."""
	mails = rest.get_list(
		"Email Queue",
		[["reference_doctype", "=", "Member"], ["reference_name", "=", member]],
		["name", "message"],
		0,
		"creation desc",
	)
	if not mails:
		raise Failed(f"no invitation e-mail for {member} in the Email Queue")
	msg = email.message_from_string(mails[0]["message"])
	subject = str(make_header(decode_header(msg["Subject"] or "")))
	body = "".join(
		p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
		for p in msg.walk()
		if p.get_content_type() == "text/html"
	)
	links = re.findall(r'href="([^"]*/update-password\?key=[0-9a-zA-Z]+)"', body)
	if not links:
		raise Failed(f"the invitation {subject!r} has no set-password link")
	if "gyldig i 7 dager" not in body:
		raise Failed("the invitation does not say how long the link is valid")
	step(f"invitation e-mail {subject!r} with link {links[0][:60]}…")
	return links[0]


# --- the browser walk -----------------------------------------------------------------------------------


def desk_login(page: Page, base: str, user: str, password: str) -> None:
	page.goto(f"{base}/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.locator("button.btn-login:visible").first.click()
	page.wait_for_url(re.compile(r".*/app.*"), timeout=30000)
	page.wait_for_load_state("networkidle")
	step(f"{user} logged in to the desk")


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
	shot(page, folder, "guest-session-page.png")
	resp = page.goto(f"{base}/{fx['draft_route']}")
	if resp.status != 404:
		raise Failed(f"a guest gets HTTP {resp.status} on a draft session's address, expected 404")
	step("guest: a draft session's address is 404")
	page.goto(f"{base}/login")
	heading = page.locator(".page-card-head h4, .login-content h4").first.inner_text().strip()
	if "KDF" not in heading:
		raise Failed(f"the login page heading is {heading!r}")
	step(f"login page heading {heading!r}")
	shot(page, folder, "login.png")


def secretariat(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	user, password = fx["secretariat"]
	desk_login(page, base, user, password)
	page.goto(f"{base}/app/kdf")
	page.wait_for_selector(".workspace-main-section, .codex-editor", timeout=20000)
	page.wait_for_load_state("networkidle")
	shot(page, folder, "secretariat-workspace.png")

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
	with page.expect_response(calls("run_doc_method")) as sent:
		button.click()
	if not sent.value.ok:
		raise Failed(f"Send invitation answered HTTP {sent.value.status}: {sent.value.text()[:300]}")
	page.get_by_text(re.compile("Invitert, har ikke logget inn|Invited, not logged in")).first.wait_for(
		timeout=15000
	)
	step("secretariat: invitation sent; the form says the member is invited, not logged in yet")
	shot(page, folder, "secretariat-member-invited.png")


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
	shot(page, folder, "secretariat-participant-list.png")


def member(page: Page, base: str, fx: dict, link: str, folder: Path | None) -> None:
	page.goto(link)
	page.wait_for_selector("#new_password", timeout=20000)
	shot(page, folder, "member-set-password.png")
	password = "Kdf-" + secrets.token_urlsafe(16) + "-4z"
	for field in ("#new_password", "#confirm_password"):
		page.fill(field, password)
		page.locator(field).press("End")  # the page checks as you type (keyup), then enables the button
	page.wait_for_selector(".btn-update:enabled", timeout=15000)
	with page.expect_response(calls("frappe.core.doctype.user.user.update_password")) as upd:
		page.click(".btn-update")
	if not upd.value.ok:
		raise Failed(f"setting the password answered HTTP {upd.value.status}: {upd.value.text()[:300]}")
	page.wait_for_url(lambda url: "update-password" not in url, timeout=20000)
	page.wait_for_load_state("networkidle")
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
	shot(page, folder, "member-me.png")

	page.goto(f"{base}/min-profil")
	profile = page.locator("#kdf-profile").inner_text()
	for expected in (fx["member_name"], fx["email"], "+47 912 34 567", fx["org_name"]):
		if expected not in profile:
			raise Failed(f"/min-profil does not show {expected!r}: {profile!r}")
	step("member: /min-profil shows name, title, organisation, e-mail and mobile")
	shot(page, folder, "member-min-profil.png")

	page.goto(f"{base}/topplederprogram")
	page.locator(f'.kdf-sessions a[href="/{fx["route"]}"]').first.click()
	page.wait_for_selector("#kdf-register", timeout=15000)
	page.select_option("#stay_package", fx["package"])
	page.fill(
		"#invoice_reference", f"R-{fx['tag']}"
	)  # the municipality receives EHF: a reference is required
	page.fill("#dietary_needs", "Vegetar")
	with page.expect_response(calls("kdf_app.api.registration.register")) as reg:
		page.click("#kdf-register-button")
	if not reg.value.ok:
		raise Failed(f"registering answered HTTP {reg.value.status}: {reg.value.text()[:300]}")
	page.wait_for_selector("#kdf-register-result .alert-success", timeout=15000)
	step(f"member registered: {page.inner_text('#kdf-register-result').strip()!r}")
	shot(page, folder, "member-registered.png")
	page.goto(f"{base}/pameldinger")
	if fx["title"] not in page.locator("#kdf-registrations").inner_text():
		raise Failed("the registration is not under Mine påmeldinger")
	shot(page, folder, "member-mine-pameldinger.png")


def accountant(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	user, password = fx["accountant"]
	desk_login(page, base, user, password)
	page.goto(f"{base}/app/sales-invoice")
	page.wait_for_selector(
		".frappe-list .list-row-container, .frappe-list .no-result:visible, .frappe-list .msg-box:visible",
		timeout=20000,
	)
	page.wait_for_load_state("networkidle")
	step("accountant: Sales Invoice list")
	shot(page, folder, "accountant-sales-invoices.png")
	page.goto(f"{base}/app/query-report/Accounts Receivable")
	page.wait_for_function(  # the table, or the report's "nothing to show" once it has run
		"""() => document.querySelector('.report-wrapper .dt-scrollable')
			|| [...document.querySelectorAll('.msg-box')].some((e) => e.offsetParent && e.innerText.trim())""",
		timeout=30000,
	)
	page.wait_for_load_state("networkidle")
	page.wait_for_timeout(1500)  # the ageing chart draws after the table
	step("accountant: Accounts Receivable")
	shot(page, folder, "accountant-accounts-receivable.png")


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(
		description="Headless Chromium walk: secretariat, invited member, accountant."
	)
	ap.add_argument("--url", default="http://kdf.localhost:8000")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path, help="save PNGs into this folder")
	ap.add_argument("--keep", action="store_true", help="keep the member and sessions made for the walk")
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
			step(
				f"set up member {fx['member']}, session {fx['session']} (/{fx['route']}), draft {fx['draft']}"
			)
			browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

			def new_page():
				context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
				context.set_default_timeout(20000)
				page = context.new_page()
				pages.append(page)
				page.on("pageerror", lambda e: page_errors.append(f"{page.url}: {e}"))
				page.on(
					"console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None
				)
				return page

			guest(new_page(), base, fx, args.screenshots)
			desk = new_page()
			secretariat(desk, base, fx, args.screenshots)
			link = invitation_link(rest, fx["member"])
			member(new_page(), base, fx, link, args.screenshots)
			participant_list(desk, base, fx, args.screenshots)
			accountant(new_page(), base, fx, args.screenshots)

			record = rest.get_doc("Member", fx["member"])
			if not record.get("invitation_sent_on") or not record.get("last_portal_login"):
				raise Failed(f"the member record lacks the invitation or login time: {record}")
			roles = {r["role"] for r in rest.get_doc("User", record["user"]).get("roles", [])}
			if roles != {"KDF Medlem"}:
				raise Failed(f"the member's user has the roles {roles}, expected only KDF Medlem")
			step(
				f"REST: invited {record['invitation_sent_on']}, last login {record['last_portal_login']}, roles {roles}"
			)
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
		"PASSED: guest → secretariat invites → member sets a password, sees KDF's portal, registers → accountant."
	)
	return 0


if __name__ == "__main__":
	sys.exit(main())
