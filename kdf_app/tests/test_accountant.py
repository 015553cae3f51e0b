"""The accountant's and the payer's view of KDF invoices (issue 17): credit notes made the ERPNext way,
Norwegian on what municipalities receive whoever acted, and invoicing that leaves its result behind."""

import email

import frappe
from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return
from erpnext.controllers.accounts_controller import get_default_taxes_and_charges
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase, attached_xml, official_fatal
from kdf_app.tests.utils import make_member, make_org, make_user

ACCOUNTANT = "kdf-test-accountant@example.no"


def accountant() -> str:
	"""ERPNext's Accounts User, as the accountant's guide (docs/accountant.md) has it."""
	return make_user(["Accounts User"], email=ACCOUNTANT, first_name="Regnskap")


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
		from kdf_app.kdf_billing.services.dues import create_dues_invoices

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


class EnglishUser:
	"""The acting user works in English (an Administrator or the secretariat with English in the desk)."""

	def setUp(self):
		self._lang = frappe.local.lang
		frappe.local.lang = "en"
		super().setUp()

	def tearDown(self):
		frappe.local.lang = self._lang
		super().tearDown()


class TestNorwegianForPayers(EnglishUser, InvoicingCase):
	def _on(self, starts_on: str, ends_on: str):
		frappe.db.set_value(
			"Topplederprogram Session",
			self.session.name,
			{"starts_on": starts_on, "ends_on": ends_on},
			update_modified=False,
		)
		self.session.reload()

	def test_invoice_lines_and_ehf_name_the_dates_in_norwegian(self):
		self._on("2026-11-25 09:00:00", "2026-11-26 15:00:00")
		(name,) = create_session_invoices(self.session.name)
		si = frappe.get_doc("Sales Invoice", name)
		for item in si.items:
			self.assertIn("25.–26. november 2026", item.description)
			self.assertNotIn("November", item.description)
		xml = attached_xml(name).decode()
		self.assertIn("25.–26. november 2026", xml)
		self.assertNotIn("November", xml)
		self.assertIn("Betaling innen", xml)  # the payment terms note
		self.assertNotIn("Payment within", xml)

	def test_dates_across_a_month_end(self):
		self._on("2026-11-30 09:00:00", "2026-12-01 15:00:00")
		(name,) = create_session_invoices(self.session.name)
		descriptions = [i.description for i in frappe.get_doc("Sales Invoice", name).items]
		self.assertTrue(all("30. november–1. desember 2026" in d for d in descriptions), descriptions)


class TestNorwegianForMembers(EnglishUser, InvoicingCase):
	def test_desk_registration_stores_norwegian_price_lines(self):
		from kdf_app.tests.utils import register

		reg = register(self.session, make_member(self.org), extra_night=1)
		self.assertEqual(
			[line.description for line in reg.price_lines], ["Deltakeravgift", "Ekstra natt før samlingen"]
		)
		self.assertEqual(
			[line.description for line in self.reg.price_lines],  # made in setUp, also in English
			[
				"Deltakeravgift",
				"Test med overnatting",
				"Fradrag for deltakelse på begge arrangementene",
				"Ekstra natt før samlingen",
			],
		)

	def test_the_patch_writes_english_price_lines_in_norwegian(self):
		from kdf_app.patches import norwegian_price_lines

		line = self.reg.price_lines[0]
		frappe.db.set_value("Registration Price Line", line.name, "description", "Participant fee")
		norwegian_price_lines.execute()
		self.assertEqual(
			frappe.db.get_value("Registration Price Line", line.name, "description"), "Deltakeravgift"
		)

	def test_confirmation_email_is_norwegian(self):
		from kdf_app.kdf_programmes.core.sessions import format_date_no

		raw = frappe.db.get_value(
			"Email Queue", {"reference_doctype": "Registration", "reference_name": self.reg.name}, "message"
		)
		self.assertTrue(raw)
		message = "".join(
			part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
			for part in email.message_from_string(raw).walk()
			if part.get_content_type() == "text/html"
		)
		self.assertIn(format_date_no(self.session.starts_on), message)
		self.assertIn("Deltakeravgift", message)
		self.assertNotIn("Participant fee", message)


class Realtime:
	"""Records what the server publishes over socket.io (progress bars, messages, the done event)."""

	def __enter__(self):
		from unittest.mock import patch

		self.events = []

		def record(event=None, message=None, room=None, user=None, doctype=None, docname=None, **kw):
			self.events.append(
				frappe._dict(event=event, message=message or {}, user=user, doctype=doctype, docname=docname)
			)

		self._patches = [
			patch("frappe.realtime.publish_realtime", record),
			patch("frappe.publish_realtime", record),
		]
		for p in self._patches:
			p.start()
		return self

	def __exit__(self, *exc):
		for p in self._patches:
			p.stop()

	def of(self, event: str) -> list:
		return [e for e in self.events if e.event == event]


class TestInvoicingFeedback(InvoicingCase):
	def test_the_job_leaves_its_result_on_the_session(self):
		from kdf_app.kdf_billing.services.invoicing import start_invoicing
		from kdf_app.tests.utils import register

		broken = make_org()
		frappe.db.set_value("Customer", broken, "kdf_org_number", "123")  # its EHF would fail: held
		register(self.session, make_member(broken), invoice_reference="R-9")
		with Realtime() as realtime:
			start_invoicing(self.session.name)  # runs at once in tests
		session = frappe.get_doc("Topplederprogram Session", self.session.name)
		self.assertEqual(session.invoicing_status, "Done")
		self.assertTrue(session.invoiced_on)
		self.assertEqual((session.invoices_made, session.invoices_held), (2, 1))
		(held,) = frappe.get_all("Sales Invoice", {"kdf_session": session.name, "docstatus": 0}, pluck="name")
		self.assertIn(held, session.invoicing_result)
		self.assertIn("organisation number (123)", session.invoicing_result)
		self.assertIn("2 invoices: 1 submitted, 1 drafts", session.invoicing_result)
		# a progress bar on the session from the start to the end, then the form is told to reload
		progress = realtime.of("progress")
		self.assertTrue(progress)
		self.assertTrue(all((e.doctype, e.docname) == (session.doctype, session.name) for e in progress))
		self.assertEqual(progress[-1].message["percent"], 100)
		self.assertGreater(progress[0].message["percent"], 0)  # a bar at 0 % is not drawn
		self.assertEqual(len(progress), 3)  # the start and each of the two invoices
		(done,) = realtime.of("kdf_invoicing_done")
		self.assertEqual((done.doctype, done.docname), (session.doctype, session.name))
		(told,) = realtime.of("msgprint")
		self.assertEqual(told.user, "Administrator")
		self.assertIn(held, told.message["message"])

	def test_an_invoice_submitted_in_one_pass_keeps_its_timeline(self):
		"""The batch inserts an invoice submitted in one pass: the EHF is attached with Frappe's line on the
		invoice's timeline, and the registration is linked with a line on its own."""
		(name,) = create_session_invoices(self.session.name)
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "docstatus"), 1)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), name)
		attached = frappe.get_all(
			"Comment",
			{"reference_doctype": "Sales Invoice", "reference_name": name, "comment_type": "Attachment"},
			pluck="content",
		)
		self.assertEqual(len(attached), 1)
		self.assertIn(f"{name}.xml", attached[0])
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "Registration",
					"reference_name": self.reg.name,
					"comment_type": "Info",
					"content": f"Invoiced on {name}.",
				},
			)
		)

	def test_a_second_run_counts_the_sessions_invoices(self):
		from kdf_app.kdf_billing.services.invoicing import start_invoicing

		start_invoicing(self.session.name)
		start_invoicing(self.session.name)
		session = frappe.get_doc("Topplederprogram Session", self.session.name)
		self.assertEqual(
			(session.invoicing_status, session.invoices_made, session.invoices_held), ("Done", 0, 0)
		)
		self.assertIn("1 invoices: 1 submitted, 0 drafts", session.invoicing_result)

	def test_the_dues_batch_runs_as_a_job_and_leaves_its_result_in_settings(self):
		from kdf_app.api.members import create_dues_invoices

		broken = make_org()
		make_member(broken)
		frappe.db.set_value("Customer", broken, "kdf_org_number", "123")
		with Realtime() as realtime:
			self.assertTrue(create_dues_invoices(2092, 1)["job_id"])
		settings = frappe.get_single("KDF Settings")
		self.assertTrue(settings.dues_last_run_on)
		made = frappe.get_all("Sales Invoice", {"kdf_dues_year": 2092}, pluck="name")
		self.assertIn(f"Dues 2092: {len(made)} invoices made.", settings.dues_last_run)
		(held,) = frappe.get_all("Sales Invoice", {"kdf_dues_year": 2092, "customer": broken}, pluck="name")
		self.assertIn(held, settings.dues_last_run)
		progress = realtime.of("progress")
		self.assertEqual(len(progress), len(made) + 1)
		self.assertTrue(all(e.user == "Administrator" and not e.doctype for e in progress))
		self.assertEqual(progress[-1].message["percent"], 100)
		self.assertEqual(len(realtime.of("msgprint")), 1)


class TestDeliveryStatusWhereTheSecretariatLooks(FrappeTestCase):
	def test_the_list_shows_the_amount_and_the_delivery_status(self):
		"""Frappe shows title, tags and as many columns as List View Settings allow (4 up to 1366 px)."""
		import json

		from kdf_app.setup.custom_fields import setup_sales_invoice_list

		frappe.delete_doc_if_exists("List View Settings", "Sales Invoice")
		setup_sales_invoice_list()
		settings = frappe.get_doc("List View Settings", "Sales Invoice")
		fields = [f["fieldname"] for f in json.loads(settings.fields)]
		self.assertEqual(fields, ["status_field", "grand_total", "kdf_ehf_status"])
		self.assertLessEqual(2 + len(fields), int(settings.total_fields))  # title and tags come first
		settings.total_fields = "4"  # a System Manager's own choice is kept
		settings.save(ignore_permissions=True)
		setup_sales_invoice_list()
		self.assertEqual(frappe.db.get_value("List View Settings", "Sales Invoice", "total_fields"), "4")

	def test_a_list_column_and_on_the_invoices_first_tab(self):
		meta = frappe.get_meta("Sales Invoice")
		self.assertTrue(meta.get_field("kdf_ehf_status").in_list_view)
		order = [f.fieldname for f in meta.fields]
		first_tab_ends = next(i for i, f in enumerate(meta.fields) if f.fieldtype == "Tab Break")
		self.assertLess(order.index("kdf_ehf_section"), first_tab_ends)
		self.assertLess(order.index("kdf_ehf_status"), first_tab_ends)
		self.assertFalse(meta.get_field("kdf_ehf_section").collapsible)
