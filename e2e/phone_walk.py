#!/usr/bin/env python3
"""Every portal page on a phone, in headless Chromium: nothing wider than the screen.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/phone_walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/member-portal/phone

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

import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import lib
import portal_flow
from lib import Failed, step
from playwright.sync_api import Page

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
# elements wider than the viewport, for the failure message
STICKING_OUT = """(width) => [...document.querySelectorAll("body *")]
	.filter((e) => e.offsetParent !== null && e.getBoundingClientRect().right > width + 1)
	.filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > width + 1))
	.slice(0, 5)
	.map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className && typeof e.className === "string"
		? "." + e.className.trim().split(/\\s+/).join(".") : ""} (${Math.round(e.getBoundingClientRect().right)} px)`)"""


def member_post(member: lib.Rest, method: str, data: dict) -> dict:
	return member.call(method, data, f"{method} as the member") or {}


def setup(rest: lib.Rest, member: lib.Rest, guest: lib.Rest, fx: dict) -> None:
	"""portal_flow's session and member, then what makes every page show something."""
	portal_flow.setup(rest, fx)
	step(f"set up session {fx['session']} (/{fx['route']}) and member {fx['member']} ({fx['user']})")
	start = datetime.strptime(rest.get_doc(lib.SESSION_DT, fx["session"])["starts_on"][:19], lib.FMT)
	day1, day2 = start.date().isoformat(), (start + timedelta(days=1)).date().isoformat()
	rest.update(
		lib.SESSION_DT,
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
			"doctype": lib.SESSION_DT,
			"session_title": f"E2E Holdt samling {fx['tag']}",
			"kind": "Temasamling/workshop",
			"status": "Åpen for påmelding",
			"starts_on": (ended - timedelta(hours=6)).strftime(lib.FMT),
			"ends_on": ended.strftime(lib.FMT),
			"registration_deadline": (ended - timedelta(days=14)).strftime(lib.FMT),
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
	rest.run_doc_method("Registration", attended["name"], "mark_attendance", {"attended": 1})
	step(f"held session {held['name']} with the member's attended registration {attended['name']}")

	# a guest's registration request for the open session: the confirmation link
	fx["guest_email"] = f"e2e-gjest-{fx['tag']}@example.no"
	guest.call(
		"kdf_app.api.registration.register_guest",
		{
			"session": fx["session"],
			"name": f"Gjest Telefon {fx['tag']}",
			"email": fx["guest_email"],
			"organisation": fx["organisation"],
			"consent": "1",
		},
		"a guest's registration",
	)
	fx["confirm_key"] = lib.confirmation_key(rest, fx["guest_email"])
	step("a guest's registration request is waiting for confirmation")

	held_demo = rest.get_list(
		lib.SESSION_DT,
		[["published", "=", 1], ["status", "=", "Gjennomført"]],
		["route"],
		1,
		"starts_on desc",
	)
	fx["demo_held_route"] = held_demo[0]["route"] if held_demo else None


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	if fx.get("attended"):
		gone.delete("Registration", fx["attended"], "delete the attended registration")
	if fx.get("held"):
		gone.delete(lib.SESSION_DT, fx["held"], "delete the held session")
	if fx.get("guest_email"):
		for r in gone.list(
			"list guest requests", "Guest Registration Request", [["email", "=", fx["guest_email"]]]
		):
			gone.delete("Guest Registration Request", r["name"], "delete guest request")
		gone.mails([["Email Queue Recipient", "recipient", "=", fx["guest_email"]]])
	if fx.get("member"):
		for c in gone.list("list cases", "Mentoring Case", [["member", "=", fx["member"]]]):
			gone.delete("Mentoring Case", c["name"], f"delete case {c['name']}")
	return gone.problems + portal_flow.cleanup(rest, fx)


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
			lib.shot(page, folder, f"{who}-{name}.png")
	step(f"{who} at {width} px: {checked} of {len(pages(fx))} pages fit the screen")
	return checked


def cancel_on_phone(page: Page, base: str, fx: dict, rest: lib.Rest, folder: Path | None) -> None:
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
	lib.shot(page, folder, "member-cancel-dialog.png", full_page=False, settle=0)
	lib.answered(page, "kdf_app.api.registration.cancel", lambda: page.click("#kdf-cancel-yes"), "cancelling")
	page.wait_for_load_state("load")
	page.locator(f'tr[data-name="{fx["registration"]}"] .kdf-status', has_text="Avmeldt").wait_for()
	status = rest.get_doc("Registration", fx["registration"])["status"]
	if status != "Avmeldt":
		raise Failed(f"after cancelling, the registration is {status}")
	step("the member cancelled on the phone: Avmeldt")


def main(argv=None) -> int:
	ap = lib.arguments(
		"Every portal page at 360 and 390 px, as a guest and as a member.", keep="keep what the walk made"
	)
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		member_rest, guest_rest = lib.rest_session(p, base), lib.rest_session(p, base)
		try:
			setup(rest, member_rest, guest_rest, fx)
		finally:
			member_rest.api.dispose()
			guest_rest.api.dispose()
		total, wide = 0, []
		for who in ("guest", "member"):
			for width in WIDTHS:  # 390 px first: the screenshots before the member cancels at 360 px
				page = browser.page(width, 800, is_mobile=True, has_touch=True)
				if who == "member":
					lib.portal_login(page, base, fx["email"], fx["password"])
				total += walk(page, base, fx, who, width, args.screenshots, wide)
				if who == "member" and width == min(WIDTHS):
					cancel_on_phone(page, base, fx, rest, args.screenshots)
		if wide:
			raise Failed(f"{len(wide)} page views wider than the screen, the first: {wide[0]}")
		browser.check_errors()
		step(f"{total} page views at {' and '.join(map(str, sorted(WIDTHS)))} px, none wider than the screen")

	return lib.run(
		args,
		fx,
		steps,
		cleanup,
		"PASSED: every portal page fits 360 and 390 px, as a guest and as a member; the cancel dialog fits.",
	)


if __name__ == "__main__":
	sys.exit(main())
