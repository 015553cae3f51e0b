import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.kdf_billing.services.dues import create_dues_invoices
from kdf_app.tests.utils import make_member, only_members_made_here, use_test_settings
from kdf_app.tests.utils import make_org as _make_org

YEAR = 2031


def make_org(**extra):
	"""A paying organisation with a default invoice reference (ressursnummer), as EHF needs."""
	return _make_org(**{"kdf_invoice_reference": "RES-DUES", **extra})


class TestDuesBatch(FrappeTestCase):
	def setUp(self):
		# KDF's own data for EHF: most organisations receive EHF, and an invoice whose EHF would fail is held
		use_test_settings(membership_fee=2500, org_number="958935420", bank_account="86011117947")
		# only the members made here are active, so the batch's output is exactly ours
		only_members_made_here()

	def test_one_invoice_per_paying_organisation_and_rerun_creates_nothing(self):
		a, b, c = make_org(), make_org(), make_org()
		m1, m2 = make_member(a), make_member(a, title="Assisterende kommunedirektør")
		m3 = make_member(b)
		make_member(c, membership_status="Utmeldt")
		created = create_dues_invoices(YEAR, submit=True)
		self.assertEqual(len(created), 2)
		invoices = {si.customer: si for si in (frappe.get_doc("Sales Invoice", n) for n in created)}
		self.assertEqual(set(invoices), {a, b})
		self.assertEqual(invoices[a].grand_total, 5000)
		self.assertEqual(invoices[a].docstatus, 1)
		self.assertEqual(sorted(i.kdf_member for i in invoices[a].items), sorted([m1.name, m2.name]))
		self.assertIn(f"Medlemskontingent {YEAR}: {m3.member_name}", invoices[b].items[0].description)
		self.assertEqual(create_dues_invoices(YEAR, submit=True), [])
		self.assertEqual(frappe.db.count("Sales Invoice", {"kdf_dues_year": YEAR, "docstatus": 1}), 2)
		# a new paying organisation later in the year is invoiced on the next run, nobody twice
		d = make_org()
		make_member(d)
		self.assertEqual(
			[frappe.db.get_value("Sales Invoice", n, "customer") for n in create_dues_invoices(YEAR)], [d]
		)

	def test_cancelled_invoice_can_be_recreated(self):
		org = make_org()
		make_member(org)
		(name,) = create_dues_invoices(YEAR + 1, submit=True)
		frappe.get_doc("Sales Invoice", name).cancel()
		self.assertEqual(len(create_dues_invoices(YEAR + 1)), 1)

	def test_dues_to_an_ehf_customer_carry_a_valid_ehf(self):
		from kdf_app.tests.test_invoicing import attached_xml, official_fatal

		use_test_settings(membership_fee=2500, org_number="958935420", bank_account="86011117947", use_kid=1)
		org = make_org(kdf_send_ehf=1, kdf_invoice_reference="RES-DUES")
		make_member(org)
		(name,) = create_dues_invoices(YEAR + 2, submit=True)
		self.assertEqual(frappe.db.get_value("Sales Invoice", name, "kdf_ehf_status"), "Klar")
		xml = attached_xml(name)
		self.assertIn(b"RES-DUES", xml)
		self.assertIn(f"Medlemskontingent {YEAR + 2}".encode(), xml)
		self.assertEqual(official_fatal(xml), [])

	def test_an_invoice_whose_ehf_would_fail_is_held_and_the_rest_go_out(self):
		bad = make_org(kdf_send_ehf=1, kdf_invoice_reference=None)
		good = make_org(kdf_send_ehf=1)
		make_member(bad), make_member(good)
		created = create_dues_invoices(YEAR + 3, submit=True)
		status = {
			frappe.db.get_value("Sales Invoice", n, "customer"): frappe.db.get_value(
				"Sales Invoice", n, ["docstatus", "kdf_ehf_status"]
			)
			for n in created
		}
		self.assertEqual(status[good], (1, "Klar"))
		self.assertEqual(status[bad], (0, "Feilet"))

	def test_missing_settings_are_named(self):
		use_test_settings(membership_fee=0)
		self.assertRaisesRegex(frappe.ValidationError, "Annual Dues per Member", create_dues_invoices, YEAR)

	def test_only_the_secretariat_may_run_the_batch(self):
		from kdf_app.api.members import create_dues_invoices as api

		frappe.set_user("Guest")
		try:
			self.assertRaises(frappe.PermissionError, api, YEAR)
		finally:
			frappe.set_user("Administrator")
