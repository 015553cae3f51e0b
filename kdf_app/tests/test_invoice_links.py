"""A cancelled or amended Sales Invoice keeps the registration right: released to be invoiced again,
linked to the amendment, credited on the invoice in force, never invoiced twice; the books balance."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from kdf_app.kdf_billing.services.dues import create_dues_invoices
from kdf_app.kdf_billing.services.invoice_links import invoice_in_force
from kdf_app.kdf_billing.services.invoicing import create_session_invoices, credit_registration
from kdf_app.tests.test_invoicing import InvoicingCase
from kdf_app.tests.utils import make_member, make_org, only_members_made_here, use_test_settings


def amend(name: str, submit: bool = True):
	"""As the desk's Amend does: a copy of the cancelled invoice, every field included, named -1."""
	si = frappe.get_doc("Sales Invoice", name)
	amended = frappe.copy_doc(si, ignore_no_copy=True)
	amended.amended_from = si.name
	amended.docstatus = 0
	amended.flags.ignore_permissions = True
	amended.insert()
	if submit:
		amended.submit()
	return amended


def timeline(registration: str) -> list[str]:
	return frappe.get_all(
		"Comment",
		{"reference_doctype": "Registration", "reference_name": registration, "comment_type": "Info"},
		pluck="content",
	)


class TestCancelledInvoice(InvoicingCase):
	def invoice(self) -> str:
		(name,) = create_session_invoices(self.session.name)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), name)
		return name

	def test_a_cancelled_invoice_frees_the_registration_and_the_books_balance(self):
		name = self.invoice()
		frappe.get_doc("Sales Invoice", name).cancel()
		self.assertIsNone(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"))
		self.assertTrue(any(f"Invoice {name} was cancelled" in c for c in timeline(self.reg.name)))
		# ERPNext reversed the ledger: every account of the voucher nets to zero
		entries = frappe.get_all("GL Entry", {"voucher_no": name}, ["account", "debit", "credit"])
		self.assertGreaterEqual(len(entries), 4)  # the entries and their reversal
		for account in {e.account for e in entries}:
			net = sum(flt(e.debit) - flt(e.credit) for e in entries if e.account == account)
			self.assertAlmostEqual(net, 0, places=2, msg=account)
		self.assertFalse(frappe.get_all("GL Entry", {"voucher_no": name, "is_cancelled": 0}))
		# invoiced again by the session's Create Invoices, with the same lines
		(again,) = create_session_invoices(self.session.name)
		self.assertNotEqual(again, name)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), again)
		self.assertEqual(flt(frappe.db.get_value("Sales Invoice", again, "grand_total")), 11900)
		self.assertEqual(create_session_invoices(self.session.name), [])

	def test_an_amendment_links_the_registration_and_is_credited_when_it_is_cancelled(self):
		name = self.invoice()
		frappe.get_doc("Sales Invoice", name).cancel()
		draft = amend(name, submit=False)
		# the copy does not carry the cancelled invoice's delivery status
		self.assertFalse(draft.kdf_ehf_status or draft.kdf_ehf_message or draft.kdf_ehf_attempts)
		draft.submit()
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), draft.name)
		self.assertTrue(any(f"amending {name}" in c for c in timeline(self.reg.name)))
		self.assertEqual(frappe.db.get_value("Sales Invoice", draft.name, "kdf_ehf_status"), "Klar")
		self.assertEqual(create_session_invoices(self.session.name), [])  # not invoiced twice
		self.reg.reload()
		self.reg.cancel_registration()
		credit = frappe.db.get_value(
			"Sales Invoice",
			{"is_return": 1, "docstatus": 1, "return_against": ("in", [name, draft.name])},
			"return_against",
		)
		self.assertEqual(credit, draft.name)  # the invoice in force, never the cancelled one

	def test_a_link_left_on_a_cancelled_invoice_credits_its_amendment(self):
		"""Data from before this existed: the registration still points to the cancelled invoice."""
		name = self.invoice()
		frappe.get_doc("Sales Invoice", name).cancel()
		amended = amend(name)
		frappe.db.set_value("Registration", self.reg.name, "sales_invoice", name)
		self.assertEqual(invoice_in_force(name), amended.name)
		credit = credit_registration(frappe.get_doc("Registration", self.reg.name))
		self.assertEqual(frappe.db.get_value("Sales Invoice", credit, "return_against"), amended.name)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), amended.name)
		# cancelled and not replaced: nothing in force, nothing credited
		other = register(self)
		(inv,) = create_session_invoices(self.session.name)
		frappe.get_doc("Sales Invoice", inv).cancel()
		frappe.db.set_value("Registration", other.name, "sales_invoice", inv)
		self.assertIsNone(invoice_in_force(inv))
		self.assertIsNone(credit_registration(frappe.get_doc("Registration", other.name)))

	def test_re_invoicing_and_then_amending_is_refused_with_a_clear_message(self):
		name = self.invoice()
		frappe.get_doc("Sales Invoice", name).cancel()
		(again,) = create_session_invoices(self.session.name)
		draft = amend(name, submit=False)
		with self.assertRaises(frappe.ValidationError) as caught:
			draft.submit()
		self.assertIn(f"Registration {self.reg.name} is already invoiced on {again}", str(caught.exception))
		self.assertEqual(frappe.db.get_value("Sales Invoice", draft.name, "docstatus"), 0)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), again)

	def test_a_cancelled_credit_note_is_noted_on_the_registration(self):
		name = self.invoice()
		self.reg.reload()
		self.reg.cancel_registration()
		credit = frappe.get_doc("Sales Invoice", {"return_against": name, "docstatus": 1})
		credit.cancel()
		self.assertTrue(
			any(f"Credit note {credit.name} (for {name}) was cancelled" in c for c in timeline(self.reg.name))
		)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), name)

	def test_the_patch_relinks_registrations_left_on_cancelled_invoices(self):
		from kdf_app.kdf_billing.services.invoice_links import relink_existing

		name = self.invoice()
		frappe.get_doc("Sales Invoice", name).cancel()
		amended = amend(name)
		other = register(self)
		(lone,) = create_session_invoices(self.session.name)
		frappe.get_doc("Sales Invoice", lone).cancel()
		frappe.db.set_value("Registration", self.reg.name, "sales_invoice", name)  # as before the hook
		frappe.db.set_value("Registration", other.name, "sales_invoice", lone)
		relink_existing()
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), amended.name)
		self.assertIsNone(frappe.db.get_value("Registration", other.name, "sales_invoice"))


def register(case):
	from kdf_app.tests.utils import register as _register

	return _register(case.session, make_member(make_org(kdf_invoice_reference="RES-2")))


class TestCancelledDues(FrappeTestCase):
	YEAR = 2041

	def setUp(self):
		use_test_settings(membership_fee=2500, org_number="958935420", bank_account="86011117947")
		only_members_made_here()
		self.org = make_org(kdf_invoice_reference="RES-DUES")
		make_member(self.org)

	def test_cancelled_dues_are_made_again_and_an_amendment_counts_as_invoiced(self):
		(name,) = create_dues_invoices(self.YEAR, submit=True)
		frappe.get_doc("Sales Invoice", name).cancel()
		amended = amend(name)
		self.assertEqual(amended.kdf_dues_year, self.YEAR)
		self.assertEqual(create_dues_invoices(self.YEAR, submit=True), [])  # the amendment is in force
		amended.reload()
		amended.cancel()
		(again,) = create_dues_invoices(self.YEAR, submit=True)
		self.assertEqual(
			frappe.db.get_value("Sales Invoice", again, ["customer", "docstatus"]), (self.org, 1)
		)
