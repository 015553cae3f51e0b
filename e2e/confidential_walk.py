#!/usr/bin/env python3
"""Sealed case content and the open session's confirmation link, in headless Chromium.

Run on a site with kdf_app (a demo site is fine) served over HTTP:

    python e2e/confidential_walk.py --url http://127.0.0.1:8000 --screenshots docs/screenshots/confidential

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

import argparse
import quopri
import re
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from portal_flow import CHROMIUM, CHROMIUM_ARGS, SESSION_DT, Failed, Rest, step
from walk import desk_user, shot

REQUEST = "Konflikt med ordføreren om budsjettet — trenger juridisk råd"
NOTE = "Første samtale: gikk gjennom arbeidsavtalen"
FMT = "%Y-%m-%d %H:%M:%S"


def desk_login(page, url: str, user: str, password: str) -> None:
	page.goto(f"{url}/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.click(".btn-login")
	page.wait_for_url(re.compile(r".*/app.*"), timeout=30000)


def main() -> int:
	ap = argparse.ArgumentParser()
	ap.add_argument("--url", required=True)
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path)
	args = ap.parse_args()
	url = args.url.rstrip("/")
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)
	tag = uuid.uuid4().hex[:6]
	made = []
	with sync_playwright() as pw:
		browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
		admin = pw.request.new_context(base_url=url)
		rest = Rest(admin)
		try:
			rest.login("Administrator", args.admin_password)
			manager = ("walk-saksbehandler@example.com", None)
			secretary = ("walk-sekretariat-sak@example.com", None)
			manager = (manager[0], desk_user(rest, manager[0], "Saksbehandler", ["KDF Saksbehandler"]))
			secretary = (secretary[0], desk_user(rest, secretary[0], "Sekretariat", ["KDF Sekretariat"]))
			case = rest.insert(
				{
					"doctype": "Mentoring Case",
					"case_type": "Juridisk bistand",
					"status": "Mottatt",
					"request": f"{REQUEST} ({tag})",
					"meetings": [{"meeting_date": datetime.now().date().isoformat(), "notes": NOTE}],
				}
			)
			made.append(("Mentoring Case", case["name"]))
			stored = rest.get_doc("Mentoring Case", case["name"])
			if not stored["request"].startswith("kdf:v1:") or REQUEST in stored["request"]:
				raise Failed(f"the stored request is not sealed: {stored['request'][:40]}")
			step("the request is stored sealed (REST as Administrator sees kdf:v1:…)")

			# 1. the case manager reads it in the desk form
			ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
			page = ctx.new_page()
			desk_login(page, url, *manager)
			page.goto(f"{url}/app/mentoring-case/{case['name']}")
			page.wait_for_selector("textarea[data-fieldname='request']", timeout=30000)
			page.wait_for_timeout(800)
			shown = page.input_value("textarea[data-fieldname='request']")
			if REQUEST not in shown:
				raise Failed(f"the case manager's form shows {shown[:60]!r}")
			if "kdf:v1:" in page.content():
				raise Failed("the form shows ciphertext somewhere")
			step("the case manager's form shows the request as text")
			shot(page, args.screenshots, "case-manager-form.png")
			ctx.close()

			# 2. the secretariat is refused
			ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
			page = ctx.new_page()
			desk_login(page, url, *secretary)
			page.goto(f"{url}/app/mentoring-case/{case['name']}")
			page.wait_for_timeout(2500)
			if REQUEST in page.content():
				raise Failed("the secretariat sees the request")
			step("the secretariat gets no text of the case")
			shot(page, args.screenshots, "secretariat-refused.png")
			ctx.close()

			# 3. a guest on a phone: sign up, confirm by the link
			orgs = rest.get_list("Customer", [["customer_group", "=", "Kommune"]], ["name"], 1, "name asc")
			if not orgs:
				raise Failed("no Kommune on the site: load the demo first (bench --site SITE kdf-demo)")
			starts = (datetime.now() + timedelta(days=40)).replace(hour=9, minute=0, second=0, microsecond=0)
			session = rest.insert(
				{
					"doctype": SESSION_DT,
					"session_title": f"Åpen walk-samling {tag}",
					"kind": "Temasamling/workshop",
					"starts_on": starts.strftime(FMT),
					"ends_on": (starts + timedelta(hours=7)).strftime(FMT),
					"registration_deadline": (starts - timedelta(days=10)).strftime(FMT),
					"capacity": 35,
					"participant_fee": 6000,
					"non_member_fee": 7500,
					"participants_allowed": "Åpen",
					"venue_name": "Grand Hotel Oslo",
					"published": 1,
					"status": "Åpen for påmelding",
				}
			)
			made.append((SESSION_DT, session["name"]))
			guest = f"walk-gjest-{tag}@example.no"
			ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO", is_mobile=True)
			page = ctx.new_page()
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
			shot(page, args.screenshots, "guest-asked-to-confirm.png")
			queue = rest.get_list(
				"Email Queue", [["Email Queue Recipient", "recipient", "=", guest]], ["name"], 5
			)
			raw = " ".join(rest.get_doc("Email Queue", q["name"])["message"] for q in queue)
			raw = quopri.decodestring(raw.encode()).decode("utf-8", "replace")
			m = re.search(r"/bekreft-pamelding\?key=([A-Za-z0-9_\-]+)", raw)
			if not m:
				raise Failed("no confirmation link in the guest's e-mail")
			page.goto(f"{url}/bekreft-pamelding?key={m.group(1)}")
			page.wait_for_selector("#kdf-confirm-button", timeout=30000)
			shot(page, args.screenshots, "guest-confirm-page.png")
			page.click("#kdf-confirm-button")
			page.wait_for_selector("#kdf-confirm-done", timeout=30000)
			regs = rest.get_list("Registration", [["participant_email", "=", guest]], ["name", "status"])
			if not regs or regs[0]["status"] != "Bekreftet":
				raise Failed(f"after confirming: {regs}")
			made.insert(0, ("Registration", regs[0]["name"]))
			if page.evaluate("document.documentElement.scrollWidth") > 392:
				raise Failed("the confirmation page scrolls sideways on a phone")
			step("the link confirms the seat")
			shot(page, args.screenshots, "guest-confirmed.png")
			ctx.close()
			print("PASSED")
			return 0
		except Failed as e:
			print(f"FAILED: {e}")
			return 1
		finally:
			for doctype, name in made:
				try:
					if doctype == "Registration":
						rest.run_doc_method(doctype, name, "cancel_registration")
					else:
						rest.delete(doctype, name)
				except Failed:
					pass
			browser.close()


if __name__ == "__main__":
	sys.exit(main())
