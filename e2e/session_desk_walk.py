#!/usr/bin/env python3
"""The secretariat's session desk in headless Chromium: stay packages per session, Register a Group, the
participant list, the Registration and Member forms.

Run on a site loaded with ``bench --site SITE kdf-demo`` (site language Norwegian) and served over HTTP:

    python e2e/session_desk_walk.py --url http://127.0.0.1:8000 --screenshots docs/screenshots/secretariat

Set up over REST as Administrator: the desk user ``walk-sekretariat@example.com`` with the Role Profile
*KDF Sekretariat* (as a secretariat user is made), a member of a kommune, and a session for members and their
leadership teams about two months ahead offering one of the demo's stay packages. Then, as the secretariat:

1. opens the session: the package's row has the session's own text (its dates, not the package's September
   dinner); adds the demo's second package to the session: price, nights, dinner on the first day and a text
   from the session's dates are proposed; moves the session a week: the dinners and texts follow; saves;
2. **Register a Group**: the member attends (with a package and an extra night) with two colleagues, each
   with their own package, extra night and dietary needs, typed into the dialog's table; a third row left
   empty is refused naming «Rad 3» and nothing is saved; the empty row removed, the group is registered;
3. opens **Vis → Deltakerliste** from the session: *Session Participants* shows the three at once, in
   Norwegian order (Ø and Å after Z), and so does the report opened by its address;
4. opens a colleague's Registration: «Deltaker» and «Deltakerens tittel» once each; the price lines' kind
   reads «Deltakeravgift», «Oppholdspakke», «Ekstra natt», never a code;
5. makes a new Member in the desk and saves it: «Ikke invitert til medlemssidene» shows once.

Over REST it checks each registration's package, extra night and dietary needs and the session's package texts,
then removes everything it made (registrations, contacts, the session, the members). Uses Debian's
/usr/bin/chromium through Python ``playwright`` (no browser download). Exit code 0 when every step passed, 1
with the failing step's message otherwise.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

SECRETARIAT = "walk-sekretariat@example.com"
PROFILE = "KDF Sekretariat"
MONTHS = (
	"januar", "februar", "mars", "april", "mai", "juni",
	"juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip
WITH_NIGHT, WITHOUT_NIGHT = "Oppholdspakke med overnatting", "Oppholdspakke uten overnatting"


# the desk's sticky header stays on top: a full page from its top
shot = partial(lib.shot, top=True, settle=500)


# --- setup over REST --------------------------------------------------------------------------------------


def setup(rest: lib.Rest, fx: dict) -> None:
	tag = fx["tag"]
	packages = {p["name"] for p in rest.get_list("Stay Package", None, ["name"], 0)}
	if not {WITH_NIGHT, WITHOUT_NIGHT} <= packages:
		raise Failed(f"the demo's stay packages are missing: {lib.NO_DEMO}")
	fx["organisation"] = lib.kommuner(rest)[0]["name"]
	# made with the Role Profile as the secretariat's users are
	fx["password"] = lib.desk_user(
		rest, SECRETARIAT, "Sekretariat", role_profile_name=PROFILE, expect="KDF Sekretariat"
	)
	# a Wednesday about two months ahead, 10:00 to 15:00 the next day
	day = datetime.now() + timedelta(days=60)
	day += timedelta(days=(2 - day.weekday()) % 7)
	starts = day.replace(hour=10, minute=0, second=0, microsecond=0)
	fx["starts"] = starts
	session = rest.insert(
		{
			"doctype": lib.SESSION_DT,
			"session_title": f"Desk-walk {tag}",
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			"participants_allowed": "Medlemmer og ledergrupper",
			**lib.session_times(starts, timedelta(days=1, hours=5), timedelta(days=14)),
			"capacity": 30,
			"participant_fee": 6000,
			"non_member_fee": 7500,
			"extra_night_price": 2200,
			"published": 1,
			"stay_packages": [
				{"stay_package": WITH_NIGHT, "price": 4000, "dinner_on": starts.date().isoformat()}
			],
		}
	)
	fx["session"], fx["title"] = session["name"], session["session_title"]
	member = rest.insert(
		{
			"doctype": "Member",
			"first_name": "Anne",
			"last_name": f"Deskwalk{tag}",
			"email": f"desk-walk-{tag}@example.com",
			"title": "Kommunedirektør",
			"organisation": fx["organisation"],
		}
	)
	fx["member"], fx["member_name"] = member["name"], member["member_name"]


def expected_text(starts: datetime, nights: int) -> str:
	"""What the session's rows say (kdf_app.kdf_programmes.core.stay.includes_text, written out for a two-day session)."""
	d1, d2 = starts.date(), starts.date() + timedelta(days=1)
	first = f"{d1.day}. {MONTHS[d1.month - 1]}"
	night = (
		f"{d1.day}.–{d2.day}. {MONTHS[d2.month - 1]}"
		if d1.month == d2.month
		else f"{first}–{d2.day}. {MONTHS[d2.month - 1]}"
	)
	return f"Lunsj og kaffepauser begge dager, middag {first}, " + (
		f"overnatting {night}" if nights else "ikke overnatting"
	)


# --- the browser -------------------------------------------------------------------------------------------


def open_session(page: Page, base: str, fx: dict) -> None:
	page.goto(f"{base}/app/topplederprogram-session/{fx['session']}")
	page.wait_for_selector(".frappe-control[data-fieldname='stay_packages']", state="attached")
	page.wait_for_function("(n) => window.cur_frm && cur_frm.doc.name === n", arg=fx["session"])


def packages_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	open_session(page, base, fx)
	grid = page.locator(".frappe-control[data-fieldname='stay_packages']")
	grid.scroll_into_view_if_needed()
	want = expected_text(fx["starts"], 1)
	if want not in grid.inner_text():
		raise Failed(f"the session's package row does not read {want!r}: {grid.inner_text()!r}")
	if "september" in grid.inner_text() and fx["starts"].month != 9:
		raise Failed("the session's package row names September")
	step(f"the package row reads the session's own text: {want!r}")
	# the second package, chosen in the row as a person does (the row's field change runs the form's script)
	page.evaluate(
		"""(pkg) => {
			const row = cur_frm.add_child("stay_packages");
			cur_frm.refresh_field("stay_packages");
			return frappe.model.set_value(row.doctype, row.name, "stay_package", pkg);
		}""",
		WITHOUT_NIGHT,
	)
	want2 = expected_text(fx["starts"], 0)
	page.wait_for_function(
		"(t) => (cur_frm.doc.stay_packages || []).some((r) => r.includes === t && r.price == 1900)",
		arg=want2,
		timeout=20000,
	)
	step(f"adding {WITHOUT_NIGHT!r} proposed its price 1 900, no night, the dinner and {want2!r}")
	# the session moves a week: the dinner keeps its day, the proposed texts follow the new dates
	page.evaluate(
		"""() => cur_frm.set_value("starts_on", frappe.datetime.add_days(cur_frm.doc.starts_on, 7))
			.then(() => cur_frm.set_value("ends_on", frappe.datetime.add_days(cur_frm.doc.ends_on, 7)))"""
	)
	fx["starts"] += timedelta(days=7)
	moved = [expected_text(fx["starts"], 1), expected_text(fx["starts"], 0)]
	page.wait_for_function(
		"(t) => JSON.stringify((cur_frm.doc.stay_packages || []).map((r) => r.includes)) === JSON.stringify(t)",
		arg=moved,
		timeout=20000,
	)
	dinners = page.evaluate("() => cur_frm.doc.stay_packages.map((r) => r.dinner_on)")
	if dinners != [fx["starts"].date().isoformat()] * 2:
		raise Failed(f"the dinners did not move with the session: {dinners}")
	step(f"the session moved a week: dinners and texts follow ({moved[0]!r})")
	grid.scroll_into_view_if_needed()
	if folder:
		grid.screenshot(path=str(folder / "session-stay-packages.png"))
		step(f"screenshot {folder / 'session-stay-packages.png'}")
	page.keyboard.press("Control+s")
	page.wait_for_function("() => !cur_frm.is_dirty()", timeout=20000)
	step("the session saved with both packages")


def fill_row(dialog, index: int, values: dict) -> None:
	"""Type one colleague into the dialog's table, cell by cell, as the secretariat does."""
	row = dialog.locator(".frappe-control[data-fieldname='participants'] .grid-body .grid-row").nth(index)
	for field, value in values.items():
		column = row.locator(f".grid-static-col[data-fieldname='{field}']")
		column.click()
		control = column.locator("input, select, textarea").first
		control.wait_for(state="visible")
		if field == "extra_night":
			if value:
				control.check()
		elif field == "stay_package":
			control.select_option(value)
		else:
			control.fill(value)


def group_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	tag = fx["tag"]
	fx["colleagues"] = [
		{
			"participant_name": f"Åse Kollega{tag}",
			"email": f"ase-{tag}@example.com",
			"title": "Kommunalsjef",
			"stay_package": WITH_NIGHT,
			"extra_night": 1,
			"dietary_needs": "Vegetar",
		},
		{
			"participant_name": f"Øyvind Kollega{tag}",
			"email": f"oyvind-{tag}@example.com",
			"title": "Økonomisjef",
			"stay_package": WITHOUT_NIGHT,
			"dietary_needs": "Glutenfri",
		},
	]
	open_session(page, base, fx)
	page.get_by_role("button", name="Meld på en gruppe").click()
	dialog = page.locator(".modal.show .modal-dialog").last
	dialog.wait_for(state="visible")
	page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.participants")
	page.evaluate(
		"""([member]) => {
			cur_dialog.set_value("member", member);
			cur_dialog.set_value("include_member", 1);
		}""",
		[fx["member"]],
	)
	page.wait_for_function("(m) => cur_dialog.get_value('member') === m", arg=fx["member"])
	dialog.locator("select[data-fieldname='stay_package']").first.select_option(WITH_NIGHT)
	dialog.locator("input[data-fieldname='extra_night']").first.check()
	add = dialog.locator(".frappe-control[data-fieldname='participants'] .grid-add-row")
	for i, colleague in enumerate(fx["colleagues"]):
		add.click()
		fill_row(dialog, i, colleague)
	add.click()  # a third row, left empty
	page.wait_for_timeout(300)
	shot(page, folder, "register-group-dialog.png", full_page=False)
	dialog.locator(".modal-footer .btn-primary").click()
	message = page.locator(".msgprint").last
	message.wait_for(state="visible")
	text = message.inner_text()
	if "Rad 3" not in text:
		raise Failed(f"the empty third row was not refused by its number: {text!r}")
	step(f"the empty row was refused: {text.strip()!r}")
	shot(page, folder, "register-group-empty-row.png", full_page=False)
	page.locator(".modal.show .btn-modal-close, .modal.show [data-dismiss='modal']").last.click()
	page.wait_for_timeout(400)
	# nothing saved
	count = page.evaluate(
		"(s) => frappe.xcall('frappe.client.get_count', {doctype: 'Registration', filters: {session: s}})",
		fx["session"],
	)
	if count:
		raise Failed(f"{count} registrations saved although the group was refused")
	# remove the empty row and register
	rows = dialog.locator(".frappe-control[data-fieldname='participants'] .grid-body .grid-row")
	rows.nth(2).locator(".grid-row-check").check()
	dialog.locator(".frappe-control[data-fieldname='participants'] .grid-remove-rows").click()
	page.wait_for_timeout(300)
	dialog.locator(".modal-footer .btn-primary").click()
	done = page.locator(".msgprint").last
	page.wait_for_function(
		"() => Array.from(document.querySelectorAll('.modal.show .modal-title')).some((t) => t.innerText.includes('påmeldt'))",
		timeout=30000,
	)
	step(f"the group was registered: {done.inner_text().strip()!r}")
	shot(page, folder, "register-group-done.png", full_page=False)
	page.keyboard.press("Escape")


def participants_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	want = [
		fx["member_name"],
		fx["colleagues"][1]["participant_name"],
		fx["colleagues"][0]["participant_name"],
	]

	def names_shown() -> list[str]:
		page.wait_for_selector(".dt-scrollable .dt-row", timeout=30000)
		cells = page.locator(".dt-scrollable .dt-row .dt-cell__content--col-1").all_inner_texts()
		return [c.strip() for c in cells if c.strip()]

	open_session(page, base, fx)
	page.get_by_role("button", name="Vis").click()
	page.get_by_role("link", name="Deltakerliste").click()
	page.wait_for_url(re.compile(r".*/query-report/Session.*Participants.*"))
	shown = names_shown()
	if shown != want:
		raise Failed(f"Session Participants from the View menu shows {shown}, expected {want}")
	step(f"Session Participants from Vis → Deltakerliste shows at once, in Norwegian order: {shown}")
	shot(page, folder, "session-participants.png")
	page.goto(f"{base}/app/query-report/Session Participants?session={fx['session']}")
	page.wait_for_timeout(500)
	page.reload()
	shown = names_shown()
	if shown != want:
		raise Failed(f"Session Participants opened by its address shows {shown}, expected {want}")
	step("Session Participants opened by its address shows the same rows")


def registration_step(page: Page, base: str, fx: dict, rest: lib.Rest, folder: Path | None) -> None:
	(reg,) = rest.get_list(
		"Registration",
		[["session", "=", fx["session"]], ["participant_name", "=", fx["colleagues"][0]["participant_name"]]],
		["name"],
	)
	page.goto(f"{base}/app/registration/{reg['name']}")
	page.wait_for_function("(n) => window.cur_frm && cur_frm.doc.name === n", arg=reg["name"])
	page.wait_for_timeout(800)
	labels = [
		t.strip()
		for t in page.locator(".frappe-control:visible .control-label").all_inner_texts()
		if t.strip()
	]
	for label in ("Deltaker", "Deltakerens tittel"):
		if labels.count(label) != 1:
			raise Failed(f"the Registration form shows {label!r} {labels.count(label)} times: {labels}")
	step("the Registration form shows «Deltaker» and «Deltakerens tittel» once each")
	grid = page.locator(".frappe-control[data-fieldname='price_lines']")
	grid.scroll_into_view_if_needed()
	kinds = [
		t.strip()
		for t in grid.locator(".grid-body .grid-static-col[data-fieldname='code']").all_inner_texts()
	]
	if kinds != ["Deltakeravgift", "Oppholdspakke", "Ekstra natt"]:
		raise Failed(f"the price lines' kinds read {kinds}")
	step(f"the price lines' kinds read {kinds}")
	shot(page, folder, "registration-form.png")


def member_step(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	page.goto(f"{base}/app/member/new")
	page.wait_for_selector("input[data-fieldname='first_name']")
	page.fill("input[data-fieldname='first_name']", "Nytt")
	page.fill("input[data-fieldname='last_name']", f"Medlem{fx['tag']}")
	page.fill("input[data-fieldname='email']", f"desk-walk-new-{fx['tag']}@example.com")
	page.keyboard.press("Control+s")
	page.wait_for_url(re.compile(r".*/app/member/KDF-M-.*"), timeout=30000)
	page.wait_for_timeout(1500)
	fx["new_member"] = page.url.rstrip("/").rsplit("/", 1)[-1]
	shown = page.locator(".form-message:visible", has_text="Ikke invitert til medlemssidene").count()
	if shown != 1:
		raise Failed(f"a new member's form shows «Ikke invitert til medlemssidene» {shown} times")
	step("a new member, saved: «Ikke invitert til medlemssidene» once")
	shot(page, folder, "new-member.png", full_page=False)


# --- checks and cleanup over REST -------------------------------------------------------------------------


def check_rest(rest: lib.Rest, fx: dict) -> None:
	session = rest.get_doc(lib.SESSION_DT, fx["session"])
	texts = {r["stay_package"]: r["includes"] for r in session["stay_packages"]}
	want = {WITH_NIGHT: expected_text(fx["starts"], 1), WITHOUT_NIGHT: expected_text(fx["starts"], 0)}
	if texts != want:
		raise Failed(f"REST: the session's package texts are {texts}, expected {want}")
	regs = {
		r["participant_name"]: r
		for r in rest.get_list(
			"Registration",
			[["session", "=", fx["session"]]],
			["participant_name", "stay_package", "extra_night", "dietary_needs", "contact"],
		)
	}
	fx["contacts"] = [r["contact"] for r in regs.values() if r.get("contact")]
	expected = {
		fx["member_name"]: (WITH_NIGHT, 1, None),
		**{
			c["participant_name"]: (c["stay_package"], c.get("extra_night", 0), c["dietary_needs"])
			for c in fx["colleagues"]
		},
	}
	got = {n: (r["stay_package"], r["extra_night"], r["dietary_needs"] or None) for n, r in regs.items()}
	if got != expected:
		raise Failed(f"REST: registrations {got}, expected {expected}")
	step("REST: each participant has their own package, extra night and dietary needs")


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	gone = lib.Cleanup(rest)
	if fx.get("session"):
		gone.session(fx["session"], contacts=True)
	for key in ("member", "new_member"):
		if fx.get(key):
			gone.member(fx[key])
	return gone.problems


def main(argv=None) -> int:
	args = lib.arguments(
		"Headless Chromium walk of the secretariat's session desk.", url="http://127.0.0.1:8000"
	).parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		setup(rest, fx)
		step(f"set up session {fx['session']} ({fx['starts']:%d.%m.%Y}) and member {fx['member']}")
		page = browser.page(1366, 900)
		lib.desk_login(page, base, SECRETARIAT, fx["password"], idle=False)
		packages_step(page, base, fx, args.screenshots)
		group_step(page, base, fx, args.screenshots)
		participants_step(page, base, fx, args.screenshots)
		registration_step(page, base, fx, rest, args.screenshots)
		member_step(page, base, fx, args.screenshots)
		check_rest(rest, fx)

	return lib.run(args, fx, steps, cleanup, "All steps passed.")


if __name__ == "__main__":
	sys.exit(main())
