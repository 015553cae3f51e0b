"""A failed EHF send over HTTP is tried again with backoff by the scheduler, then Feilet for good; the
invoice shows the attempts and the next try; Resend starts afresh. Against a local fake access point."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from kdf_app.hooks import scheduler_events
from kdf_app.kdf_billing.core.delivery import FAILED, RETRYING, SENT
from kdf_app.kdf_billing.services import ehf
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase, attached_xml
from kdf_app.tests.utils import use_test_settings


class _AccessPoint(BaseHTTPRequestHandler):
	answers: list[int] = []  # the status of each next answer; 202 once they run out
	received: list[bytes] = []

	def do_POST(self):
		body = self.rfile.read(int(self.headers["Content-Length"]))
		_AccessPoint.received.append(body)
		code = _AccessPoint.answers.pop(0) if _AccessPoint.answers else 202
		self.send_response(code)
		self.send_header("Content-Type", "application/json")
		self.end_headers()
		self.wfile.write(json.dumps({"id": "AP-7"} if code < 300 else {"error": "busy"}).encode())

	def log_message(self, *args):
		pass


class TestRetry(InvoicingCase):
	def setUp(self):
		super().setUp()
		self.server = HTTPServer(("127.0.0.1", 0), _AccessPoint)
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
		_AccessPoint.answers, _AccessPoint.received = [], []
		use_test_settings(
			ehf_adapter="HTTP",
			ehf_endpoint=f"http://127.0.0.1:{self.server.server_port}/documents",
			ehf_api_key="secret",
			org_number="958935420",
			bank_account="86011117947",
		)
		(self.invoice,) = create_session_invoices(self.session.name)

	def tearDown(self):
		self.server.shutdown()
		self.server.server_close()

	def state(self):
		return frappe.db.get_value(
			"Sales Invoice",
			self.invoice,
			["kdf_ehf_status", "kdf_ehf_attempts", "kdf_ehf_next_try", "kdf_ehf_message"],
			as_dict=True,
		)

	def time_passes(self):
		"""As if the wait were over: the next try is a minute ago."""
		frappe.db.set_value(
			"Sales Invoice", self.invoice, "kdf_ehf_next_try", add_to_date(now_datetime(), minutes=-1)
		)

	def assert_waits(self, wait: timedelta, attempts: int):
		s = self.state()
		self.assertEqual((s.kdf_ehf_status, s.kdf_ehf_attempts), (RETRYING, attempts))
		self.assertAlmostEqual(
			(get_datetime(s.kdf_ehf_next_try) - now_datetime()).total_seconds(),
			wait.total_seconds(),
			delta=60,
		)
		self.assertIn(f"Attempt {attempts} of 5 failed; next try at", s.kdf_ehf_message)
		self.assertIn("503", s.kdf_ehf_message)
		# not due yet: the scheduler leaves it
		self.assertNotIn(self.invoice, ehf.retry_due_sends())

	def test_the_scheduler_retries_with_backoff_until_it_is_sent(self):
		self.assertIn(
			"kdf_app.kdf_billing.services.ehf.retry_due_sends", scheduler_events["cron"]["*/5 * * * *"]
		)
		_AccessPoint.answers = [503, 503, 503]
		self.assertEqual(ehf.send(self.invoice), RETRYING)
		self.assert_waits(timedelta(minutes=5), 1)
		for wait, attempts in ((timedelta(minutes=30), 2), (timedelta(hours=2), 3)):
			self.time_passes()
			self.assertEqual(ehf.retry_due_sends(), [self.invoice])
			self.assert_waits(wait, attempts)
		self.time_passes()
		self.assertEqual(ehf.retry_due_sends(), [self.invoice])
		s = self.state()
		self.assertEqual((s.kdf_ehf_status, s.kdf_ehf_attempts, s.kdf_ehf_next_try), (SENT, 4, None))
		self.assertEqual(s.kdf_ehf_message, "AP-7")
		self.assertEqual(len(_AccessPoint.received), 4)
		self.assertTrue(all(body == attached_xml(self.invoice) for body in _AccessPoint.received))
		self.assertEqual(ehf.retry_due_sends(), [])
		# every failed attempt is on the invoice's timeline
		notes = frappe.get_all(
			"Comment",
			{"reference_doctype": "Sales Invoice", "reference_name": self.invoice, "comment_type": "Info"},
			pluck="content",
		)
		self.assertEqual(len([n for n in notes if "EHF not sent" in n]), 3)

	def test_after_the_last_try_it_is_failed_for_good_and_resend_starts_afresh(self):
		from kdf_app.custom.sales_invoice import resend_ehf

		_AccessPoint.answers = [500] * 5
		ehf.send(self.invoice)
		for _ in range(4):
			self.time_passes()
			ehf.retry_due_sends()
		s = self.state()
		self.assertEqual((s.kdf_ehf_status, s.kdf_ehf_attempts, s.kdf_ehf_next_try), (FAILED, 5, None))
		self.assertIn("Attempt 5 of 5 failed; no more tries", s.kdf_ehf_message)
		self.time_passes()
		frappe.db.set_value("Sales Invoice", self.invoice, "kdf_ehf_next_try", None)
		self.assertEqual(ehf.retry_due_sends(), [])  # Feilet is never picked up again
		self.assertEqual(len(_AccessPoint.received), 5)
		# the provider is back: Resend rebuilds, counts from zero and sends
		self.assertEqual(resend_ehf(self.invoice), "Klar")
		self.assertEqual(self.state().kdf_ehf_attempts, 0)
		self.assertEqual(ehf.send(self.invoice), SENT)
		self.assertEqual(self.state().kdf_ehf_attempts, 1)

	def test_a_refusal_is_failed_at_once_and_an_unreachable_access_point_is_retried(self):
		_AccessPoint.answers = [401]
		self.assertEqual(ehf.send(self.invoice), FAILED)
		s = self.state()
		self.assertEqual((s.kdf_ehf_attempts, s.kdf_ehf_next_try), (1, None))
		self.assertIn("will not help", s.kdf_ehf_message)
		# nobody listens: a connection error may pass
		self.server.shutdown()
		self.server.server_close()
		self.assertEqual(ehf.send(self.invoice), RETRYING, self.state().kdf_ehf_message)
		self.assertEqual(self.state().kdf_ehf_attempts, 2)
		self.server = HTTPServer(("127.0.0.1", 0), _AccessPoint)  # served again, for tearDown
		threading.Thread(target=self.server.serve_forever, daemon=True).start()
