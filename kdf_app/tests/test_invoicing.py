"""Session invoices, EHF documents, credit notes and sending, on a real ERPNext site."""

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer, SimpleHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from kdf_app.kdf_billing.core.invoicing import OU_TEXT
from kdf_app.kdf_billing.services import ehf
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.shared.core.paths import shared_dir
from kdf_app.tests.utils import (
	make_member,
	make_org,
	make_session,
	make_stay_package,
	register,
	use_test_settings,
)

RULES = shared_dir() / "peppol-bis-3" / "sch"


def official_fatal(xml: bytes) -> list:
	from kdf_app.kdf_billing.core.schematron import peppol_validator

	return [f for f in peppol_validator(str(RULES)).validate(xml) if f.flag == "fatal"]


def attached_xml(invoice: str) -> bytes:
	f = frappe.get_doc("File", {"file_url": ehf.attached_file_url(invoice), "attached_to_name": invoice})
	assert f.is_private
	content = f.get_content()
	return content if isinstance(content, bytes) else content.encode("utf-8")


class InvoicingCase(FrappeTestCase):
	VAT = "Not VAT registered"

	def setUp(self):
		use_test_settings(
			org_number="958935420",
			bank_account="86011117947",
			vat_setup=self.VAT,
			fee_vat="Exempt",
			ehf_adapter="Outbox",
			ehf_outbox="private/ehf-outbox-test",
			submit_session_invoices=1,
			event_income_account=frappe.db.get_value(
				"Account", {"company": "KDF Test", "root_type": "Income", "is_group": 0}
			),
		)
		make_stay_package("Test med overnatting", 4000, 55)
		frappe.db.set_value("Stay Package", "Test med overnatting", "accommodation_share", 55)
		self.conference = make_session()
		self.session = make_session(linked=self.conference.name)
		self.org = make_org(kdf_invoice_reference="RES-1")
		self.kari = make_member(self.org)
		self.reg = register(
			self.session,
			self.kari,
			stay_package="Test med overnatting",
			extra_night=1,
			with_linked_session=1,
			invoice_reference="3400123",
		)


class TestSessionInvoices(InvoicingCase):
	def test_one_invoice_per_due_registration_and_no_duplicates(self):
		other = register(self.session, make_member(make_org()), stay_package="Test uten overnatting")
		cancelled = register(self.session, make_member(make_org()))
		cancelled.cancel_registration()
		created = create_session_invoices(self.session.name)
		self.assertEqual(len(created), 2)
		self.assertEqual(create_session_invoices(self.session.name), [])
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice") in created, True)
		self.assertTrue(frappe.db.get_value("Registration", other.name, "sales_invoice"))
		self.assertFalse(frappe.db.get_value("Registration", cancelled.name, "sales_invoice"))

	def test_lines_text_reference_cost_center_and_ehf(self):
		(name,) = [n for n in create_session_invoices(self.session.name)]
		si = frappe.get_doc("Sales Invoice", name)
		self.assertEqual(si.docstatus, 1)
		self.assertEqual(
			(si.customer, si.po_no, si.terms, si.kdf_session),
			(self.org, "3400123", OU_TEXT, self.session.name),
		)
		kinds = [(i.kdf_line_kind, flt(i.amount), i.kdf_vat_category) for i in si.items]
		# 6000 fee; 4000 package split 55/45 with the 300 discount split the same way; 2200 extra night
		self.assertEqual(
			kinds,
			[
				("fee", 6000, "O"),
				("accommodation", 2035, "O"),
				("food", 1665, "O"),
				("extra_night", 2200, "O"),
			],
		)
		self.assertEqual(flt(si.grand_total), 11900)
		cost_center = frappe.db.get_value("Topplederprogram Session", self.session.name, "cost_center")
		self.assertEqual(cost_center, f"{self.session.name} - KDFT")
		for item in si.items:
			self.assertIn(self.kari.member_name, item.description)
			self.assertIn(self.session.session_title, item.description)
			self.assertEqual(item.cost_center, cost_center)
		self.assertEqual(si.kdf_ehf_status, "Klar")
		xml = attached_xml(name)
		self.assertIn(b"<cbc:BuyerReference>3400123</cbc:BuyerReference>", xml)
		self.assertEqual(official_fatal(xml), [])

	def test_cancelling_after_invoicing_makes_a_credit_note(self):
		(name,) = create_session_invoices(self.session.name)
		self.reg.reload()
		self.reg.cancel_registration()
		credit = frappe.get_doc("Sales Invoice", {"return_against": name, "docstatus": 1})
		self.assertEqual(flt(credit.grand_total), -11900)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "status"), "Avmeldt")
		xml = attached_xml(credit.name)
		self.assertIn(b"<CreditNote", xml)
		self.assertIn(f"<cbc:ID>{name}</cbc:ID>".encode(), xml)
		self.assertEqual(official_fatal(xml), [])

	def test_cancelling_an_invoiced_session_credits_every_invoice(self):
		(name,) = create_session_invoices(self.session.name)
		self.session.reload()
		self.session.status = "Avlyst"
		self.session.cancellation_reason = "For få påmeldte."
		self.session.save()
		credit = frappe.get_doc("Sales Invoice", {"return_against": name, "docstatus": 1})
		self.assertEqual(flt(credit.grand_total), -11900)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "status"), "Avmeldt")
		self.assertEqual(official_fatal(attached_xml(credit.name)), [])

	def test_payment_terms_template_and_kid_reach_the_invoice_and_the_ehf(self):
		from lxml import etree

		from kdf_app.shared.core.numbers import is_valid_kid, kid

		term = "KDF test 14 dager"
		if not frappe.db.exists("Payment Term", term):
			frappe.get_doc(
				{
					"doctype": "Payment Term",
					"payment_term_name": term,
					"invoice_portion": 100,
					"due_date_based_on": "Day(s) after invoice date",
					"credit_days": 14,
				}
			).insert(ignore_permissions=True)
		template = frappe.get_doc(
			{
				"doctype": "Payment Terms Template",
				"template_name": f"KDF test {frappe.generate_hash(length=5)}",
				"terms": [
					{
						"payment_term": term,
						"invoice_portion": 100,
						"due_date_based_on": "Day(s) after invoice date",
						"credit_days": 14,
					}
				],
			}
		).insert(ignore_permissions=True)
		use_test_settings(payment_terms_template=template.name, use_kid=1)
		(name,) = create_session_invoices(self.session.name)
		si = frappe.get_doc("Sales Invoice", name)
		self.assertEqual(si.payment_terms_template, template.name)
		self.assertEqual(str(si.due_date), str(frappe.utils.add_days(si.posting_date, 14)))
		root = etree.fromstring(attached_xml(name))
		ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
		self.assertEqual(root.findtext("cbc:DueDate", namespaces=ns), str(si.due_date))
		payment_id = root.findtext(".//cbc:PaymentID", namespaces=ns)
		self.assertEqual(payment_id, kid(name))
		self.assertTrue(is_valid_kid(payment_id))
		self.assertEqual(official_fatal(attached_xml(name)), [])
		html = frappe.get_print("Sales Invoice", name, print_format="KDF Faktura")
		self.assertIn(f"KID {payment_id}", html)

	def test_broken_customer_gives_failed_status_not_a_lost_invoice(self):
		frappe.db.set_value("Customer", self.org, "kdf_org_number", "123")  # bypassing validation on purpose
		(name,) = create_session_invoices(self.session.name)
		si = frappe.get_doc("Sales Invoice", name)
		# held as a draft (its EHF would fail), with the reason naming the customer's data
		self.assertEqual((si.docstatus, si.kdf_ehf_status), (0, "Feilet"))
		self.assertIn(
			f"The buyer {frappe.db.get_value('Customer', self.org, 'customer_name')}", si.kdf_ehf_message
		)
		self.assertIn("organisation number (123)", si.kdf_ehf_message)
		self.assertEqual(frappe.db.get_value("Registration", self.reg.name, "sales_invoice"), name)


class TestRegisteredVat(InvoicingCase):
	VAT = "VAT registered"

	def test_vat_rates_per_line_and_totals_match_the_ehf(self):
		(name,) = create_session_invoices(self.session.name)
		si = frappe.get_doc("Sales Invoice", name)
		self.assertEqual([i.kdf_vat_category for i in si.items], ["E", "S", "S", "S"])
		# 12 % of (2035 + 2200) = 508.20; 25 % of 1665 = 416.25
		self.assertEqual(flt(si.total_taxes_and_charges), 924.45)
		self.assertEqual(flt(si.grand_total), 12824.45)
		xml = attached_xml(name)
		self.assertIn(b"<cbc:CompanyID>NO958935420MVA</cbc:CompanyID>", xml)
		# what is due is ERPNext's rounded total, the rounding stated in the EHF
		self.assertEqual(flt(si.rounded_total or si.grand_total), flt(si.outstanding_amount))
		self.assertIn(b'<cbc:TaxInclusiveAmount currencyID="NOK">12824.45</cbc:TaxInclusiveAmount>', xml)
		self.assertIn(
			f'<cbc:PayableAmount currencyID="NOK">{si.outstanding_amount:.2f}</cbc:PayableAmount>'.encode(),
			xml,
		)
		self.assertEqual(official_fatal(xml), [])


class _FakeAccessPoint(BaseHTTPRequestHandler):
	received: list = []
	fail = False

	def do_POST(self):
		body = self.rfile.read(int(self.headers["Content-Length"]))
		_FakeAccessPoint.received.append(
			(self.headers.get("Authorization"), self.headers.get("X-Document-Id"), body)
		)
		self.send_response(500 if _FakeAccessPoint.fail else 202)
		self.send_header("Content-Type", "application/json")
		self.end_headers()
		self.wfile.write(
			json.dumps({"id": "AP-42"} if not _FakeAccessPoint.fail else {"error": "nope"}).encode()
		)

	def log_message(self, *args):
		pass


class TestSending(InvoicingCase):
	def test_outbox_adapter_writes_the_file(self):
		import os

		(name,) = create_session_invoices(self.session.name)
		self.assertEqual(ehf.send(name), "Sendt")
		path = frappe.get_site_path("private", "ehf-outbox-test", f"{name}.xml")
		self.assertTrue(os.path.exists(path))
		with open(path, "rb") as f:
			self.assertEqual(f.read(), attached_xml(name))
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "kdf_ehf_status"), "Sendt")

	def test_http_adapter_against_a_local_fake_access_point(self):
		server = HTTPServer(("127.0.0.1", 0), _FakeAccessPoint)
		threading.Thread(target=server.serve_forever, daemon=True).start()
		try:
			use_test_settings(
				ehf_adapter="HTTP",
				ehf_endpoint=f"http://127.0.0.1:{server.server_port}/documents",
				ehf_api_key="secret",
				org_number="958935420",
				bank_account="86011117947",
			)
			(name,) = create_session_invoices(self.session.name)
			self.assertEqual(ehf.send(name), "Sendt")
			auth, doc_id, body = _FakeAccessPoint.received[-1]
			self.assertEqual((auth, doc_id), ("Bearer secret", name))
			self.assertEqual(body, attached_xml(name))
			self.assertEqual(
				frappe.db.get_value("Sales Invoice", name, ["kdf_ehf_status", "kdf_ehf_message"]),
				("Sendt", "AP-42"),
			)
			_FakeAccessPoint.fail = True  # a 500: tried again later (kdf_app/tests/test_ehf_retry.py)
			self.assertEqual(ehf.send(name), "Nytt forsøk")
			self.assertIn("500", frappe.db.get_value("Sales Invoice", name, "kdf_ehf_message"))
		finally:
			_FakeAccessPoint.fail = False
			server.shutdown()


class _Assets(SimpleHTTPRequestHandler):
	"""Serves the bench's sites/ folder, as nginx does in production: wkhtmltopdf fetches the print CSS
	from the site's host_name, so a PDF needs the site's assets reachable over HTTP."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, directory=frappe.utils.get_bench_path() + "/sites", **kwargs)

	def log_message(self, *args):
		pass


@contextmanager
def site_served(reachable: bool = True):
	if reachable:
		server = ThreadingHTTPServer(("127.0.0.1", 0), _Assets)
		threading.Thread(target=server.serve_forever, daemon=True).start()
		port = server.server_port
	else:  # a port nobody listens on: the connection is refused
		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			port = s.getsockname()[1]
	try:
		with patch.dict(frappe.local.conf, {"host_name": f"http://127.0.0.1:{port}"}):
			yield
	finally:
		if reachable:
			server.shutdown()
			server.server_close()


class TestEmailedInvoices(InvoicingCase):
	def setUp(self):
		super().setUp()
		frappe.db.set_value("Customer", self.org, "kdf_send_ehf", 0)

	def emails(self, invoice):
		return frappe.get_all(
			"Email Queue",
			{"reference_doctype": "Sales Invoice", "reference_name": invoice},
			["name", "message"],
		)

	def test_customers_without_ehf_get_a_pdf_by_email(self):
		(name,) = create_session_invoices(self.session.name)
		self.assertFalse(frappe.db.get_value("Sales Invoice", name, "kdf_ehf_status"))
		with site_served():
			self.assertEqual(ehf.email_pdf(name), "Sendt")
		import email as email_lib

		queued = self.emails(name)
		self.assertEqual(len(queued), 1)
		pdfs = [
			p
			for p in email_lib.message_from_string(queued[0].message).walk()
			if p.get_content_type() == "application/pdf"
		]
		self.assertEqual(len(pdfs), 1)
		self.assertTrue(pdfs[0].get_payload(decode=True).startswith(b"%PDF"))
		recipients = frappe.get_all("Email Queue Recipient", {"parent": queued[0].name}, pluck="recipient")
		self.assertEqual(recipients, [self.kari.email])
		status, sent_on, message = frappe.db.get_value(
			"Sales Invoice", name, ["kdf_ehf_status", "kdf_ehf_sent_on", "kdf_ehf_message"]
		)
		self.assertEqual(status, "Sendt")
		self.assertTrue(sent_on)
		self.assertIn(self.kari.email, message)
		html = frappe.get_print("Sales Invoice", name, print_format="KDF Faktura")
		self.assertIn("Deltakeravgiften er forhåndsgodkjent for OU-midler", html)
		self.assertIn("86011117947", html)

	def test_a_pdf_that_cannot_be_made_is_recorded_and_can_be_resent(self):
		from kdf_app.custom.sales_invoice import resend_ehf

		(name,) = create_session_invoices(self.session.name)
		with site_served(reachable=False):
			self.assertEqual(ehf.email_pdf(name), "Feilet")
		self.assertEqual(self.emails(name), [])
		status, message = frappe.db.get_value("Sales Invoice", name, ["kdf_ehf_status", "kdf_ehf_message"])
		self.assertEqual(status, "Feilet")
		self.assertIn("PDF", message)
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "docstatus"), 1)
		self.assertTrue(frappe.db.exists("Error Log", {"reference_name": name}))
		# the cause is fixed (the site is reachable again): the secretariat sends it again
		with site_served():
			self.assertEqual(resend_ehf(name), "Sendt")
		self.assertEqual(len(self.emails(name)), 1)

	def test_no_address_is_recorded_and_nothing_is_sent(self):
		frappe.db.set_value("Member", self.kari.name, "membership_status", "Utmeldt")
		(name,) = create_session_invoices(self.session.name)
		with site_served():
			self.assertEqual(ehf.email_pdf(name), "Feilet")
		self.assertEqual(self.emails(name), [])
		self.assertIn(self.org, frappe.db.get_value("Sales Invoice", name, "kdf_ehf_message"))
