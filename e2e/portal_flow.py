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
        --screenshots docs/screenshots/portal

Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import APIRequestContext, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
SESSION_DT = "Topplederprogram Session"
SCRIPT = "<script>alert(1)</script>"


class Failed(Exception):
	pass


def step(msg: str) -> None:
	print(f"[ok] {msg}", flush=True)


# --- REST as Administrator ---------------------------------------------------------------------------


class Rest:
	def __init__(self, api: APIRequestContext):
		self.api = api

	@staticmethod
	def _check(resp, what: str):
		if not resp.ok:
			try:
				body = resp.json()
				msgs = [
					json.loads(m).get("message", m) for m in json.loads(body.get("_server_messages") or "[]")
				]
				detail = " | ".join([body.get("exc_type") or ""] + [str(m) for m in msgs]).strip(" |")
			except Exception:
				detail = resp.text()[:300]
			raise Failed(f"{what}: HTTP {resp.status} {detail}")
		return resp.json() if resp.body() else {}

	def login(self, user: str, password: str) -> None:
		self._check(self.api.post("/api/method/login", form={"usr": user, "pwd": password}), f"login {user}")

	def get_list(self, doctype, filters=None, fields=None, limit=0, order_by=None):
		params = {"limit_page_length": str(limit)}
		if filters is not None:
			params["filters"] = json.dumps(filters)
		if fields is not None:
			params["fields"] = json.dumps(fields)
		if order_by:
			params["order_by"] = order_by
		return self._check(self.api.get(f"/api/resource/{quote(doctype)}", params=params), f"list {doctype}")[
			"data"
		]

	def get_doc(self, doctype, name):
		return self._check(
			self.api.get(f"/api/resource/{quote(doctype)}/{quote(name, safe='')}"), f"get {doctype} {name}"
		)["data"]

	def insert(self, doc: dict) -> dict:
		return self._check(
			self.api.post(f"/api/resource/{quote(doc['doctype'])}", data=doc), f"insert {doc['doctype']}"
		)["data"]

	def update(self, doctype, name, values):
		return self._check(
			self.api.put(f"/api/resource/{quote(doctype)}/{quote(name, safe='')}", data=values),
			f"update {doctype} {name}",
		)["data"]

	def delete(self, doctype, name):
		self._check(
			self.api.delete(f"/api/resource/{quote(doctype)}/{quote(name, safe='')}"),
			f"delete {doctype} {name}",
		)

	def run_doc_method(self, doctype, name, method):
		return self._check(
			self.api.post("/api/method/run_doc_method", data={"dt": doctype, "dn": name, "method": method}),
			f"{doctype}.{method}",
		).get("message")


def setup(rest: Rest, fx: dict) -> None:
	"""Fills ``fx`` step by step, so that cleanup finds whatever was created even if a later step fails."""
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

	starts = (datetime.now() + timedelta(days=45)).replace(hour=9, minute=30, second=0, microsecond=0)
	fmt = "%Y-%m-%d %H:%M:%S"
	session = rest.insert(
		{
			"doctype": SESSION_DT,
			"session_title": f"E2E Topplederprogram {tag}",
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			"starts_on": starts.strftime(fmt),
			"ends_on": (starts + timedelta(days=1, hours=7)).strftime(fmt),
			"registration_deadline": (starts - timedelta(days=10)).strftime(fmt),
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
	fx["user"] = rest.run_doc_method("Member", member["name"], "create_portal_user")
	fx["password"] = "Kdf-" + secrets.token_urlsafe(18) + "-7q"
	rest.update("User", fx["user"], {"new_password": fx["password"]})


def cleanup(rest: Rest, fx: dict) -> list[str]:
	problems = []

	def attempt(what, fn, *a):
		try:
			return fn(*a)
		except Exception as e:
			problems.append(f"{what}: {e}")

	# also whatever was created but whose response got lost (e.g. a dev server restarting mid-request)
	if fx.get("tag"):
		found = attempt(
			"find session",
			rest.get_list,
			SESSION_DT,
			[["session_title", "=", f"E2E Topplederprogram {fx['tag']}"]],
			["name"],
		)
		if found and not fx.get("session"):
			fx["session"] = found[0]["name"]
		found = attempt(
			"find member", rest.get_list, "Member", [["email", "=", f"e2e-{fx['tag']}@example.com"]], ["name"]
		)
		if found and not fx.get("member"):
			fx["member"] = found[0]["name"]
	if fx.get("session"):
		regs = (
			attempt(
				"list registrations",
				rest.get_list,
				"Registration",
				[["session", "=", fx["session"]]],
				["name"],
			)
			or []
		)
		for r in regs:
			for q in (
				attempt(
					"list Email Queue",
					rest.get_list,
					"Email Queue",
					[["reference_doctype", "=", "Registration"], ["reference_name", "=", r["name"]]],
					["name"],
				)
				or []
			):
				attempt("delete Email Queue", rest.delete, "Email Queue", q["name"])
			attempt(f"delete Registration {r['name']}", rest.delete, "Registration", r["name"])
		attempt(f"delete session {fx['session']}", rest.delete, SESSION_DT, fx["session"])
	if fx.get("member"):
		member = attempt("read member", rest.get_doc, "Member", fx["member"]) or {}
		attempt(f"delete Member {fx['member']}", rest.delete, "Member", fx["member"])
		if member.get("contact"):
			attempt(f"delete Contact {member['contact']}", rest.delete, "Contact", member["contact"])
		if fx.get("user") or member.get("user"):
			attempt("delete User", rest.delete, "User", fx.get("user") or member["user"])
	return problems


# --- the browser flow --------------------------------------------------------------------------------


def calls(method: str):
	"""Matches the response of a frappe.call to ``method``: the portal posts ``cmd=<method>`` to "/"."""

	def match(resp) -> bool:
		if method in resp.url:
			return True
		try:
			return resp.request.method == "POST" and method in (resp.request.post_data or "")
		except Exception:  # binary bodies
			return False

	return match


def console_tail(page: Page) -> str:
	return "; ".join(getattr(page, "_kdf_console", [])[-3:]) or "-"


def shot(page: Page, folder: Path | None, name: str) -> None:
	if folder:
		path = folder / name
		page.screenshot(path=str(path), full_page=True)
		step(f"screenshot {path}")


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
	shot(page, folder, "session-page.png")

	# 3. fill in and submit
	page.select_option("#stay_package", fx["package"])
	page.check("#extra_night")
	page.fill("#invoice_reference", f"E2E-{fx['tag']}")
	page.fill("#dietary_needs", f"Glutenfri {SCRIPT} og laktosefri")
	try:
		with page.expect_response(calls("kdf_app.api.registration.register")) as reg:
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
	shot(page, folder, "registration-success.png")

	# 4. Mine påmeldinger
	page.goto(f"{base}/pameldinger")
	row = page.locator(f'#kdf-registrations tr[data-name="{result["name"]}"]')
	if row.count() != 1:
		raise Failed(f"registration {result['name']} is not in #kdf-registrations on /pameldinger")
	status = row.locator(".kdf-status").inner_text().strip()
	if "Bekreftet" not in status:
		raise Failed(f"/pameldinger shows status {status!r} for {result['name']}, expected Bekreftet")
	step(f"/pameldinger lists {result['name']} with status {status!r}")
	shot(page, folder, "mine-pameldinger.png")

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
			with page.expect_response(calls("kdf_app.api.registration.cancel")) as cancel:
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
	shot(page, folder, "mine-pameldinger-avmeldt.png")
	return result["name"]


def main(argv=None) -> int:
	ap = argparse.ArgumentParser(description="Headless Chromium check of the KDF member portal flow.")
	ap.add_argument("--url", default="http://kdf.localhost:8000", help="site URL (default %(default)s)")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path, help="save PNGs of the pages into this folder")
	ap.add_argument("--headed", action="store_true", help="show the browser (needs a display)")
	args = ap.parse_args(argv)
	base = args.url.rstrip("/")
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)

	console: list[str] = []
	page_errors: list[str] = []
	alerts: list[str] = []
	failure = None
	fx: dict = {}
	with sync_playwright() as p:
		api = p.request.new_context(base_url=base, extra_http_headers={"Accept": "application/json"})
		rest = Rest(api)
		browser = None
		try:
			rest.login("Administrator", args.admin_password)
			fx["tag"] = uuid.uuid4().hex[:8]
			setup(rest, fx)
			step(
				f"set up session {fx['session']} (/{fx['route']}), member {fx['member']} of {fx['organisation']!r}, "
				f"user {fx['user']}"
			)
			browser = p.chromium.launch(
				executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=not args.headed
			)
			context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
			context.set_default_timeout(20000)
			page = context.new_page()
			page._kdf_console = console  # for failure messages
			page.on(
				"console",
				lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
			)
			page.on("pageerror", lambda e: page_errors.append(str(e)))
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
			step(
				f"REST: {name} status {reg['status']!r}, dietary_needs stored as {reg.get('dietary_needs')!r}"
			)
			if alerts:
				raise Failed(f"a native dialog opened (injected script ran?): {alerts}")
			if page_errors:
				raise Failed(f"uncaught JavaScript errors on the pages: {page_errors}")
		except (Failed, PlaywrightTimeout) as e:
			failure = str(e)
		except Exception as e:  # anything unexpected is a failure with its message, not a traceback
			failure = f"{type(e).__name__}: {e}"
		finally:
			if browser:
				browser.close()
			problems = cleanup(rest, fx) if fx.get("tag") else []
			api.dispose()

	if console:
		print("Browser console errors/warnings:")
		for c in console[:20]:
			lines = c.strip().splitlines()
			print("  " + (c.strip() if len(lines) <= 3 else f"{lines[0]} [...] {lines[-1]}"))
	if problems:
		print("Cleanup problems:")
		for pr in problems:
			print(f"  {pr}")
	elif fx.get("tag"):
		print("Cleanup: test session, registration, member, contact and user removed.")
	if failure:
		print(f"FAILED: {failure}")
		return 1
	print("PASSED: portal flow login → list → register → Mine påmeldinger → cancel works.")
	return 0


if __name__ == "__main__":
	sys.exit(main())
