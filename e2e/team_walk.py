#!/usr/bin/env python3
"""End-to-end check of group registration on the portal, in headless Chromium on a phone-sized window.

Sets up over REST (as Administrator, with the helpers of ``portal_flow.py``) a published session for
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

    python e2e/team_walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/team
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portal_flow import (
	CHROMIUM,
	CHROMIUM_ARGS,
	SESSION_DT,
	Failed,
	Rest,
	calls,
	cleanup,
	setup,
	shot,
	step,
)

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


def login(page: Page, base: str, fx: dict) -> None:
	page.goto(f"{base}/login")
	page.fill("#login_email", fx["email"])
	page.fill("#login_password", fx["password"])
	page.locator("button.btn-login:visible").first.click()
	try:
		page.wait_for_url(lambda url: "/login" not in url, timeout=15000)
	except PlaywrightTimeout:
		raise Failed(f"login as {fx['email']} did not leave /login") from None
	step(f"logged in as {fx['email']}")


def team_flow(page: Page, base: str, fx: dict, folder: Path | None) -> dict:
	login(page, base, fx)
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
	shot(page, folder, "team-form.png")
	try:
		with page.expect_response(calls("kdf_app.api.registration.register_group")) as answer:
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
	shot(page, folder, "team-registered.png")

	page.goto(f"{base}/pameldinger")
	names = page.locator(".kdf-colleague-name").all_inner_texts()
	for c in team:
		if not any(c["name"] in n for n in names):
			raise Failed(f"/pameldinger does not show the registration for {c['name']}: {names}")
	if "Vegetar" in page.inner_text("#kdf-registrations"):
		raise Failed("/pameldinger shows a colleague's dietary needs")
	step("/pameldinger lists the colleagues' registrations (name and status, no dietary needs)")
	shot(page, folder, "team-mine-pameldinger.png")
	return result


def check_rest(rest: Rest, fx: dict) -> None:
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


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(description="Headless Chromium check of group registration on the portal.")
	ap.add_argument("--url", default="http://kdf.localhost:8000")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path)
	args = ap.parse_args(argv)
	base = args.url.rstrip("/")
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)
	failure, problems, fx = None, [], {}
	page_errors: list[str] = []
	with sync_playwright() as p:
		api = p.request.new_context(base_url=base, extra_http_headers={"Accept": "application/json"})
		rest = Rest(api)
		browser = None
		try:
			rest.login("Administrator", args.admin_password)
			fx["tag"] = uuid.uuid4().hex[:8]
			setup(rest, fx)
			rest.update(
				SESSION_DT,
				fx["session"],
				{"participants_allowed": "Medlemmer og ledergrupper", "non_member_fee": NON_MEMBER_FEE},
			)
			step(
				f"set up session {fx['session']} for members and their leadership teams, member {fx['member']}"
			)
			browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
			context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")  # a phone
			context.set_default_timeout(20000)
			page = context.new_page()
			page.on("pageerror", lambda e: page_errors.append(str(e)))
			team_flow(page, base, fx, args.screenshots)
			check_rest(rest, fx)
			if page_errors:
				raise Failed(f"uncaught JavaScript errors on the pages: {page_errors}")
		except (Failed, PlaywrightTimeout) as e:
			failure = str(e)
		except Exception as e:
			failure = f"{type(e).__name__}: {e}"
		finally:
			if browser:
				browser.close()
			if fx.get("tag"):
				if fx.get("session") and "contacts" not in fx:
					try:
						fx["contacts"] = [
							r["contact"]
							for r in rest.get_list(
								"Registration", [["session", "=", fx["session"]]], ["contact"], 0
							)
							if r.get("contact")
						]
					except Exception as e:
						problems.append(f"list contacts: {e}")
				problems += cleanup(rest, fx)
				for contact in fx.get("contacts") or []:
					try:
						rest.delete("Contact", contact)
					except Exception as e:
						problems.append(f"delete Contact {contact}: {e}")
			api.dispose()
	for pr in problems:
		print(f"Cleanup problem: {pr}")
	if failure:
		print(f"FAILED: {failure}")
		return 1
	print("PASSED: a member registered themself and two colleagues on the portal.")
	return 0


if __name__ == "__main__":
	sys.exit(main())
