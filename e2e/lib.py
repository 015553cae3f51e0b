"""What the e2e walks (and the benchmarks) share: the browser, logging in, REST as Administrator, desk users
and members with a portal login made over REST, screenshots, the Email Queue, waiting for a background job,
best-effort cleanup and ``run``, a walk's start, cleanup and outcome.

A walk imports it as ``import lib`` (e2e/ is on sys.path when a walk runs as a script); a benchmark puts e2e/ on
sys.path first. Playwright is imported only where a browser is used, so the benchmarks (requests only) can use
the REST helpers: they work on any client with get_list/get_doc/insert/update/delete/run_doc_method.
"""

from __future__ import annotations

import argparse
import email
import json
import quopri
import re
import secrets
import time
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"  # Debian's; never a downloaded browser
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
FMT = "%Y-%m-%d %H:%M:%S"
DESK = re.compile(r".*/app.*")
NO_DEMO = "load the demo first (bench --site SITE kdf-demo)"
# the walks' desk users, kept between runs (a fresh password each run)
DESK_USERS = {
	"secretariat": ("walk-sekretariat@example.com", "Sekretariat", ["KDF Sekretariat"]),
	"accountant": ("walk-regnskap@example.com", "Regnskap", ["Accounts User"]),
}


class Failed(Exception):
	pass


def step(msg: str) -> None:
	print(f"[ok] {msg}", flush=True)


def new_password() -> str:
	return "Kdf-" + secrets.token_urlsafe(16) + "-9x"


def arguments(
	description: str | None, url: str | None = "http://kdf.localhost:8000", keep: str | None = None
):
	"""The walks' common options: --url (required when no default), --admin-password, --screenshots (and --keep
	with its help)."""
	ap = argparse.ArgumentParser(description=description)
	if url:
		ap.add_argument("--url", default=url, help="the site's address (default %(default)s)")
	else:
		ap.add_argument("--url", required=True, help="the site's address")
	ap.add_argument("--admin-password", default="admin")
	ap.add_argument("--screenshots", type=Path, help="save PNGs into this folder")
	if keep:
		ap.add_argument("--keep", action="store_true", help=keep)
	return ap


def prepare(args) -> str:
	"""The site's address without a trailing slash; the screenshot folder made."""
	if args.screenshots:
		args.screenshots.mkdir(parents=True, exist_ok=True)
	return args.url.rstrip("/")


def failure_text(e: Exception) -> str:
	"""A walk's own failures and Playwright's timeouts by their message, anything else with its type."""
	from playwright.sync_api import TimeoutError as PlaywrightTimeout

	return str(e) if isinstance(e, Failed | PlaywrightTimeout) else f"{type(e).__name__}: {e}"


def in_days(days: float, hour: int, minute: int = 0) -> datetime:
	"""A time ``days`` from now, at hour:minute."""
	return (datetime.now() + timedelta(days=days)).replace(hour=hour, minute=minute, second=0, microsecond=0)


def session_times(starts: datetime, lasts: timedelta, deadline_before: timedelta) -> dict:
	"""A session's starts_on, ends_on and registration_deadline as REST takes them."""
	return {
		"starts_on": starts.strftime(FMT),
		"ends_on": (starts + lasts).strftime(FMT),
		"registration_deadline": (starts - deadline_before).strftime(FMT),
	}


# --- REST as a user (Administrator for setup) ----------------------------------------------------------


def list_params(filters, fields, limit, order_by) -> dict:
	"""The query of a REST list request (/api/resource/<doctype>)."""
	params = {"limit_page_length": limit}
	if filters is not None:
		params["filters"] = json.dumps(filters)
	if fields is not None:
		params["fields"] = json.dumps(fields)
	if order_by:
		params["order_by"] = order_by
	return params


class Rest:
	"""Frappe's REST API over a Playwright APIRequestContext (``.api``), logged in as one user."""

	def __init__(self, api):
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

	def call(self, method: str, data: dict, what: str | None = None):
		"""POST a whitelisted method as this user (a form, as the portal sends it); its message."""
		return self._check(self.api.post(f"/api/method/{method}", form=data), what or method).get("message")

	def get_list(self, doctype, filters=None, fields=None, limit=0, order_by=None):
		params = list_params(filters, fields, str(limit), order_by)
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

	def run_doc_method(self, doctype, name, method, args: dict | None = None):
		data = {"dt": doctype, "dn": name, "method": method}
		if args:
			data["args"] = json.dumps(args)
		return self._check(self.api.post("/api/method/run_doc_method", data=data), f"{doctype}.{method}").get(
			"message"
		)


def rest_session(playwright, base: str) -> Rest:
	"""A REST session of its own (not logged in yet); dispose of it with ``rest.api.dispose()``."""
	return Rest(
		playwright.request.new_context(base_url=base, extra_http_headers={"Accept": "application/json"})
	)


def roles_of(rest, user: str) -> set[str]:
	return {r["role"] for r in rest.get_doc("User", user).get("roles", [])}


def desk_user(
	rest,
	email_addr: str,
	first_name: str = "Walk",
	roles: list[str] | None = None,
	*,
	expect: str = "",
	**values,
) -> str:
	"""The walk's desk user (made on the first run, kept after) with these roles, or a ``role_profile_name`` in
	``values``, and a fresh password, which it returns. ``expect``: a role the user must have afterwards."""
	password = new_password()
	values = {"new_password": password, "enabled": 1, "language": "no", **values}
	if roles is not None:
		values["roles"] = [{"role": r} for r in roles]
	if rest.get_list("User", [["name", "=", email_addr]], ["name"]):
		rest.update("User", email_addr, values)
	else:
		rest.insert(
			{
				"doctype": "User",
				"email": email_addr,
				"first_name": first_name,
				"user_type": "System User",
				"send_welcome_email": 0,
				**values,
			}
		)
	if expect and expect not in (got := roles_of(rest, email_addr)):
		raise Failed(f"{email_addr} did not get the role {expect}: {sorted(got)}")
	return password


def walk_desk_user(rest, key: str) -> tuple[str, str]:
	"""One of DESK_USERS with a fresh password: (user, password)."""
	addr, first, roles = DESK_USERS[key]
	return addr, desk_user(rest, addr, first, roles)


def kommuner(rest, n: int = 1, fields=("name",), filters=(), order_by: str = "name asc") -> list[dict]:
	"""The first ``n`` kommuner (Customers of the group Kommune); Failed when the site has fewer."""
	rows = rest.get_list(
		"Customer", [["customer_group", "=", "Kommune"], *filters], list(fields), n, order_by
	)
	if len(rows) < n:
		raise Failed(f"fewer than {n} Kommune(r) on the site: {NO_DEMO}")
	return rows


def member_login(rest, member: str, user: str | None = None) -> tuple[str, str]:
	"""The member's portal user (made unless given) with a fresh password: (user, password)."""
	user = user or rest.run_doc_method("Member", member, "create_portal_user")
	password = new_password()
	rest.update("User", user, {"new_password": password})
	return user, password


class Cleanup:
	"""Best-effort removal over REST: whatever fails is noted in ``problems``; nothing raises."""

	def __init__(self, rest):
		self.rest = rest
		self.problems: list[str] = []

	def attempt(self, what: str, fn, *a):
		try:
			return fn(*a)
		except Exception as e:
			self.problems.append(f"{what}: {e}")

	def list(self, what: str, doctype: str, filters, fields=("name",)) -> list[dict]:
		return self.attempt(what, self.rest.get_list, doctype, filters, list(fields), 0) or []

	def delete(self, doctype: str, name: str, what: str | None = None) -> None:
		self.attempt(what or f"delete {doctype} {name}", self.rest.delete, doctype, name)

	def mails(self, filters) -> None:
		"""Email Queue rows, e.g. ``[["reference_name", "=", name]]``."""
		for q in self.list("list mails", "Email Queue", filters):
			self.delete("Email Queue", q["name"], "delete mail")

	def mails_about(self, name: str, doctype: str | None = None) -> None:
		filters = [["reference_name", "=", name]]
		self.mails(filters if not doctype else [["reference_doctype", "=", doctype], *filters])

	def session(self, session: str, contacts: bool = False) -> None:
		"""A session, its registrations and their mails (and the participants' Contacts)."""
		for r in self.list(
			"list registrations", "Registration", [["session", "=", session]], ["name", "contact"]
		):
			self.mails_about(r["name"], "Registration")
			self.delete("Registration", r["name"])
			if contacts and r.get("contact"):
				self.delete("Contact", r["contact"])
		self.delete(SESSION_DT, session)

	def member(self, name: str, user: str | None = None, mails: bool = False) -> None:
		"""A member, its Contact and its user (``user`` or the member's own), first its mails if asked."""
		doc = self.attempt("read member", self.rest.get_doc, "Member", name) or {}
		if mails:
			self.mails_about(name)
		self.delete("Member", name)
		if doc.get("contact"):
			self.delete("Contact", doc["contact"])
		if user or doc.get("user"):
			self.delete("User", user or doc["user"])


# --- the Email Queue ---------------------------------------------------------------------------------------


def latest_mail(rest, doctype: str, name: str, what: str = "e-mail") -> tuple[str, str]:
	"""The newest mail about a document in the Email Queue (its MIME text): (subject, HTML body)."""
	mails = rest.get_list(
		"Email Queue",
		[["reference_doctype", "=", doctype], ["reference_name", "=", name]],
		["name", "message"],
		0,
		"creation desc",
	)
	if not mails:
		raise Failed(f"no {what} for {name} in the Email Queue")
	msg = email.message_from_string(mails[0]["message"])
	subject = str(make_header(decode_header(msg["Subject"] or "")))
	body = "".join(
		p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
		for p in msg.walk()
		if p.get_content_type() == "text/html"
	)
	return subject, body


def set_password_link(body: str, subject: str, base: str) -> str:
	"""The set-password link in a mail, on the server under test (the mail names the site's own address)."""
	links = re.findall(r'href="([^"]*/update-password\?key=[0-9a-zA-Z]+)"', body)
	if not links:
		raise Failed(f"the e-mail {subject!r} has no set-password link")
	return base + "/update-password" + links[0].split("/update-password", 1)[1]


def mail_text_to(rest, recipient: str, limit: int = 5) -> str:
	"""The (quoted-printable decoded) text of the mails to one address."""
	queue = rest.get_list(
		"Email Queue", [["Email Queue Recipient", "recipient", "=", recipient]], ["name"], limit
	)
	raw = " ".join(rest.get_doc("Email Queue", q["name"])["message"] for q in queue)
	return quopri.decodestring(raw.encode()).decode("utf-8", "replace")


def confirmation_key(rest, recipient: str) -> str:
	"""The key of the /bekreft-pamelding link in a guest's mail."""
	m = re.search(r"/bekreft-pamelding\?key=([A-Za-z0-9_\-]+)", mail_text_to(rest, recipient))
	if not m:
		raise Failed("no confirmation link in the guest's e-mail")
	return m.group(1)


def wait_for(what: str, check, seconds: int = 180, every: float = 2) -> None:
	"""Polls ``check`` until it is true (a background job's result); Failed after ``seconds``."""
	deadline = datetime.now() + timedelta(seconds=seconds)
	while not check():
		if datetime.now() > deadline:
			raise Failed(f"{what} did not happen within {seconds} s: is the bench's worker running?")
		time.sleep(every)


# --- the browser -------------------------------------------------------------------------------------------


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


def answered(page, method: str, action, what: str):
	"""Does ``action()`` (a click) and waits for the answer to a call of ``method``; Failed unless it is OK."""
	with page.expect_response(calls(method)) as answer:
		action()
	if not answer.value.ok:
		raise Failed(f"{what} answered HTTP {answer.value.status}: {answer.value.text()[:300]}")
	return answer.value


class Browser:
	"""Headless Chromium with the pages a walk opens and their uncaught JavaScript errors (``errors``) and
	console errors (``console``)."""

	def __init__(self, playwright, headless: bool = True):
		self.browser = playwright.chromium.launch(
			executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=headless
		)
		self.pages: list = []
		self.errors: list[str] = []
		self.console: list[str] = []

	def page(self, width: int = 1280, height: int = 900, timeout: int = 20000, **options):
		"""A page in a context of its own (cookies of its own), Norwegian, ``width`` x ``height``."""
		context = self.browser.new_context(
			viewport={"width": width, "height": height}, locale="nb-NO", **options
		)
		context.set_default_timeout(timeout)
		page = context.new_page()
		self.pages.append(page)
		page.on("pageerror", lambda e, page=page: self.errors.append(f"{page.url}: {e}"))
		page.on(
			"console", lambda m: self.console.append(f"{m.type}: {m.text}") if m.type == "error" else None
		)
		return page

	def check_errors(self, most: int = 3) -> None:
		if self.errors:
			raise Failed(f"uncaught JavaScript errors: {self.errors[:most]}")

	def failure_shot(self, folder: Path | None, name: str = "FAILED.png") -> None:
		"""What the last page showed when the walk failed."""
		if not (folder and self.pages):
			return
		try:
			self.pages[-1].screenshot(path=str(folder / name), full_page=True)
			print(f"the page at the failure: {folder / name} ({self.pages[-1].url})")
		except Exception:
			pass

	def close(self) -> None:
		self.browser.close()


def shot(
	page,
	folder: Path | None,
	name: str,
	*,
	full_page: bool = True,
	settle: int = 400,
	top: bool = False,
	at=None,
) -> None:
	"""A screenshot into ``folder`` (none without one): the whole page or, with full_page=False, the window.
	``top``: scrolled to the top first (a full page); ``at``: a selector scrolled to below the desk's sticky
	head; ``settle``: milliseconds to let alerts and fonts settle."""
	if not folder:
		return
	if at:
		page.locator(at).first.evaluate("(el) => el.scrollIntoView({block: 'start'})")
		page.mouse.wheel(0, -90)
	elif top and full_page:
		page.evaluate("() => window.scrollTo(0, 0)")
	if settle:
		page.wait_for_timeout(settle)
	page.screenshot(path=str(folder / name), full_page=full_page)
	step(f"screenshot {folder / name}")


def login(
	page, base: str, user: str, password: str, until=DESK, timeout: int = 30000, clear: bool = False
) -> None:
	"""Logs in at /login and waits until the address matches ``until`` (a pattern or a predicate)."""
	from playwright.sync_api import TimeoutError as PlaywrightTimeout

	if clear:
		page.context.clear_cookies()
	page.goto(f"{base}/login")
	page.fill("#login_email", user)
	page.fill("#login_password", password)
	page.locator("button.btn-login:visible").first.click()  # login.js posts cmd=login, then redirects
	try:
		page.wait_for_url(until, timeout=timeout)
	except PlaywrightTimeout:
		raise Failed(f"login as {user} did not get past /login within {timeout // 1000} s") from None


def desk_login(page, base: str, user: str, password: str, idle: bool = True) -> None:
	"""Into the desk (/app); ``idle``: then waits until the network is quiet."""
	login(page, base, user, password)
	if idle:
		page.wait_for_load_state("networkidle")
	step(f"{user} logged in to the desk")


def portal_login(page, base: str, user: str, password: str, clear: bool = False) -> None:
	"""Onto the portal: until the browser has left /login."""
	login(page, base, user, password, until=lambda url: "/login" not in url, timeout=15000, clear=clear)
	step(f"logged in as {user}")


def set_password(page, link: str, folder: Path | None = None, name: str = "") -> str:
	"""Opens a set-password link (a screenshot ``name`` of it), chooses a password and waits until the browser
	has left the page; the password."""
	page.goto(link)
	page.wait_for_selector("#new_password", timeout=20000)
	if name:
		shot(page, folder, name)
	password = new_password()
	for field in ("#new_password", "#confirm_password"):
		page.fill(field, password)
		page.locator(field).press("End")  # the page checks as you type (keyup), then enables the button
	page.wait_for_selector(".btn-update:enabled", timeout=15000)
	answered(
		page,
		"frappe.core.doctype.user.user.update_password",
		lambda: page.click(".btn-update"),
		"setting the password",
	)
	page.wait_for_url(lambda url: "update-password" not in url, timeout=20000)
	page.wait_for_load_state("networkidle")
	return password


def run(args, fx: dict, walk, cleanup=None, passed: str = "PASSED", js_errors: bool = True) -> int:
	"""One walk from its options (``arguments``): logs in over REST as Administrator, starts the browser, runs
	``walk(playwright, rest, browser, base)``, fails on uncaught JavaScript errors (if ``js_errors``), then
	(unless --keep) ``cleanup(rest, fx)``, which returns the problems it met. Prints the outcome; the exit code."""
	from playwright.sync_api import sync_playwright

	base = prepare(args)
	failure, problems, browser = None, [], None
	with sync_playwright() as p:
		rest = rest_session(p, base)
		try:
			rest.login("Administrator", args.admin_password)
			browser = Browser(p, headless=not getattr(args, "headed", False))
			walk(p, rest, browser, base)
			if js_errors:
				browser.check_errors()
		except Exception as e:  # anything unexpected is a failure with its message, not a traceback
			failure = failure_text(e)
		finally:
			if browser:
				if failure:
					browser.failure_shot(args.screenshots)
				browser.close()
			if cleanup and not getattr(args, "keep", False):
				problems = cleanup(rest, fx)
			rest.api.dispose()
	for pr in problems:
		print(f"cleanup: {pr}")
	if failure and browser and (browser.console or browser.errors):
		print("browser errors:", *(browser.console + browser.errors)[-5:], sep="\n  ")
	if failure:
		print(f"FAILED: {failure}")
		return 1
	print(passed)
	return 0


# --- bench-side benchmarks ---------------------------------------------------------------------------------


def on_site(site: str, run, *args) -> None:
	"""``run(*args)`` as Administrator on the site, everything rolled back afterwards."""
	import frappe

	frappe.init(site=site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(*args)
	finally:
		frappe.db.rollback()
		frappe.destroy()
