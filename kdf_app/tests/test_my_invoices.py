"""Mine fakturaer: a member sees the invoices of their own registrations (number, date, amount, status
sendt/betalt/kreditert) and downloads their PDFs; nothing of other people's, and no Sales Invoice permission."""

import frappe
from frappe.utils import today

from kdf_app.api import membership as api
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase, site_served
from kdf_app.tests.utils import as_user, make_member, make_org, make_user, page, register


class TestMyInvoices(InvoicingCase):
	def setUp(self):
		super().setUp()
		# Kari (from InvoicingCase) is registered for self.session; Ola for the same session, other organisation
		self.kari_user = self.kari.create_portal_user()
		self.ola = make_member(make_org())
		self.ola_user = self.ola.create_portal_user()
		self.ola_reg = register(self.session, self.ola, invoice_reference="3400999")
		invoices = create_session_invoices(self.session.name)
		self.assertEqual(len(invoices), 2)
		self.kari_invoice = frappe.db.get_value("Registration", self.reg.name, "sales_invoice")
		self.ola_invoice = frappe.db.get_value("Registration", self.ola_reg.name, "sales_invoice")
		self.assertEqual(frappe.db.get_value("Sales Invoice", self.kari_invoice, "docstatus"), 1)

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	as_user = staticmethod(as_user)

	def test_the_member_sees_only_their_own_invoices_as_sent(self):
		mine = self.as_user(self.kari_user, api.my_invoices)
		self.assertEqual([i["invoice"] for i in mine], [self.kari_invoice])
		si = frappe.get_doc("Sales Invoice", self.kari_invoice)
		self.assertEqual(mine[0]["amount"], si.grand_total)
		self.assertEqual(mine[0]["status"], "Sendt")
		self.assertEqual(mine[0]["session"], self.session.session_title)
		self.assertEqual(
			[i["invoice"] for i in self.as_user(self.ola_user, api.my_invoices)], [self.ola_invoice]
		)
		status, html = page("mine-fakturaer", self.kari_user)
		self.assertEqual(status, 200)
		self.assertIn(self.kari_invoice, html)
		self.assertNotIn(self.ola_invoice, html)

	def test_paid_and_credited_invoices_say_so(self):
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		pe = get_payment_entry("Sales Invoice", self.kari_invoice)
		pe.reference_no, pe.reference_date = "BANK-1", today()
		pe.insert()
		pe.submit()
		self.assertEqual(self.as_user(self.kari_user, api.my_invoices)[0]["status"], "Betalt")
		frappe.get_doc("Registration", self.ola_reg.name).cancel_registration()
		ola = {i["invoice"]: i for i in self.as_user(self.ola_user, api.my_invoices)}
		self.assertEqual(ola[self.ola_invoice]["status"], "Kreditert")
		credit_notes = [i for i in ola.values() if i["credit_note_for"] == self.ola_invoice]
		self.assertEqual(len(credit_notes), 1)
		self.assertLess(credit_notes[0]["amount"], 0)
		self.assertNotIn(
			credit_notes[0]["invoice"], [i["invoice"] for i in self.as_user(self.kari_user, api.my_invoices)]
		)

	def test_the_pdf_is_the_members_own_only(self):
		with site_served():
			pdf = self.as_user(
				self.kari_user, lambda: (api.invoice_pdf(self.kari_invoice), frappe.local.response)
			)
		response = pdf[1]
		self.assertEqual(response.type, "pdf")
		self.assertTrue(response.filecontent.startswith(b"%PDF"))
		for user in (self.ola_user, make_user([], user_type="Website User"), "Guest"):
			with self.assertRaises(frappe.PermissionError):
				self.as_user(user, api.invoice_pdf, self.kari_invoice)
		with self.assertRaises(frappe.PermissionError):
			self.as_user(self.kari_user, api.invoice_pdf, "ACC-SINV-DOES-NOT-EXIST")

	def test_an_invoice_with_someone_elses_line_is_not_the_members(self):
		# an invoice made by hand for both registrations: Kari may not read Ola's line through it
		si = frappe.copy_doc(frappe.get_doc("Sales Invoice", self.kari_invoice))
		si.docstatus = 0
		for item in frappe.get_doc("Sales Invoice", self.ola_invoice).items:
			row = frappe.copy_doc(item)
			si.append("items", row.as_dict())
		si.flags.ignore_permissions = True
		si.insert()
		from kdf_app.kdf_members.services.membership import _own_invoice_names

		own = _own_invoice_names(self.kari.name)  # before the docstatus filter: the lines decide
		self.assertIn(self.kari_invoice, own)
		self.assertNotIn(si.name, own)
		self.assertNotIn(si.name, [i["invoice"] for i in self.as_user(self.kari_user, api.my_invoices)])
		with self.assertRaises(frappe.PermissionError):
			self.as_user(self.kari_user, api.invoice_pdf, si.name)

	def test_members_have_no_sales_invoice_permission(self):
		frappe.set_user(self.kari_user)
		try:
			self.assertFalse(frappe.has_permission("Sales Invoice", "read"))
			self.assertFalse(frappe.has_permission("Sales Invoice", "read", doc=self.kari_invoice))
		finally:
			frappe.set_user("Administrator")
