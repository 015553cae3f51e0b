"""Reminders: Purring and Inkassovarsel as ERPNext Dunning Types with bokmål texts, made once; drafts proposed
for overdue invoices; sent by e-mail with the PDF once per invoice and step."""

import frappe
from frappe.utils import add_days, today

from kdf_app.kdf_billing.services import dunning
from kdf_app.shared.core.numbers import kid
from kdf_app.tests.test_bank_import import BankImportCase
from kdf_app.tests.test_invoicing import site_served
from kdf_app.tests.utils import TEST_COMPANY, make_test_email_account


def overdue(invoice: str, days: int) -> None:
	due = add_days(today(), -days)
	frappe.db.set_value("Sales Invoice", invoice, "due_date", due)
	frappe.db.sql("update `tabPayment Schedule` set due_date=%s where parent=%s", (due, invoice))


class TestDunning(BankImportCase):
	def setUp(self):
		super().setUp()
		make_test_email_account()
		frappe.db.set_single_value(
			"KDF Settings", {"reminder_after_days": 14, "collection_notice_after_days": 35}
		)
		frappe.clear_document_cache("KDF Settings", "KDF Settings")
		# other tests' open invoices of the test company are not this test's business
		self.mine = set(self.si.values())

	def proposed(self, on=None):
		return [d for d in dunning.propose(on) if self.invoice_of(d) in self.mine]

	def invoice_of(self, name):
		return frappe.db.get_value("Overdue Payment", {"parent": name}, "sales_invoice")

	def test_types_are_made_once_in_bokmal_without_fee_or_interest_and_kept(self):
		dunning.create_missing_types(TEST_COMPANY)
		purring = frappe.get_doc("Dunning Type", dunning.type_name(dunning.PURRING, TEST_COMPANY))
		self.assertEqual((purring.dunning_fee, purring.rate_of_interest), (0, 0))
		self.assertIn("Vi kan ikke se at vi har mottatt betaling", purring.dunning_letter_text[0].body_text)
		purring.dunning_letter_text[0].body_text = "<p>Sekretariatets egen tekst</p>"
		purring.save()
		self.assertEqual(dunning.create_missing_types(TEST_COMPANY), [])
		self.assertEqual(
			frappe.db.get_value("Dunning Letter Text", {"parent": purring.name}, "body_text"),
			"<p>Sekretariatets egen tekst</p>",
		)
		notice = frappe.get_doc("Dunning Type", dunning.type_name(dunning.INKASSOVARSEL, TEST_COMPANY))
		self.assertIn("inkassoloven § 9", notice.dunning_letter_text[0].body_text)

	def test_overdue_invoices_get_a_draft_reminder_once_and_paid_ones_none(self):
		a, b, c, _d = self.orgs
		overdue(self.si[a], 20)
		overdue(self.si[b], 5)  # not yet
		overdue(self.si[c], 20)
		self.run_file([self.pay(1, "6000.00", kid=kid(self.si[c]))])  # paid
		drafts = self.proposed()
		self.assertEqual([self.invoice_of(d) for d in drafts], [self.si[a]])
		draft = frappe.get_doc("Dunning", drafts[0])
		self.assertEqual((draft.docstatus, draft.customer), (0, a))
		self.assertIn(draft.customer_name, draft.body_text)
		self.assertEqual(self.proposed(), [])  # not twice

	def test_sent_by_email_with_the_pdf_once_then_a_collection_notice_after_14_days(self):
		a, *_ = self.orgs
		overdue(self.si[a], 40)
		(draft,) = self.proposed()
		with site_served():  # the real PDF (wkhtmltopdf fetches the print CSS from the site)
			recipient = dunning.send(draft)
		self.assertEqual(recipient, dunning.invoice_address(self.si[a]))
		mail = frappe.get_last_doc(
			"Email Queue", filters={"reference_doctype": "Dunning", "reference_name": draft}
		)
		self.assertIn(recipient, [r.recipient for r in mail.recipients])
		self.assertIn(f"{draft}.pdf", mail.message)  # the attachment, in the MIME message
		self.assertEqual(frappe.db.get_value("Dunning", draft, "docstatus"), 1)
		with self.assertRaises(frappe.ValidationError):
			dunning.send(draft)  # not twice
		# the reminder went out today: no collection notice until 14 days later
		self.assertEqual(self.proposed(), [])
		(notice,) = self.proposed(add_days(today(), 14))
		self.assertEqual(
			frappe.db.get_value("Dunning", notice, "dunning_type"),
			dunning.type_name(dunning.INKASSOVARSEL, TEST_COMPANY),
		)
		self.assertEqual(self.proposed(add_days(today(), 15)), [])

	def test_no_pdf_sends_nothing(self):
		overdue(self.si[self.orgs[0]], 20)
		(draft,) = self.proposed()
		with site_served(reachable=False), self.assertRaises(frappe.ValidationError) as e:
			dunning.send(draft)
		self.assertRegex(str(e.exception), "nothing was sent|ingenting ble sendt")
		self.assertFalse(
			frappe.db.exists("Email Queue", {"reference_doctype": "Dunning", "reference_name": draft})
		)

	def test_the_secretariat_sends_with_its_own_role(self):
		from kdf_app.api.payments import send_dunning
		from kdf_app.tests.utils import make_user

		overdue(self.si[self.orgs[0]], 20)
		(draft,) = self.proposed()
		frappe.set_user(make_user(["KDF Sekretariat"]))
		try:
			with site_served():
				send_dunning(draft)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Dunning", draft, "docstatus"), 1)

	def test_only_the_secretariat_sends(self):
		from kdf_app.api.payments import send_dunning
		from kdf_app.tests.utils import make_user

		overdue(self.si[self.orgs[0]], 20)
		(draft,) = self.proposed()
		frappe.set_user(make_user(["Accounts User"]))
		try:
			with self.assertRaises(frappe.PermissionError):
				send_dunning(draft)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Dunning", draft, "docstatus"), 0)
