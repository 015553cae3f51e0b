"""A guest cannot pick their own rate-limit key, and no CSV/Excel download runs formulas."""

import io

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from kdf_app.kdf_privacy.services import client


class TestClientGuards(FrappeTestCase):
	def _request(self, remote, forwarded=None):
		headers = {"X-Forwarded-For": forwarded} if forwarded else {}
		env = EnvironBuilder(path="/api/method/ping", headers=headers, environ_base={"REMOTE_ADDR": remote})
		return Request(env.get_environ())

	def test_a_forged_forwarded_for_does_not_change_the_key(self):
		saved = getattr(frappe.local, "request", None), frappe.local.request_ip
		try:
			frappe.local.request = self._request("203.0.113.7", "198.51.100.99")
			frappe.local.request_ip = "198.51.100.99"  # what Frappe took from the header
			client.set_client_address()
			self.assertEqual(frappe.local.request_ip, "203.0.113.7")
			frappe.local.request = self._request("127.0.0.1", "198.51.100.99, 203.0.113.7")
			client.set_client_address()
			self.assertEqual(frappe.local.request_ip, "203.0.113.7")
		finally:
			frappe.local.request, frappe.local.request_ip = saved

	def _download(self, name, content):
		r = Response(content)
		r.headers["Content-Disposition"] = f'filename="{name}"'
		return r

	def test_csv_exports_are_neutralised(self):
		r = self._download(
			"Member.csv", b'"Name","Note"\r\n"Ola","=HYPERLINK(""http://x"")"\r\n"Kari","-1200"\r\n'
		)
		client.neutralise_export(r)
		text = r.get_data().decode()
		self.assertIn("'=HYPERLINK", text)
		self.assertIn("-1200", text)
		self.assertNotIn("'-1200", text)

	def test_xlsx_exports_are_neutralised(self):
		from frappe.utils.xlsxutils import make_xlsx
		from openpyxl import load_workbook

		data = make_xlsx([["Name", "Note"], ["Ola", "=1+1"], ["Kari", -1200]], "x").getvalue()
		r = self._download("Member.xlsx", data)
		client.neutralise_export(r)
		sheet = load_workbook(io.BytesIO(r.get_data())).active
		self.assertEqual(sheet["B2"].value, "'=1+1")
		self.assertEqual(sheet["B3"].value, -1200)

	def test_other_responses_are_untouched(self):
		r = Response(b'{"message": "=1+1"}', content_type="application/json")
		client.neutralise_export(r)
		self.assertEqual(r.get_data(), b'{"message": "=1+1"}')
