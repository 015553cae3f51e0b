#!/usr/bin/env python3
"""The accountant's walk in headless Chromium: a session invoiced in the background, then a credit note made
the ERPNext way (Sales Invoice → Create → Return / Credit Note) that carries the invoice's taxes and settles it.

Run on a site loaded with ``bench --site SITE kdf-demo``, served over HTTP, with the bench's worker running (the
invoicing is a background job) and, to see the progress bar, Frappe's socket.io server:

    python e2e/accountant_walk.py --url http://kdf.localhost:8000 --screenshots docs/screenshots/accountant

Set up over REST as Administrator: the walk's two desk users (``walk-sekretariat@example.com``, KDF
Sekretariat, and ``walk-regnskap@example.com``, ERPNext's Accounts User, as in e2e/walk.py), a fresh session
with three demo members of three organisations registered, then set to *Gjennomført*.

In the browser:

1. the secretariat opens the session and presses **Create Invoices**; the job's progress shows while it runs,
   and when it is done the session says so under *Invoicing* (done, when, three invoices made, none held);
2. the secretariat's Sales Invoice list of the session shows the *Delivery Status* column;
3. the accountant opens one of the invoices (its delivery status on the first tab), makes **Create → Return /
   Credit Note**: the new credit note has the invoice's taxes (none: KDF is not VAT registered in the demo)
   and the invoice's total with the sign turned, not the company's default 25 % VAT; saves and submits it;
4. the invoice now says *Credit Note Issued* with nothing outstanding.

Finally over REST: the credit note's taxes and total, the invoice's status and outstanding amount, and the
session's invoicing fields. Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import timedelta
from functools import partial
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

VIEWPORT = {"width": 1366, "height": 900}
SI = "Sales Invoice"
# what the user sees: the window, scrolled to ``at`` (a selector) when given (the guide shows them)
shot = partial(lib.shot, full_page=False, settle=500)


def setup(rest: lib.Rest, fx: dict) -> None:
	for key in lib.DESK_USERS:
		fx[key] = lib.walk_desk_user(rest, key)
	members = rest.get_list(
		"Member",
		[["membership_status", "=", "Aktiv"], ["organisation", "is", "set"]],
		["name", "member_name", "organisation"],
		0,
		"name asc",
	)
	chosen, orgs = [], set()
	for m in members:
		if m["organisation"] not in orgs:
			chosen.append(m)
			orgs.add(m["organisation"])
		if len(chosen) == 3:
			break
	if len(chosen) < 3:
		raise Failed("fewer than three active members of different organisations: load the demo first")
	packages = [p["name"] for p in rest.get_list("Stay Package", None, ["name"], 0, "name asc")]
	starts = lib.in_days(30, 9)
	session = rest.insert(
		{
			"doctype": lib.SESSION_DT,
			"session_title": f"Regnskapssamling {fx['tag']}",
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			**lib.session_times(starts, timedelta(days=1, hours=6), timedelta(days=7)),
			"capacity": 35,
			"participant_fee": 6000,
			"extra_night_price": 2200,
			"ou_approved": 1,
			"published": 0,
			"venue_name": "Grand Hotel Oslo",
			"stay_packages": [{"stay_package": packages[0], "price": 4000}] if packages else [],
		}
	)
	fx["session"] = session["name"]
	for i, m in enumerate(chosen):
		rest.insert(
			{
				"doctype": "Registration",
				"session": fx["session"],
				"member": m["name"],
				"invoice_reference": f"R-{fx['tag']}-{i}",
				"stay_package": packages[0] if packages and i == 0 else None,
			}
		)
	rest.update(lib.SESSION_DT, fx["session"], {"status": "Gjennomført"})
	step(
		f"setup: session {fx['session']} held, {len(chosen)} members of {len(orgs)} organisations registered"
	)


def secretariat_invoices(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	user, password = fx["secretariat"]
	lib.desk_login(page, base, user, password)
	page.goto(f"{base}/app/topplederprogram-session/{fx['session']}")
	page.wait_for_selector(".form-layout", timeout=20000)
	button = page.get_by_role("button", name=re.compile(r"^(Lag fakturaer|Create Invoices)$"))
	button.wait_for(timeout=15000)
	lib.answered(
		page, "kdf_app.api.invoicing.create_session_invoices", lambda: button.click(), "Create Invoices"
	)
	step("secretariat: Create Invoices started the background job")
	try:  # Frappe's progress dialog, from the job's realtime events (needs the socket.io server)
		page.wait_for_selector(".modal:visible .progress-bar", timeout=20000)
		step("secretariat: the job's progress bar shows on the session")
		shot(page, folder, "secretariat-invoicing-progress.png")
	except PlaywrightTimeout:
		step("secretariat: no progress bar seen (no socket.io server, or the job was done first)")
	# when the job is done the open form reloads with its result (kdf_invoicing_done)
	lib.wait_for(
		"the session's invoicing",
		lambda: (
			fx["rest"].get_doc(lib.SESSION_DT, fx["session"]).get("invoicing_status") in ("Done", "Stopped")
		),
	)
	page.get_by_text(re.compile(r"(Fakturering|Invoicing): (Ferdig|Done)")).first.wait_for(timeout=30000)
	page.wait_for_timeout(1000)
	step("secretariat: the form reloaded by itself when the job was done; the message says what it did")
	shot(page, folder, "secretariat-invoicing-done.png")
	if page.locator(".modal:visible").count():
		page.keyboard.press("Escape")  # the job's message
	result = page.locator('[data-fieldname="invoicing_result"]').first.inner_text()
	if not re.search(r"\b3 (fakturaer|invoices)", result):
		raise Failed(f"the session's invoicing result does not count three invoices: {result!r}")
	step(f"secretariat: the session says what the run did: {' '.join(result.split())[:140]!r}")
	shot(page, folder, "secretariat-invoicing-result.png", at='[data-fieldname="invoicing_section"]')

	# the EHF of each invoice is sent by the worker; the list shows it
	lib.wait_for(
		"sending the EHF",
		lambda: all(
			r["kdf_ehf_status"] == "Sendt"
			for r in fx["rest"].get_list(SI, [["kdf_session", "=", fx["session"]]], ["kdf_ehf_status"])
		),
	)
	page.goto(f"{base}/app/sales-invoice?kdf_session={fx['session']}")
	page.wait_for_selector(".frappe-list .list-row-container", timeout=20000)
	page.wait_for_load_state("networkidle")
	header = page.locator(".list-row-head").first.inner_text()
	if not re.search(r"Utsendelsesstatus|Delivery Status", header) or not re.search(
		r"Totalsum|Grand Total", header
	):
		raise Failed(f"the Sales Invoice list does not show the amount and the delivery status: {header!r}")
	step(
		f"secretariat: the Sales Invoice list shows the amount and the delivery status: {' '.join(header.split())!r}"
	)
	shot(page, folder, "secretariat-sales-invoices-delivery.png")
	page.context.clear_cookies()


def accountant_credit_note(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	rest = fx["rest"]
	invoices = rest.get_list(
		SI,
		[["kdf_session", "=", fx["session"]], ["docstatus", "=", 1], ["is_return", "=", 0]],
		["name", "grand_total", "outstanding_amount", "taxes_and_charges"],
		0,
		"grand_total desc",
	)
	if len(invoices) != 3:
		raise Failed(f"the session has {len(invoices)} submitted invoices, expected 3")
	original = invoices[0]
	fx["original"] = original["name"]
	user, password = fx["accountant"]
	lib.desk_login(page, base, user, password)
	page.goto(f"{base}/app/sales-invoice/{original['name']}")
	page.wait_for_selector(".form-layout", timeout=20000)
	page.wait_for_load_state("networkidle")
	delivery = page.locator('.form-page:visible [data-fieldname="kdf_ehf_status"]').first
	delivery.wait_for(timeout=15000)
	step(f"accountant: invoice {original['name']} shows its delivery status on the first tab")
	shot(page, folder, "accountant-invoice.png")

	page.get_by_role("button", name=re.compile(r"^(Skape|Opprett|Create)$")).click()
	page.locator(
		".dropdown-menu.show a", has_text=re.compile(r"Retur / kreditnota|Return / Credit Note")
	).click()
	page.wait_for_url(re.compile(r".*/app/sales-invoice/new.*"), timeout=20000)
	page.wait_for_selector('[data-fieldname="return_against"]', timeout=20000)
	page.wait_for_load_state("networkidle")
	page.wait_for_timeout(2500)  # ERPNext's own triggers (company, taxes) run after the form loads
	shot(page, folder, "accountant-credit-note-draft.png")
	state = page.evaluate(
		"""() => ({taxes: (cur_frm.doc.taxes || []).length, template: cur_frm.doc.taxes_and_charges || null,
		grand_total: cur_frm.doc.grand_total, settle: cur_frm.doc.update_outstanding_for_self})"""
	)
	if state["taxes"] or state["template"]:
		raise Failed(f"the new credit note has taxes the invoice does not have: {state}")
	if round(state["grand_total"], 2) != -round(original["grand_total"], 2):
		raise Failed(
			f"the credit note's total is {state['grand_total']}, expected {-original['grand_total']}"
		)
	if state["settle"]:
		raise Failed("the credit note would keep its own outstanding (Update Outstanding for Self is ticked)")
	step(f"accountant: the new credit note has no tax rows and totals {state['grand_total']}")
	shot(page, folder, "accountant-credit-note-taxes.png", at='[data-fieldname="taxes"]')

	lib.answered(
		page,
		"frappe.desk.form.save.savedocs",
		lambda: page.keyboard.press("Control+s"),
		"saving the credit note",
	)
	page.wait_for_url(lambda url: "/new" not in url, timeout=20000)
	page.wait_for_load_state("networkidle")
	fx["credit"] = page.url.rstrip("/").split("/")[-1]
	page.get_by_role("button", name=re.compile(r"^(Send inn|Submit)$")).first.click()
	lib.answered(
		page,
		"frappe.desk.form.save.savedocs",
		lambda: page.locator(".modal:visible .btn-primary", has_text=re.compile(r"^(Ja|Yes)$")).click(),
		"submitting",
	)
	page.wait_for_load_state("networkidle")
	page.wait_for_timeout(800)
	step(f"accountant: credit note {fx['credit']} saved and submitted")
	shot(page, folder, "accountant-credit-note-submitted.png")

	page.goto(f"{base}/app/sales-invoice/{original['name']}")
	page.wait_for_selector(".form-layout", timeout=20000)
	page.get_by_text(re.compile(r"Kreditnota Utstedt|Credit Note Issued")).first.wait_for(timeout=15000)
	step(f"accountant: invoice {original['name']} says Credit Note Issued")
	shot(page, folder, "accountant-invoice-settled.png")


def verify(rest: lib.Rest, fx: dict) -> None:
	credit = rest.get_doc(SI, fx["credit"])
	original = rest.get_doc(SI, fx["original"])
	if credit["docstatus"] != 1 or credit["return_against"] != fx["original"]:
		raise Failed(f"{fx['credit']} is not a submitted credit note of {fx['original']}")
	if credit["taxes"] or credit.get("taxes_and_charges") != original.get("taxes_and_charges"):
		raise Failed(f"the credit note's taxes differ from the invoice's: {credit['taxes']}")
	if round(credit["grand_total"], 2) != -round(original["grand_total"], 2):
		raise Failed(f"credit note {credit['grand_total']} against invoice {original['grand_total']}")
	if original["outstanding_amount"] != 0 or original["status"] != "Credit Note Issued":
		raise Failed(
			f"the invoice is {original['status']} with {original['outstanding_amount']} outstanding, expected settled"
		)
	session = rest.get_doc(lib.SESSION_DT, fx["session"])
	if (session["invoicing_status"], session["invoices_made"], session["invoices_held"]) != ("Done", 3, 0):
		raise Failed(
			f"the session's invoicing fields: {session['invoicing_status']}, {session['invoices_made']}"
		)
	step(
		f"REST: {fx['credit']} credits {fx['original']} in full ({credit['grand_total']}, no taxes); the invoice "
		f"is {original['status']}, outstanding {original['outstanding_amount']}"
	)


def main(argv=None) -> int:
	args = lib.arguments(__doc__.splitlines()[0]).parse_args(argv)
	fx: dict = {"tag": uuid.uuid4().hex[:6]}

	def steps(p, rest, browser, base):
		fx["rest"] = rest
		page = browser.page(**VIEWPORT, timeout=30000)  # Playwright's default
		setup(rest, fx)
		secretariat_invoices(page, base, fx, args.screenshots)
		accountant_credit_note(page, base, fx, args.screenshots)
		verify(rest, fx)

	return lib.run(args, fx, steps, passed="[ok] accountant walk passed", js_errors=False)


if __name__ == "__main__":
	sys.exit(main())
