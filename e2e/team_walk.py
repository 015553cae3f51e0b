#!/usr/bin/env python3
"""End-to-end check of group registration on the portal, in headless Chromium on a phone-sized window.

Sets up over REST (as Administrator, with portal_flow.py's setup) a published session for
*Medlemmer og ledergrupper* with a non-member fee and a member with a portal login. Then, as that member:

1. logs in and opens the session's page: the form offers *Kolleger fra din organisasjon*;
2. chooses a stay package for themself, adds two colleagues (name, title, e-mail, mobile, dietary needs), adds a
   third row and removes it again, and sends the form;
3. sees each participant's status in the answer (#kdf-team-result);
4. on /pameldinger sees the colleagues' registrations, named *for en kollega*.

Over REST it then checks three registrations: the member's own (Medlem) and two Kontakt registrations registered
by the member, on the member's organisation, at the non-member fee. It removes everything it made (contacts
too).

Usage::

    python e2e/team_walk.py --url http://kdf.localhost:8000 --screenshots /tmp/team-shots
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import lib
import portal_flow
from lib import Failed, step
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

NON_MEMBER_FEE = 11500


def colleagues(tag: str) -> list[dict]:
	return [
		{
			"name": f"Kari Kollega{tag}",
			"title": "Kommunalsjef helse",
			"email": f"e2e-kari-{tag}@example.com",
			"mobile": "+4791234567",
			"dietary_needs": "Vegetar",
		},
		{
			"name": f"Per Kollega{tag}",
			"title": "Økonomisjef",
			"email": f"e2e-per-{tag}@example.com",
			"mobile": "",
			"dietary_needs": "",
		},
	]


def team_flow(page: Page, base: str, fx: dict, folder: Path | None) -> dict:
	lib.portal_login(page, base, fx["email"], fx["password"])
	page.goto(f"{base}/{fx['route']}")
	page.wait_for_selector("#kdf-colleagues", timeout=10000)
	step("the session page offers colleagues from the member's organisation")
	page.select_option("#stay_package", fx["package"])
	page.fill("#invoice_reference", f"E2E-{fx['tag']}")
	team = colleagues(fx["tag"])
	for c in team:
		page.click("#kdf-add-colleague")
		row = page.locator(".kdf-colleague").last
		for field, value in c.items():
			if value:
				row.locator(f"[data-field={field}]").fill(value)
	page.click("#kdf-add-colleague")  # one row too many: removed again
	page.locator(".kdf-colleague").last.locator(".kdf-remove-colleague").click()
	if page.locator(".kdf-colleague").count() != len(team):
		raise Failed(f"expected {len(team)} colleague rows, found {page.locator('.kdf-colleague').count()}")
	step(f"filled in {len(team)} colleagues (and removed an empty row)")
	lib.shot(page, folder, "team-form.png")
	try:
		with page.expect_response(lib.calls("kdf_app.api.registration.register_group")) as answer:
			page.click("#kdf-register-button")
	except PlaywrightTimeout:
		raise Failed("submitting the form sent no register_group request") from None
	if not answer.value.ok:
		raise Failed(f"register_group returned HTTP {answer.value.status}: {answer.value.text()[:300]}")
	result = answer.value.json()["message"]
	page.wait_for_selector("#kdf-team-result", timeout=10000)
	text = page.inner_text("#kdf-team-result")
	for c in team:
		if c["name"] not in text:
			raise Failed(f"the answer on the page does not name {c['name']}: {text!r}")
	if [p["status"] for p in result["participants"]] != ["Bekreftet"] * 3:
		raise Failed(f"expected three confirmed seats, the API answered {result}")
	step(f"registered the team: {result['message']!r}")
	lib.shot(page, folder, "team-registered.png")

	page.goto(f"{base}/pameldinger")
	names = page.locator(".kdf-colleague-name").all_inner_texts()
	for c in team:
		if not any(c["name"] in n for n in names):
			raise Failed(f"/pameldinger does not show the registration for {c['name']}: {names}")
	if "Vegetar" in page.inner_text("#kdf-registrations"):
		raise Failed("/pameldinger shows a colleague's dietary needs")
	step("/pameldinger lists the colleagues' registrations (name and status, no dietary needs)")
	lib.shot(page, folder, "team-mine-pameldinger.png")
	return result


def check_rest(rest: lib.Rest, fx: dict) -> None:
	regs = rest.get_list(
		"Registration",
		[["session", "=", fx["session"]]],
		["name", "participant_type", "member", "contact", "registered_by", "paying_organisation", "total"],
		0,
		"participant_type desc, name asc",
	)
	fx["contacts"] = [r["contact"] for r in regs if r.get("contact")]
	kinds = sorted(r["participant_type"] for r in regs)
	if kinds != ["Kontakt", "Kontakt", "Medlem"]:
		raise Failed(f"REST: expected one Medlem and two Kontakt registrations, found {kinds}")
	for r in regs:
		if r["registered_by"] != fx["member"] or r["paying_organisation"] != fx["organisation"]:
			raise Failed(
				f"REST: {r['name']} registered by {r['registered_by']}, paid by {r['paying_organisation']}"
			)
		if r["participant_type"] == "Kontakt" and float(r["total"]) != NON_MEMBER_FEE:
			raise Failed(
				f"REST: {r['name']} costs {r['total']}, expected the non-member fee {NON_MEMBER_FEE}"
			)
	step(
		f"REST: {len(regs)} registrations, two non-members at the non-member fee, all on {fx['organisation']!r}"
	)


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	"""portal_flow's, and the colleagues' Contacts."""
	gone = lib.Cleanup(rest)
	if fx.get("session") and "contacts" not in fx:
		rows = gone.list("list contacts", "Registration", [["session", "=", fx["session"]]], ["contact"])
		fx["contacts"] = [r["contact"] for r in rows if r.get("contact")]
	gone.problems += portal_flow.cleanup(rest, fx)
	for contact in fx.get("contacts") or []:
		gone.delete("Contact", contact)
	return gone.problems


def main(argv=None) -> int:
	args = lib.arguments("Headless Chromium check of group registration on the portal.").parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:8]}

	def steps(p, rest, browser, base):
		portal_flow.setup(rest, fx)
		rest.update(
			lib.SESSION_DT,
			fx["session"],
			{"participants_allowed": "Medlemmer og ledergrupper", "non_member_fee": NON_MEMBER_FEE},
		)
		step(f"set up session {fx['session']} for members and their leadership teams, member {fx['member']}")
		team_flow(browser.page(390, 844), base, fx, args.screenshots)  # a phone
		check_rest(rest, fx)

	return lib.run(
		args, fx, steps, cleanup, "PASSED: a member registered themself and two colleagues on the portal."
	)


if __name__ == "__main__":
	sys.exit(main())
