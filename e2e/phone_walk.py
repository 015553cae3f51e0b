#!/usr/bin/env python3
"""Every portal page on a phone, in headless Chromium: nothing wider than the screen.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/phone_walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/phone

Set up over REST as Administrator (removed afterwards unless ``--keep``), with e2e/portal_flow.py's ``setup``:
a published session open for registration and a member with a portal login; the walk then opens the session
to everyone (Åpen: the guest's registration form) and gives it a programme; the member registers for it and
asks for guidance (Rådgivning); a session held last week, which the member attended, gives them an evaluation
to answer; a guest's registration request gives a confirmation link (/bekreft-pamelding).

Then, at 360 px and at 390 px wide, as a guest and as the member, it opens every portal page — the programme
list, the session's page, a held session's page from the demo, Mine påmeldinger, Rådgivning, Mine fakturaer,
Min profil, Mine data, /personvern, /bli-medlem, /evaluering, /bekreft-pamelding, the login page and /me — and
fails when ``document.documentElement.scrollWidth`` is more than the viewport's width (the page scrolls
sideways), naming the elements that stick out. The member's pages, as a guest, are Frappe's "please log in"
page; they must fit too. Finally, at 360 px, the member cancels the registration: the dialog is titled in
Norwegian, fits the screen, and the registration is then *Avmeldt*.

Screenshots (390 px, full page) of the pages docs/member-portal.md shows go to the folder given, as
``guest-<page>.png`` and ``member-<page>.png``, with ``member-cancel-dialog.png``. Uses Debian's /usr/bin/chromium through Python ``playwright`` (no browser
download). Exit code 0 when every page fits and every step passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import quopri
import re
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from portal_flow import CHROMIUM, CHROMIUM_ARGS, SESSION_DT, Failed, Rest, calls, step
from portal_flow import cleanup as portal_cleanup
from portal_flow import setup as portal_setup
from team_walk import login
from walk import shot

WIDTHS = (390, 360)
SHOT_WIDTH = 390
# the screenshots docs/member-portal.md shows (every page is checked, these are kept)
SHOTS = {
	"guest": {
		"programme",
		"session",
		"held-session",
		"personvern",
		"bli-medlem",
		"bekreft-pamelding",
		"login",
	},
	"member": {
		"programme",
		"session",
		"mine-pameldinger",
		"radgivning",
		"mine-fakturaer",
		"min-profil",
		"mine-data",
		"evaluering",
		"me",
	},
}
FMT = "%Y-%m-%d %H:%M:%S"
# elements wider than the viewport, for the failure message
STICKING_OUT = """(width) => [...document.querySelectorAll("body *")]
	.filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > width + 1)
	.filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
	.slice(0, 5)
	.map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string"
		? "." + e.className.trim().split(/\\s+/).join(".") : ""} (${Math.round(e.getBoundingClientRect().right)} px)`)"""


def member_post(member: Rest, method: str, data: dict) -> dict:
	resp = member.api.post(f"/api/method/{method}", form=data)
	if not resp.ok:
		raise Failed(f"{method} as the member: HTTP {resp.status} {resp.text()[:300]}")
	return resp.json().get("message") or {}


def setup(rest: Rest, member: Rest, guest: Rest, fx: dict) -> None:
	"""portal_flow's session and member, then what makes every page show something."""
	portal_setup(rest, fx)
	step(f"set up session {fx['session']} (/{fx['route']}) and member {fx['member']} ({fx['user']})")
	start = datetime.strptime(rest.get_doc(SESSION_DT, fx["session"])["starts_on"][:19], FMT)
	day1, day2 = start.date().isoformat(), (start + timedelta(days=1)).date().isoformat()
	rest.update(
		SESSION_DT,
		fx["session"],
		{
			"participants_allowed": "Åpen",
			"non_member_fee": 11500,
			"venue_name": "Scandic Holmenkollen Park",
			"venue_address": "Kongeveien 26, 0787 Oslo",
			"introduction": "<p>To dager om styring, tillit og omstilling for kommunedirektører og deres "
			"ledergrupper.</p>",
			"agenda": [
				{"day": day1, "time": "09:30:00", "title": "Registrering og kaffe"},
				{
					"day": day1,
					"time": "10:00:00",
					"title": "Tillitsbasert styring i praksis",
					"description": "Erfaringer fra kommuner som har prøvd, og hva de ville gjort annerledes",
					"speakers": "Styreleder i KDF",
				},
				{"day": day2, "time": "09:00:00", "title": "Omstilling uten tap av tillit"},
			],
		},
	)
	member.login(fx["email"], fx["password"])
	reg = member_post(
		member,
		"kdf_app.api.registration.register",
		{
			"session": fx["session"],
			"stay_package": fx["package"],
			"invoice_reference": f"R-{fx['tag']}",
			"dietary_needs": "Vegetar",
			"topic": "Hvordan bygge tillit til politisk ledelse i en omstilling?",
		},
	)
	fx["registration"] = reg.get("name")
	member_post(
		member,
		"kdf_app.api.cases.request_case",
		{"case_type": "Veiledning", "request": f"Ønsker en samtale om rollen min (telefontest {fx['tag']})"},
	)
	step(f"the member registered ({reg.get('status')}) and asked for guidance")

	# a session held last week that the member attended: the evaluation is open to them
	ended = (datetime.now() - timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
	held = rest.insert(
		{
			"doctype": SESSION_DT,
			"session_title": f"E2E Holdt samling {fx['tag']}",
			"kind": "Temasamling/workshop",
			"status": "Åpen for påmelding",
			"starts_on": (ended - timedelta(hours=6)).strftime(FMT),
			"ends_on": ended.strftime(FMT),
			"registration_deadline": (ended - timedelta(days=14)).strftime(FMT),
			"capacity": 20,
			"participant_fee": 3500,
			"published": 1,
		}
	)
	fx["held"], fx["held_route"] = held["name"], held["route"]
	attended = rest.insert(
		{
			"doctype": "Registration",
			"session": held["name"],
			"member": fx["member"],
			"invoice_reference": f"R-{fx['tag']}",
			"deadline_override_reason": "Telefontest",
		}
	)
	fx["attended"] = attended["name"]
	resp = rest.api.post(
		"/api/method/run_doc_method",
		form={
			"dt": "Registration",
			"dn": attended["name"],
			"method": "mark_attendance",
			"args": json.dumps({"attended": 1}),
		},
	)
	if not resp.ok:
		raise Failed(f"marking attendance: HTTP {resp.status} {resp.text()[:300]}")
	step(f"held session {held['name']} with the member's attended registration {attended['name']}")

	# a guest's registration request for the open session: the confirmation link
	fx["guest_email"] = f"e2e-gjest-{fx['tag']}@example.no"
	resp = guest.api.post(
		"/api/method/kdf_app.api.registration.register_guest",
		form={
			"session": fx["session"],
			"name": f"Gjest Telefon {fx['tag']}",
			"email": fx["guest_email"],
			"organisation": fx["organisation"],
			"consent": "1",
		},
	)
	if not resp.ok:
		raise Failed(f"a guest's registration: HTTP {resp.status} {resp.text()[:300]}")
	queue = rest.get_list(
		"Email Queue", [["Email Queue Recipient", "recipient", "=", fx["guest_email"]]], ["name"], 5
	)
	raw = " ".join(rest.get_doc("Email Queue", q["name"])["message"] for q in queue)
	raw = quopri.decodestring(raw.encode()).decode("utf-8", "replace")
	m = re.search(r"/bekreft-pamelding\?key=([A-Za-z0-9_\-]+)", raw)
	if not m:
		raise Failed("no confirmation link in the guest's e-mail")
	fx["confirm_key"] = m.group(1)
	step("a guest's registration request is waiting for confirmation")

	held_demo = rest.get_list(
		SESSION_DT, [["published", "=", 1], ["status", "=", "Gjennomført"]], ["route"], 1, "starts_on desc"
	)
	fx["demo_held_route"] = held_demo[0]["route"] if held_demo else None


def cleanup(rest: Rest, fx: dict) -> list[str]:
	problems = []

	def attempt(what, fn, *a):
		try:
			return fn(*a)
		except Exception as e:
			problems.append(f"{what}: {e}")

	if fx.get("attended"):
		attempt("delete the attended registration", rest.delete, "Registration", fx["attended"])
	if fx.get("held"):
		attempt("delete the held session", rest.delete, SESSION_DT, fx["held"])
	if fx.get("guest_email"):
		for r in (
			attempt(
				"list guest requests",
				rest.get_list,
				"Guest Registration Request",
				[["email", "=", fx["guest_email"]]],
				["name"],
			)
			or []
		):
			attempt("delete guest request", rest.delete, "Guest Registration Request", r["name"])
		for q in (
			attempt(
				"list guest mails",
				rest.get_list,
				"Email Queue",
				[["Email Queue Recipient", "recipient", "=", fx["guest_email"]]],
				["name"],
			)
			or []
		):
			attempt("delete guest mail", rest.delete, "Email Queue", q["name"])
	if fx.get("member"):
		for c in (
			attempt("list cases", rest.get_list, "Mentoring Case", [["member", "=", fx["member"]]], ["name"])
			or []
		):
			attempt(f"delete case {c['name']}", rest.delete, "Mentoring Case", c["name"])
	return problems + portal_cleanup(rest, fx)


def pages(fx: dict) -> list[tuple[str, str, bool]]:
	"""(name for the screenshot, path, a page for members only)"""
	out = [
		("programme", "/topplederprogram", False),
		("session", f"/{fx['route']}", False),
		("held-session", f"/{fx['held_route']}", False),
	]
	if fx.get("demo_held_route"):
		out.append(("demo-held-session", f"/{fx['demo_held_route']}", False))
	return [
		*out,
		("mine-pameldinger", "/pameldinger", True),
		("radgivning", "/radgivning", True),
		("mine-fakturaer", "/mine-fakturaer", True),
		("min-profil", "/min-profil", True),
		("mine-data", "/mine-data", True),
		("evaluering", f"/evaluering?registration={fx['attended']}", False),  # a guest: "not a valid link"
		("me", "/me", True),
		("personvern", "/personvern", False),
		("bli-medlem", "/bli-medlem", False),
		("bekreft-pamelding", f"/bekreft-pamelding?key={fx['confirm_key']}", False),
		("login", "/login", False),
	]


def fits(page: Page, width: int, what: str) -> None:
	"""The page is no wider than the phone: a phone browser zooms a wider page out (its layout viewport grows
	to the content), so the viewport's own width counts as well as the document's."""
	scroll = page.evaluate("Math.max(document.documentElement.scrollWidth, window.innerWidth)")
	if scroll > width:
		raise Failed(
			f"{what} is {scroll} px wide on a {width} px screen: {page.evaluate(STICKING_OUT, width)}"
		)


def walk(page: Page, base: str, fx: dict, who: str, width: int, folder: Path | None, wide: list[str]) -> int:
	"""Every page as ``who`` at ``width``; a page wider than the screen is added to ``wide`` (the walk goes on,
	so that one run names every such page)."""
	checked = 0
	for name, path, members_only in pages(fx):
		resp = page.goto(f"{base}{path}")
		page.wait_for_load_state("networkidle")
		status = resp.status if resp else 0
		expected = (403,) if who == "guest" and members_only else (200,)
		if status not in expected:
			raise Failed(f"{who} at {width} px: {path} answered HTTP {status}, expected {expected[0]}")
		try:
			fits(page, width, f"{who}: {path}")
			checked += 1
		except Failed as e:
			wide.append(str(e))
			print(f"[wide] {e}", flush=True)
		if width == SHOT_WIDTH and name in SHOTS[who]:
			shot(page, folder, f"{who}-{name}.png")
	step(f"{who} at {width} px: {checked} of {len(pages(fx))} pages fit the screen")
	return checked


def cancel_on_phone(page: Page, base: str, fx: dict, rest: Rest, folder: Path | None) -> None:
	page.goto(f"{base}/pameldinger")
	row = page.locator(f'#kdf-registrations tr[data-name="{fx["registration"]}"]')
	button = row.locator(".kdf-cancel")
	button.scroll_into_view_if_needed()
	box = button.bounding_box()
	width = page.evaluate("window.innerWidth")
	if not box or box["x"] < 0 or box["x"] + box["width"] > width:
		raise Failed(f"'Meld av' is not on the screen: {box} on {width} px")
	button.click()
	dialog = page.locator("#kdf-cancel-dialog")
	dialog.wait_for(state="visible")
	title = page.inner_text("#kdf-cancel-title").strip()
	if title != "Melde av påmeldingen?":
		raise Failed(f"the cancel dialog is titled {title!r}")
	box = dialog.bounding_box()
	height = page.evaluate("window.innerHeight")
	if box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > width or box["y"] + box["height"] > height:
		raise Failed(f"the cancel dialog is off the screen: {box} on {width}x{height}")
	fits(page, width, "the cancel dialog")
	step(f"the cancel dialog is titled {title!r} and fits the screen ({round(box['width'])} px)")
	if folder:
		page.screenshot(path=str(folder / "member-cancel-dialog.png"))
		step(f"screenshot {folder / 'member-cancel-dialog.png'}")
	with page.expect_response(calls("kdf_app.api.registration.cancel")) as done:
		page.click("#kdf-cancel-yes")
	if not done.value.ok:
		raise Failed(f"cancelling answered HTTP {done.value.status}: {done.value.text()[:300]}")
	page.wait_for_load_state("load")
	page.locator(f'tr[data-name="{fx["registration"]}"] .kdf-status', has_text="Avmeldt").wait_for()
	status = rest.get_doc("Registration", fx["registration"])["status"]
	if status != "Avmeldt":
		raise Failed(f"after cancelling, the registration is {status}")
	step("the member cancelled on the phone: Avmeldt")


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(
		description="Every portal page at 360 and 390 px, as a guest and as a member."
	)
	ap.add_argument("--url", default="http://kdf.localhost:8000")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path, help="save PNGs into this folder")
	ap.add_argument("--keep", action="store_true", help="keep what the walk made")
	args = ap.parse_args(argv)
	base = args.url.rstrip("/")
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}
	failure, problems, errors, last = None, [], [], []
	with sync_playwright() as p:
		headers = {"Accept": "application/json"}
		api, member_api, guest_api = (
			p.request.new_context(base_url=base, extra_http_headers=headers) for _ in range(3)
		)
		rest = Rest(api)
		browser = None
		try:
			rest.login("Administrator", args.admin_password)
			setup(rest, Rest(member_api), Rest(guest_api), fx)
			browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
			total, wide = 0, []
			for who in ("guest", "member"):
				for width in WIDTHS:  # 390 px first: the screenshots before the member cancels at 360 px
					context = browser.new_context(
						viewport={"width": width, "height": 800},
						locale="nb-NO",
						is_mobile=True,
						has_touch=True,
					)
					context.set_default_timeout(20000)
					page = context.new_page()
					last.append(page)
					page.on("pageerror", lambda e, page=page: errors.append(f"{page.url}: {e}"))
					if who == "member":
						login(page, base, fx)
					total += walk(page, base, fx, who, width, args.screenshots, wide)
					if who == "member" and width == min(WIDTHS):
						cancel_on_phone(page, base, fx, rest, args.screenshots)
			if wide:
				raise Failed(f"{len(wide)} page views wider than the screen, the first: {wide[0]}")
			if errors:
				raise Failed(f"uncaught JavaScript errors: {errors[:3]}")
			step(
				f"{total} page views at {' and '.join(map(str, sorted(WIDTHS)))} px, none wider than the screen"
			)
		except (Failed, PlaywrightTimeout) as e:
			failure = str(e)
		except Exception as e:
			failure = f"{type(e).__name__}: {e}"
		finally:
			if failure and last and args.screenshots:
				try:
					last[-1].screenshot(path=str(args.screenshots / "FAILED.png"), full_page=True)
					print(f"the page at the failure: {args.screenshots / 'FAILED.png'} ({last[-1].url})")
				except Exception:
					pass
			if browser:
				browser.close()
			if not args.keep:
				problems = cleanup(rest, fx)
			for ctx in (api, member_api, guest_api):
				ctx.dispose()
	for pr in problems:
		print(f"cleanup: {pr}")
	if failure:
		print(f"FAILED: {failure}")
		return 1
	print(
		"PASSED: every portal page fits 360 and 390 px, as a guest and as a member; the cancel dialog fits."
	)
	return 0


if __name__ == "__main__":
	sys.exit(main())
