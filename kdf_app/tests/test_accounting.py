"""The accountant's view: ERPNext's own ledgers and reports show a session's invoices, payments and credit
notes correctly, per session cost center, and the General Ledger balances."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt, getdate, today

from kdf_app.kdf_billing.report.ou_refund_pack.ou_refund_pack import execute as ou_pack
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.utils import (
	TEST_COMPANY,
	make_member,
	make_org,
	make_session,
	receivable,
	register,
	use_test_settings,
)


class TestBooks(FrappeTestCase):
	def setUp(self):
		income = frappe.db.get_value(
			"Account", {"company": TEST_COMPANY, "root_type": "Income", "is_group": 0}
		)
		use_test_settings(
			org_number="958935420",
			bank_account="86011117947",
			vat_setup="Not VAT registered",
			event_income_account=income,
			submit_session_invoices=1,
			ehf_outbox="private/ehf-outbox-test",
		)
		self.income = income
		self.session = make_session()
		self.paid_org, self.open_org, self.credited_org = make_org(), make_org(), make_org()
		self.paid = register(
			self.session, make_member(self.paid_org), stay_package="Test med overnatting"
		)  # 10000
		self.open = register(self.session, make_member(self.open_org))  # 6000
		self.credited = register(
			self.session, make_member(self.credited_org), stay_package="Test uten overnatting"
		)  # 7900
		self.assertEqual(len(create_session_invoices(self.session.name)), 3)
		self.invoices = {
			n: frappe.get_doc("Registration", n) for n in (self.paid.name, self.open.name, self.credited.name)
		}
		self.si = {k: v.sales_invoice for k, v in self.invoices.items()}
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		pe = get_payment_entry("Sales Invoice", self.si[self.paid.name])
		pe.reference_no, pe.reference_date = "BANK-1", today()
		pe.insert()
		pe.submit()
		self.payment = pe.name
		self.invoices[self.credited.name].cancel_registration()
		self.credit_note = frappe.db.get_value(
			"Sales Invoice", {"return_against": self.si[self.credited.name], "docstatus": 1}
		)

	def vouchers(self):
		return [*self.si.values(), self.payment, self.credit_note]

	def test_general_ledger_balances_and_has_every_voucher(self):
		entries = frappe.get_all(
			"GL Entry",
			{"voucher_no": ("in", self.vouchers()), "is_cancelled": 0},
			["voucher_no", "debit", "credit", "account", "cost_center"],
		)
		self.assertEqual({e.voucher_no for e in entries}, set(self.vouchers()))
		for v in self.vouchers():
			debit = sum(flt(e.debit) for e in entries if e.voucher_no == v)
			credit = sum(flt(e.credit) for e in entries if e.voucher_no == v)
			self.assertAlmostEqual(debit, credit, places=2, msg=v)
		income = sum(flt(e.credit) - flt(e.debit) for e in entries if e.account == self.income)
		self.assertAlmostEqual(income, 10000 + 6000, places=2)  # 7900 invoiced and credited
		self.assertTrue(
			all(e.cost_center == f"{self.session.name} - KDFT" for e in entries if e.account == self.income)
		)

	def test_general_ledger_report(self):
		from erpnext.accounts.report.general_ledger.general_ledger import execute

		_, data = execute(
			frappe._dict(
				company=TEST_COMPANY,
				from_date=today(),
				to_date=today(),
				account=[self.income],
				group_by="Group by Voucher (Consolidated)",
				cost_center=[f"{self.session.name} - KDFT"],
			)
		)
		closing = next(r for r in data if r.get("account") == "'Closing (Opening + Total)'")
		self.assertAlmostEqual(flt(closing["credit"]) - flt(closing["debit"]), 16000, places=2)

	def test_accounts_receivable(self):
		self.assertAlmostEqual(receivable(self.paid_org), 0, places=2)
		self.assertAlmostEqual(receivable(self.open_org), 6000, places=2)
		self.assertAlmostEqual(receivable(self.credited_org), 0, places=2)

	def test_sales_register(self):
		from erpnext.accounts.report.sales_register.sales_register import execute

		res = execute(frappe._dict(company=TEST_COMPANY, from_date=today(), to_date=today()))
		rows = {
			r["voucher_no"]: r
			for r in res[1]
			if isinstance(r, dict) and r.get("voucher_no") in self.vouchers()
		}
		self.assertEqual(set(rows), {*self.si.values(), self.credit_note})
		self.assertAlmostEqual(
			sum(flt(r["grand_total"]) for r in rows.values()), 10000 + 6000 + 7900 - 7900, places=2
		)

	def test_profit_and_loss_per_session_cost_center(self):
		from erpnext.accounts.report.profit_and_loss_statement.profit_and_loss_statement import execute

		fy = frappe.db.get_value(
			"Fiscal Year", {"year_start_date": ("<=", today()), "year_end_date": (">=", today())}
		)
		res = execute(
			frappe._dict(
				company=TEST_COMPANY,
				from_fiscal_year=fy,
				to_fiscal_year=fy,
				period_start_date=getdate(today()).replace(month=1, day=1),
				period_end_date=getdate(today()).replace(month=12, day=31),
				filter_based_on="Fiscal Year",
				periodicity="Yearly",
				presentation_currency="NOK",
				cost_center=[f"{self.session.name} - KDFT"],
				accumulated_values=1,
			)
		)
		income_row = next(r for r in res[1] if r and r.get("account") == self.income)
		self.assertAlmostEqual(flt(income_row["total"]), 16000, places=2)

	def test_ou_refund_pack_lists_only_refundable_fees(self):
		year = getdate(today()).year
		_, rows = ou_pack({"year": year})
		mine = [r for r in rows if r["invoice"] in self.si.values()]
		self.assertEqual(
			{r["organisation"] for r in mine}, {self.paid_org, self.open_org}
		)  # the credited one is gone
		self.assertTrue(all(r["fee"] == 6000 for r in mine))  # the fee only: no board, lodging or VAT
		_, only = ou_pack({"year": year, "organisation": self.open_org})
		self.assertEqual(
			[(r["invoice"], r["session_title"]) for r in only],
			[(self.si[self.open.name], self.session.session_title)],
		)
		frappe.db.set_value("Topplederprogram Session", self.session.name, "ou_approved", 0)
		frappe.clear_document_cache("Topplederprogram Session", self.session.name)
		self.assertEqual(ou_pack({"year": year, "organisation": self.open_org})[1], [])
