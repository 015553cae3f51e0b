#!/usr/bin/env python3
"""End-to-end check of the member portal in headless Chromium (Python Playwright).

Sets up, via REST as Administrator, a fresh published Topplederprogram Session open for registration
and a Member with a portal user and password. Then, in the browser, as that member:

1. logs in at /login,
2. finds the session on /topplederprogram and opens its page,
3. picks a stay package, ticks the extra night, fills the invoice reference and dietary needs (with a
   ``<script>alert(1)</script>`` that must not run nor be stored), submits and waits for the success
   message in #kdf-register-result,
4. on /pameldinger ("Mine påmeldinger") finds the registration row with status "Bekreftet",
5. cancels it through the page's dialog (*Melde av påmeldingen?*) and, after the page reloads, sees status
   "Avmeldt".

Finally it checks via REST that the registration is "Avmeldt" and that its dietary_needs holds no
"<script", and deletes everything it created.

Usage (Chromium from the system, no ``playwright install``)::

    /tmp/pwvenv/bin/python e2e/portal_flow.py
    /tmp/pwvenv/bin/python e2e/portal_flow.py --url http://kdf.localhost:8000 --admin-password admin \\
        --screenshots docs/screenshots/member-portal/portal

Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import sys
import uuid
from datetime import timedelta
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

SCRIPT = "<script>alert(1)</script>"


# --- setup over REST ---------------------------------------------------------------------------------------


def setup(rest: lib.Rest, fx: dict) -> None:
	"""A published session open for registration and a member with a portal login, into ``fx`` (tag given)
	step by step, so that ``cleanup`` finds whatever was made even if a later step fails (team_walk.py and
	phone_walk.py start from it too)."""
	tag = fx["tag"]
	fields = ["name", "kdf_send_ehf"]
	orgs = rest.get_list(
		"Customer", [["customer_group", "=", "Kommune"]], fields, 1, "name asc"
	) or rest.get_list("Customer", None, fields, 1, "name asc")
	if not orgs:
		raise Failed("no Customer on the site for the member's organisation")
	packages = [p["name"] for p in rest.get_list("Stay Package", None, ["name"], 0, "name asc")]
	if not packages:
		raise Failed("no Stay Package on the site")
	package = "Oppholdspakke med overnatting" if "Oppholdspakke med overnatting" in packages else packages[0]
	fx.update({"organisation": orgs[0]["name"], "ehf": bool(orgs[0].get("kdf_send_ehf")), "package": package})
	session = rest.insert(
		{
			"doctype": lib.SESSION_DT,
			"session_title": f"E2E Topplederprogram {tag}",
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			**lib.session_times(lib.in_days(45, 9, 30), timedelta(days=1, hours=7), timedelta(days=10)),
			"capacity": 10,
			"participant_fee": 9500,
			"extra_night_price": 1450,
			"published": 1,
			"stay_packages": [{"stay_package": package, "price": 4200}],
		}
	)
	fx["session"], fx["route"], fx["title"] = session["name"], session["route"], session["session_title"]
	fx["email"] = f"e2e-{tag}@example.com"
	member = rest.insert(
		{
			"doctype": "Member",
			"first_name": f"E2E{tag}",
			"last_name": "Portaltest",
			"email": fx["email"],
			"title": "Kommunedirektør",
			"organisation": fx["organisation"],
		}
	)
	fx["member"] = member["name"]
	fx["user"], fx["password"] = lib.member_login(rest, member["name"])


def cleanup(rest: lib.Rest, fx: dict) -> list[str]:
	"""Removes what setup made, also what was made but whose answer got lost."""
	gone = lib.Cleanup(rest)
	if fx.get("tag"):
		found = gone.list(
			"find session", lib.SESSION_DT, [["session_title", "=", f"E2E Topplederprogram {fx['tag']}"]]
		)
		if found and not fx.get("session"):
			fx["session"] = found[0]["name"]
		found = gone.list("find member", "Member", [["email", "=", f"e2e-{fx['tag']}@example.com"]])
		if found and not fx.get("member"):
			fx["member"] = found[0]["name"]
	if fx.get("session"):
		gone.session(fx["session"])
	if fx.get("member"):
		gone.member(fx["member"], fx.get("user"))
	return gone.problems


# --- the browser flow ------------------------------------------------------------------------------------


def console_tail(page: Page) -> str:
	return "; ".join(getattr(page, "_kdf_console", [])[-3:]) or "-"


def browser_flow(page: Page, base: str, fx: dict, folder: Path | None) -> str:
	# 1. log in as the member
	page.goto(f"{base}/login")
	page.fill("#login_email", fx["email"])
	page.fill("#login_password", fx["password"])
	landings = []  # the documents the browser is sent to after logging in

	def on_doc(resp) -> None:
		if resp.request.is_navigation_request() and resp.frame == page.main_frame:
			landings.append(resp)

	page.on("response", on_doc)
	page.locator("button.btn-login:visible").first.click()  # login.js posts cmd=login, then redirects
	try:
		page.wait_for_url(lambda url: "/login" not in url, timeout=15000)
		page.wait_for_load_state("load")
	except PlaywrightTimeout:
		shown = page.locator(".page-card-head, .login-content .text-danger, .msgprint").all_inner_texts()
		raise Failed(f"login as {fx['email']} did not leave /login; page shows {shown}") from None
	page.remove_listener("response", on_doc)
	landing = landings[-1] if landings else None
	step(f"logged in as {fx['email']} (landed on {page.url}, HTTP {landing.status if landing else '?'})")
	if landing and landing.status >= 400:
		# not part of the flow under test, but a member should not land on an error page
		print(
			f"[warn] after login the member is sent to {page.url}, which answers HTTP {landing.status}",
			flush=True,
		)

	# 2. the session is listed on /topplederprogram
	page.goto(f"{base}/topplederprogram")
	link = page.locator(f'.kdf-sessions a[href="/{fx["route"]}"]', has_text=fx["title"])
	if link.count() == 0:
		raise Failed(f"session {fx['session']} ({fx['title']!r}) is not listed on /topplederprogram")
	step(f"/topplederprogram lists {fx['title']!r}")
	link.first.click()
	page.wait_for_url(f"**/{fx['route']}")
	page.wait_for_selector("#kdf-register", timeout=10000)
	if fx["title"] not in page.locator("h1").first.inner_text():
		raise Failed(f"session page heading is {page.locator('h1').first.inner_text()!r}")
	step(f"session page /{fx['route']} shows the registration form")
	lib.shot(page, folder, "session-page.png")

	# 3. fill in and submit
	page.select_option("#stay_package", fx["package"])
	page.check("#extra_night")
	page.fill("#invoice_reference", f"E2E-{fx['tag']}")
	page.fill("#dietary_needs", f"Glutenfri {SCRIPT} og laktosefri")
	try:
		with page.expect_response(lib.calls("kdf_app.api.registration.register")) as reg:
			page.click("#kdf-register-button")
	except PlaywrightTimeout:
		raise Failed(
			"submitting #kdf-register sent no register request, or the server never answered it"
		) from None
	if not reg.value.ok:
		raise Failed(f"register returned HTTP {reg.value.status}: {reg.value.text()[:300]}")
	result = reg.value.json()["message"]
	try:
		page.wait_for_selector("#kdf-register-result .alert-success", timeout=10000)
	except PlaywrightTimeout:
		raise Failed(
			f"no success message in #kdf-register-result (API answered {result}); "
			f"result html: {page.inner_html('#kdf-register-result')!r}"
		) from None
	message = page.inner_text("#kdf-register-result")
	if result.get("status") != "Bekreftet":
		raise Failed(f"expected status Bekreftet, API answered {result}")
	if result.get("total_display") not in message:
		raise Failed(f"the success message {message!r} does not show the total as the pages do")
	step(
		f"registered {result['name']}: {result['status']}, total {result['total']}; page says {message.strip()!r}"
	)
	lib.shot(page, folder, "registration-success.png")

	# 4. Mine påmeldinger
	page.goto(f"{base}/pameldinger")
	row = page.locator(f'#kdf-registrations tr[data-name="{result["name"]}"]')
	if row.count() != 1:
		raise Failed(f"registration {result['name']} is not in #kdf-registrations on /pameldinger")
	status = row.locator(".kdf-status").inner_text().strip()
	if "Bekreftet" not in status:
		raise Failed(f"/pameldinger shows status {status!r} for {result['name']}, expected Bekreftet")
	step(f"/pameldinger lists {result['name']} with status {status!r}")
	lib.shot(page, folder, "mine-pameldinger.png")

	# 5. cancel through the page's own dialog (Norwegian, fits a phone); the page reloads
	row.locator(".kdf-cancel").click()
	dialog = page.locator("#kdf-cancel-dialog")
	try:
		dialog.wait_for(state="visible", timeout=10000)
	except PlaywrightTimeout:
		raise Failed("clicking the cancel button showed no confirm dialog") from None
	title = dialog.locator("#kdf-cancel-title").inner_text().strip()
	primary = dialog.locator("#kdf-cancel-yes")
	if title != "Melde av påmeldingen?" or primary.inner_text().strip() != "Ja, meld av":
		raise Failed(f"the dialog reads {title!r} / {primary.inner_text().strip()!r}, not Norwegian")
	step(f"confirm dialog: {title!r}, primary button {primary.inner_text().strip()!r}")
	try:
		with page.expect_navigation(timeout=15000):
			with page.expect_response(lib.calls("kdf_app.api.registration.cancel")) as cancel:
				primary.click()
	except PlaywrightTimeout:
		raise Failed(
			"confirming the dialog gave no answer to the cancel request or no page reload "
			f"(console: {console_tail(page)})"
		) from None
	if not cancel.value.ok:
		raise Failed(f"cancel returned HTTP {cancel.value.status}: {cancel.value.text()[:300]}")
	page.wait_for_load_state("load")
	row = page.locator(f'#kdf-registrations tr[data-name="{result["name"]}"]')
	status = row.locator(".kdf-status").inner_text().strip() if row.count() else "(row missing)"
	if "Avmeldt" not in status:
		raise Failed(
			f"after cancelling, /pameldinger shows {status!r} for {result['name']}, expected Avmeldt"
		)
	if row.locator(".kdf-cancel").count():
		raise Failed("the cancelled registration still has a cancel button")
	step(f"after confirming and reload /pameldinger shows {status!r}")
	lib.shot(page, folder, "mine-pameldinger-avmeldt.png")
	return result["name"]


def main(argv=None) -> int:
	ap = lib.arguments("Headless Chromium check of the KDF member portal flow.")
	ap.add_argument("--headed", action="store_true", help="show the browser (needs a display)")
	args = ap.parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:8]}

	def steps(p, rest, browser, base):
		setup(rest, fx)
		step(
			f"set up session {fx['session']} (/{fx['route']}), member {fx['member']} of {fx['organisation']!r}, "
			f"user {fx['user']}"
		)
		page, console, alerts = browser.page(), browser.console, []
		page._kdf_console = console  # for failure messages
		page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "warning" else None)
		page.on(
			"response",
			lambda r: (
				console.append(f"HTTP {r.status} {r.request.method} {r.url}") if r.status >= 400 else None
			),
		)

		def on_dialog(d):  # a native alert would mean the injected script ran
			alerts.append(f"{d.type}: {d.message}")
			d.dismiss()

		page.on("dialog", on_dialog)
		name = browser_flow(page, base, fx, args.screenshots)
		reg = rest.get_doc("Registration", name)
		if reg["status"] != "Avmeldt":
			raise Failed(f"REST: registration {name} has status {reg['status']!r}, expected Avmeldt")
		if "<script" in (reg.get("dietary_needs") or "").lower():
			raise Failed(f"REST: dietary_needs still contains a script tag: {reg['dietary_needs']!r}")
		step(f"REST: {name} status {reg['status']!r}, dietary_needs stored as {reg.get('dietary_needs')!r}")
		if alerts:
			raise Failed(f"a native dialog opened (injected script ran?): {alerts}")

	return lib.run(
		args,
		fx,
		steps,
		cleanup,
		"PASSED: portal flow login → list → register → Mine påmeldinger → cancel works.",
	)


if __name__ == "__main__":
	sys.exit(main())
