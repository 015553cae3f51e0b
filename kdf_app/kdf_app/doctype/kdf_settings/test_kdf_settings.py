import frappe
from frappe.tests.utils import FrappeTestCase

test_ignore = ["Company", "Item", "Account", "Email Account", "Payment Terms Template"]


class TestKDFSettings(FrappeTestCase):
	def test_numbers_are_checked_and_compacted(self):
		s = frappe.get_single("KDF Settings")
		s.org_number = "NO 958 935 420 MVA"
		s.bank_account = "8601.11.17947"
		s.flags.ignore_mandatory = True
		s.save()
		self.assertEqual((s.org_number, s.bank_account), ("958935420", "86011117947"))
		s.bank_account = "86011117948"
		self.assertRaisesRegex(frappe.ValidationError, "not a valid Norwegian account number", s.save)
		s.reload()
		s.org_number = "958935421"
		self.assertRaisesRegex(frappe.ValidationError, "MOD11", s.save)
