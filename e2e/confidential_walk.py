#!/usr/bin/env python3
"""Sealed case content and the open session's confirmation link, in headless Chromium.

Run on a site with kdf_app (a demo site is fine) served over HTTP:

    python e2e/confidential_walk.py --url http://127.0.0.1:8000 --screenshots /tmp/confidential-shots

Set up over REST as Administrator: a case manager and a secretariat user (desk), a case with a request and a
meeting note. Then in the browser:

1. the case manager opens the case: the request and the meeting's notes read as text (not ``kdf:v1:…``);
   the stored value, read over REST as Administrator, is ciphertext;
2. the secretariat opens the same case: refused, no text;
3. a guest on a phone (390 px) signs up for an open session: the page says to confirm by e-mail, and nothing is
   registered yet; the link from the e-mail (read from the Email Queue) opens /bekreft-pamelding, whose button
   confirms the seat.

Uses Debian's /usr/bin/chromium through Python ``playwright`` (no browser download). Exit code 0 when every
step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timedelta

import lib
from lib import Failed, step

REQUEST = "Konflikt med ordføreren om budsjettet — trenger juridisk råd"
NOTE = "Første samtale: gikk gjennom arbeidsavtalen"


def cleanup(rest, fx: dict) -> list[str]:
	"""What the walk made, deleted: the session with the guest's registration, its mails and Contact."""
	gone = lib.Cleanup(rest)
	for doctype, name in fx["made"]:
		if doctype == lib.SESSION_DT:
			gone.session(name, contacts=True)
		else:
			gone.delete(doctype, name)
	return gone.problems


def main() -> int:
	args = lib.arguments(None, url=None).parse_args()
	fx: dict = {"made": []}
	tag = uuid.uuid4().hex[:6]

	def steps(pw, rest, browser, url):
		manager = ("walk-saksbehandler@example.com", None)
		secretary = ("walk-sekretariat-sak@example.com", None)
		manager = (manager[0], lib.desk_user(rest, manager[0], "Saksbehandler", ["KDF Saksbehandler"]))
		secretary = (secretary[0], lib.desk_user(rest, secretary[0], "Sekretariat", ["KDF Sekretariat"]))
		case = rest.insert(
			{
				"doctype": "Mentoring Case",
				"case_type": "Juridisk bistand",
				"status": "Mottatt",
				"request": f"{REQUEST} ({tag})",
				"meetings": [{"meeting_date": datetime.now().date().isoformat(), "notes": NOTE}],
			}
		)
		fx["made"].append(("Mentoring Case", case["name"]))
		stored = rest.get_doc("Mentoring Case", case["name"])
		if not stored["request"].startswith("kdf:v1:") or REQUEST in stored["request"]:
			raise Failed(f"the stored request is not sealed: {stored['request'][:40]}")
		step("the request is stored sealed (REST as Administrator sees kdf:v1:…)")

		# 1. the case manager reads it in the desk form
		page = browser.page(timeout=30000)
		lib.desk_login(page, url, *manager, idle=False)
		page.goto(f"{url}/app/mentoring-case/{case['name']}")
		page.wait_for_selector("textarea[data-fieldname='request']", timeout=30000)
		page.wait_for_timeout(800)
		shown = page.input_value("textarea[data-fieldname='request']")
		if REQUEST not in shown:
			raise Failed(f"the case manager's form shows {shown[:60]!r}")
		if "kdf:v1:" in page.content():
			raise Failed("the form shows ciphertext somewhere")
		step("the case manager's form shows the request as text")
		lib.shot(page, args.screenshots, "case-manager-form.png")
		page.context.close()

		# 2. the secretariat is refused
		page = browser.page(timeout=30000)
		lib.desk_login(page, url, *secretary, idle=False)
		page.goto(f"{url}/app/mentoring-case/{case['name']}")
		page.wait_for_timeout(2500)
		if REQUEST in page.content():
			raise Failed("the secretariat sees the request")
		step("the secretariat gets no text of the case")
		lib.shot(page, args.screenshots, "secretariat-refused.png")
		page.context.close()

		# 3. a guest on a phone: sign up, confirm by the link
		orgs = lib.kommuner(rest)
		starts = lib.in_days(40, 9)
		session = rest.insert(
			{
				"doctype": lib.SESSION_DT,
				"session_title": f"Åpen walk-samling {tag}",
				"kind": "Temasamling/workshop",
				**lib.session_times(starts, timedelta(hours=7), timedelta(days=10)),
				"capacity": 35,
				"participant_fee": 6000,
				"non_member_fee": 7500,
				"participants_allowed": "Åpen",
				"venue_name": "Grand Hotel Oslo",
				"published": 1,
				"status": "Åpen for påmelding",
			}
		)
		fx["made"].append((lib.SESSION_DT, session["name"]))
		guest = f"walk-gjest-{tag}@example.no"
		page = browser.page(390, 844, timeout=30000, is_mobile=True)
		page.goto(f"{url}/{session['route']}")
		page.wait_for_selector("#kdf-guest-register", state="attached", timeout=30000)
		form = page.locator("#kdf-guest-register")
		form.locator("[name=name]").fill(f"Gjest Walk {tag}")
		form.locator("[name=email]").fill(guest)
		form.locator("[name=organisation]").select_option(orgs[0]["name"])
		form.locator("[name=consent]").check()
		page.click("#kdf-guest-register-button")
		page.wait_for_selector("#kdf-guest-done", timeout=30000)
		text = page.inner_text("#kdf-guest-done")
		if "bekrefte" not in text:
			raise Failed(f"the guest was told {text!r}")
		if rest.get_list("Registration", [["participant_email", "=", guest]], ["name"]):
			raise Failed("a registration exists before the guest confirmed")
		if page.evaluate("document.documentElement.scrollWidth") > 392:
			raise Failed("the session page scrolls sideways on a phone")
		step("the guest is asked to confirm by e-mail; nothing is registered yet")
		lib.shot(page, args.screenshots, "guest-asked-to-confirm.png")
		key = lib.confirmation_key(rest, guest)
		page.goto(f"{url}/bekreft-pamelding?key={key}")
		page.wait_for_selector("#kdf-confirm-button", timeout=30000)
		lib.shot(page, args.screenshots, "guest-confirm-page.png")
		page.click("#kdf-confirm-button")
		page.wait_for_selector("#kdf-confirm-done", timeout=30000)
		regs = rest.get_list("Registration", [["participant_email", "=", guest]], ["name", "status"])
		if not regs or regs[0]["status"] != "Bekreftet":
			raise Failed(f"after confirming: {regs}")
		if page.evaluate("document.documentElement.scrollWidth") > 392:
			raise Failed("the confirmation page scrolls sideways on a phone")
		step("the link confirms the seat")
		lib.shot(page, args.screenshots, "guest-confirmed.png")
		page.context.close()

	return lib.run(args, fx, steps, cleanup, js_errors=False)


if __name__ == "__main__":
	sys.exit(main())
