"""The accountant's and the payer's view of KDF invoices (issue 17): credit notes made the ERPNext way,
Norwegian on what municipalities receive whoever acted, and invoicing that leaves its result behind."""

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return
from erpnext.controllers.accounts_controller import get_default_taxes_and_charges
from frappe.utils import flt

from kdf_app.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase, attached_xml, official_fatal

ACCOUNTANT = "kdf-test-accountant@example.no"


def accountant() -> str:
	"""ERPNext's Accounts User, as the README's accountant has it."""
	if not frappe.db.exists("User", ACCOUNTANT):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": ACCOUNTANT,
				"first_name": "Regnskap",
				"send_welcome_email": 0,
				"roles": [{"role": "Accounts User"}],
			}
		).insert(ignore_permissions=True)
	return ACCOUNTANT


def desk_return(invoice: str):
	"""Sales Invoice → Create → Return / Credit Note as the desk makes it: ERPNext's make_sales_return, then
	the form's company trigger applies the company's default tax template (transaction.js
	apply_default_taxes → get_default_taxes_and_charges) and leaves Update Outstanding for Self at its default."""
	credit = make_sales_return(invoice)
	defaults = get_default_taxes_and_charges(
		"Sales Taxes and Charges Template", credit.taxes_and_charges or "", credit.company
	)
	if defaults:
		credit.taxes_and_charges = defaults["taxes_and_charges"]
		credit.set("taxes", defaults["taxes"])
	return credit


def default_vat_template(company: str) -> str:
	"""The company's default Sales Taxes template at 25 %, as ERPNext makes it for a Norwegian company."""
	name = frappe.db.get_value("Sales Taxes and Charges Template", {"company": company, "is_default": 1})
	if name and any(flt(t.rate) for t in frappe.get_doc("Sales Taxes and Charges Template", name).taxes):
		return name
	account = frappe.db.get_value("Account", {"company": company, "account_type": "Tax", "is_group": 0})
	doc = frappe.get_doc(
		{
			"doctype": "Sales Taxes and Charges Template",
			"title": f"Test VAT 25 {frappe.generate_hash(length=4)}",
			"company": company,
			"is_default": 1,
			"taxes": [
				{"charge_type": "On Net Total", "account_head": account, "rate": 25, "description": "VAT"}
			],
		}
	).insert(ignore_permissions=True)
	return doc.name


class TestDeskCreditNote(InvoicingCase):
	def _credit_in_the_desk(self, invoice: str):
		self.assertTrue(default_vat_template("KDF Test"))
		credit = desk_return(invoice)
		self.assertTrue(credit.taxes, "the desk's default template was applied (the fault's precondition)")
		frappe.set_user(accountant())
		try:
			credit.insert()
			credit.submit()
		finally:
			frappe.set_user("Administrator")
		return credit

	def test_credit_note_of_a_vat_free_invoice_has_no_vat_and_settles_it(self):
		(name,) = create_session_invoices(self.session.name)
		original = frappe.get_doc("Sales Invoice", name)
		self.assertEqual((original.taxes_and_charges, len(original.taxes)), (None, 0))
		credit = self._credit_in_the_desk(name)
		credit.reload()
		self.assertEqual((credit.taxes_and_charges, len(credit.taxes)), (None, 0))
		self.assertEqual(flt(credit.grand_total), -flt(original.grand_total))
		self.assertEqual(credit.update_outstanding_for_self, 0)
		original.reload()
		self.assertEqual(flt(original.outstanding_amount), 0)
		self.assertEqual(original.status, "Credit Note Issued")
		self.assertEqual(official_fatal(attached_xml(credit.name)), [])

	def test_partial_credit_note_follows_the_original_and_leaves_the_rest_owed(self):
		(name,) = create_session_invoices(self.session.name)
		credit = desk_return(name)
		credit.set("items", [i for i in credit.items if i.kdf_line_kind == "fee"])
		credit.insert()
		credit.submit()
		self.assertEqual((credit.taxes_and_charges, len(credit.taxes)), (None, 0))
		self.assertEqual(flt(credit.grand_total), -6000)
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", name, "outstanding_amount")), 11900 - 6000)

	def test_a_dues_invoice_credited_in_the_desk_too(self):
		from kdf_app.services.dues import create_dues_invoices

		names = create_dues_invoices(2091, submit=True)
		name = next(n for n in names if frappe.db.get_value("Sales Invoice", n, "customer") == self.org)
		credit = self._credit_in_the_desk(name)
		self.assertEqual(len(credit.taxes), 0)
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "status"), "Credit Note Issued")


class TestDeskCreditNoteWithVat(InvoicingCase):
	VAT = "VAT registered"

	def test_credit_note_carries_the_originals_template_and_rows(self):
		(name,) = create_session_invoices(self.session.name)
		original = frappe.get_doc("Sales Invoice", name)
		self.assertTrue(original.taxes_and_charges)
		credit = desk_return(name)
		# the accountant picks the company's default template on the credit note
		template = default_vat_template("KDF Test")
		credit.taxes_and_charges = template
		credit.set(
			"taxes",
			get_default_taxes_and_charges("Sales Taxes and Charges Template", "", "KDF Test")["taxes"],
		)
		credit.insert()
		credit.submit()
		credit.reload()
		self.assertEqual(credit.taxes_and_charges, original.taxes_and_charges)
		self.assertEqual(
			[(t.account_head, flt(t.rate)) for t in credit.taxes],
			[(t.account_head, flt(t.rate)) for t in original.taxes],
		)
		self.assertEqual(flt(credit.grand_total), -flt(original.grand_total))
		self.assertEqual(flt(credit.total_taxes_and_charges), -flt(original.total_taxes_and_charges))
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "status"), "Credit Note Issued")
		self.assertEqual(official_fatal(attached_xml(credit.name)), [])
