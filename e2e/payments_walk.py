#!/usr/bin/env python3
"""Who has paid, in headless Chromium: the secretariat imports the bank's camt.054 from the desk, the payments
are matched to the invoices and a suggestion is confirmed with one click; the member reads *Betalt* on
*Mine fakturaer*.

Run with the bench's Python (it has Playwright and lxml) on a site loaded with ``bench --site SITE kdf-demo``,
served over HTTP, with a worker running (the import is a background job):

    ../env/bin/python e2e/payments_walk.py --url http://127.0.0.1:8061 --screenshots /tmp/payments-shots

Set up over REST as Administrator: the walk's secretariat desk user (as e2e/walk.py), two open invoices of the
demo and, for the first, its member's portal login. The camt.054 is written here from the message definitions
(kdf_app.kdf_billing.core.bank_file.build): the first invoice paid with its KID, the second without KID but with its number
in the free text.

In the browser:

1. the secretariat opens the Bank Transaction list, presses **Import Bank File**, uploads the file (KDF's Bank
   Account is proposed), and lands on the import, which shows *Done*: one matched, one suggested;
2. report **Innbetalinger** for that import lists both with their reasons; **Confirm** books the suggestion;
3. the member logs in and reads *Betalt* on /mine-fakturaer for the first invoice.

Finally over REST: both invoices have nothing outstanding and their Bank Transactions are reconciled.
Exit code 0 when every step passed, 1 with the failing step's message otherwise.
"""

from __future__ import annotations

import re
import sys
import uuid
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path

import lib
from lib import Failed, step
from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kdf_app.kdf_billing.core.bank_file import Payment, build
from kdf_app.shared.core.numbers import kid

VIEWPORT = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


shot = partial(lib.shot, settle=600)


def setup(rest: lib.Rest, fx: dict, workdir: Path) -> None:
	fx["secretariat"] = lib.walk_desk_user(rest, "secretariat")
	invoices = rest.get_list(
		"Sales Invoice",
		[["docstatus", "=", 1], ["is_return", "=", 0], ["outstanding_amount", ">", 0]],
		["name", "customer", "customer_name", "outstanding_amount"],
		0,
		"name asc",
	)
	with_member = []
	for inv in invoices:
		doc = rest.get_doc("Sales Invoice", inv["name"])
		registration = next(
			(i.get("kdf_registration") for i in doc["items"] if i.get("kdf_registration")), None
		)
		if registration:
			member = rest.get_doc("Registration", registration).get("member")
			if member:
				with_member.append((inv, member))
	if len(with_member) < 2:
		raise Failed(
			"fewer than two open invoices with a member: load the demo first (bench --site SITE kdf-demo)"
		)
	(fx["paid"], member), (fx["suggested"], _m) = with_member[0], with_member[1]
	fx["member_user"], fx["member_password"] = lib.member_login(
		rest, member, rest.get_doc("Member", member).get("user")
	)
	account = rest.get_doc("KDF Settings", "KDF Settings")["bank_account"]
	tag = uuid.uuid4().hex[:6]
	paid, suggested = fx["paid"], fx["suggested"]
	data = build(
		"054",
		"02",
		account,
		[
			Payment(
				f"WALK-{tag}-1",
				Decimal(str(paid["outstanding_amount"])),
				date.today(),
				kid=kid(paid["name"]),
				debtor_name=paid["customer_name"],
			),
			Payment(
				f"WALK-{tag}-2",
				Decimal(str(suggested["outstanding_amount"])),
				date.today(),
				text=f"Faktura {suggested['name']}",
				debtor_name=suggested["customer_name"],
			),
		],
		message_id=f"WALK-{tag}",
	)
	fx["file"] = workdir / f"camt054-walk-{tag}.xml"
	fx["file"].write_bytes(data)
	fx["tag"] = tag
	step(f"set up: {paid['name']} paid by KID, {suggested['name']} by its number in the text; {fx['file']}")


def secretariat(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	addr, password = fx["secretariat"]
	lib.desk_login(page, base, addr, password)
	page.goto(f"{base}/app/bank-transaction")
	page.get_by_role("button", name=re.compile("Import Bank File|Importer bankfil")).click()
	dialog = page.locator(".modal.show").last
	dialog.locator("[data-fieldname='file'] button").first.click()
	uploader = page.locator(".modal.show").last
	uploader.locator("input[type='file']").set_input_files(str(fx["file"]))
	uploader.get_by_role("button", name=re.compile("^(Upload|Last opp)$")).click()
	page.wait_for_timeout(1500)
	dialog = page.locator(".modal.show").last
	bank_account = dialog.locator("[data-fieldname='bank_account'] input")
	if not bank_account.input_value():
		raise Failed("KDF's Bank Account was not proposed in the dialog")
	step(f"dialog: file uploaded, bank account {bank_account.input_value()}")
	shot(page, folder, "1-import-dialog.png")
	dialog.get_by_role("button", name=re.compile("^(Import|Importer)$")).click()
	page.wait_for_url(re.compile(r".*/app/bank-file-import/.+"), timeout=30000)
	fx["import"] = page.url.rstrip("/").split("/")[-1]
	status = page.locator(
		"[data-fieldname='status'] .control-value, [data-fieldname='status'] .like-disabled-input"
	)

	def ended() -> bool:
		fx["import_status"] = status.first.inner_text() if status.count() else ""
		if re.search(r"Done|Ferdig|Refused|Avvist|Failed|Feilet", fx["import_status"]):
			return True
		page.reload()
		return False

	lib.wait_for(f"the import {fx['import']}", ended, every=3)
	text = fx["import_status"]
	if not re.search(r"Done|Ferdig", text):
		raise Failed(f"the import {fx['import']} ended as {text!r}")
	step(f"import {fx['import']} done")
	shot(page, folder, "2-import-done.png")
	page.goto(f"{base}/app/query-report/Innbetalinger?bank_file_import={fx['import']}")
	page.wait_for_selector(".dt-scrollable .dt-row", timeout=30000)
	shot(page, folder, "3-innbetalinger.png")
	confirm = page.locator("button.kdf-confirm")
	if confirm.count() != 1:
		raise Failed(f"expected one suggestion to confirm, found {confirm.count()}")
	confirm.first.click()
	page.wait_for_selector(".alert-message, .desk-alert", timeout=30000)
	page.wait_for_timeout(2000)
	step("suggestion confirmed with one click")
	shot(page, folder, "4-confirmed.png")


def member(page: Page, base: str, fx: dict, folder: Path | None) -> None:
	lib.portal_login(page, base, fx["member_user"], fx["member_password"])
	page.goto(f"{base}/mine-fakturaer")
	row = page.locator(f"tr[data-name='{fx['paid']['name']}']")
	row.wait_for(timeout=30000)
	status = row.locator(".kdf-payment").inner_text().strip()
	if status != "Betalt":
		raise Failed(f"Mine fakturaer says {status!r} for {fx['paid']['name']}, not Betalt")
	step(f"the member reads Betalt for {fx['paid']['name']} on /mine-fakturaer")
	shot(page, folder, "5-mine-fakturaer-betalt.png")


def check(rest: lib.Rest, fx: dict) -> None:
	for inv in (fx["paid"], fx["suggested"]):
		outstanding = rest.get_doc("Sales Invoice", inv["name"])["outstanding_amount"]
		if outstanding:
			raise Failed(f"{inv['name']} still has {outstanding} outstanding")
	rows = rest.get_list(
		"Bank Transaction", [["transaction_id", "like", f"WALK-{fx['tag']}-%"]], ["name", "status"]
	)
	if sorted(r["status"] for r in rows) != ["Reconciled", "Reconciled"]:
		raise Failed(f"Bank Transactions not reconciled: {rows}")
	step("REST: both invoices paid, both Bank Transactions reconciled")


def main() -> int:
	args = lib.arguments(__doc__.splitlines()[0], url="http://127.0.0.1:8000").parse_args()

	def steps(p, rest, browser, base):
		setup(rest, fx, Path("/tmp"))
		secretariat(browser.page(**VIEWPORT, timeout=30000), base, fx, args.screenshots)
		member(browser.page(**PHONE, timeout=30000), base, fx, args.screenshots)
		check(rest, fx)

	fx: dict = {}
	return lib.run(args, fx, steps, passed="[ok] payments walk passed", js_errors=False)


if __name__ == "__main__":
	sys.exit(main())
