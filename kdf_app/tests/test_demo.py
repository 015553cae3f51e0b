import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.demo.load import load


class TestDemo(FrappeTestCase):
	def test_demo_loads_the_2023_programme_and_is_idempotent(self):
		first = load()
		session = frappe.get_doc("Topplederprogram Session", first["session_2023"])
		self.assertEqual(str(session.starts_on), "2023-09-06 10:00:00")
		self.assertEqual(str(session.registration_deadline), "2023-08-21 23:59:00")
		self.assertEqual(
			(
				session.capacity,
				session.participant_fee,
				session.extra_night_price,
				session.combination_discount,
				session.ou_approved,
			),
			(35, 6000, 2200, 300, 1),
		)
		self.assertEqual(
			{r.stay_package: r.price for r in session.stay_packages},
			{"Oppholdspakke med overnatting": 4000, "Oppholdspakke uten overnatting": 1900},
		)
		self.assertEqual(len(session.agenda), 9)
		self.assertEqual(
			frappe.db.get_value("Topplederprogram Session", session.linked_session, "kind"),
			"Topplederkonferanse",
		)
		totals = sorted(frappe.get_all("Registration", {"session": session.name}, pluck="total"))
		# 6000 fee; 4000/1900 packages; 2200 extra night; −300 with the conference
		self.assertEqual(totals, [6000, 7600, 7900, 9700, 10000, 10000, 11900, 12200])
		self.assertEqual(session.status, "Gjennomført")
		self.assertEqual(session.confirmed_count, 8)
		self.assertGreaterEqual(frappe.db.count("Customer", {"customer_group": "Kommune"}), 357)
		self.assertGreaterEqual(
			frappe.db.count("Member", {"email": ("like", "%@demo.kommunedirektor.no")}), 40
		)
		# made-up members on top of the hand-written ones: 94 % of the official organisations have one
		from kdf_app.demo.load import _official_organisations, _org_index

		index = _org_index()
		official = {index[o] for o in _official_organisations()}
		with_member = set(
			frappe.get_all("Member", {"membership_status": "Aktiv"}, pluck="organisation", distinct=True)
		)
		self.assertGreaterEqual(len(official & with_member), round(0.94 * len(official)))
		# the next session: open, published, on a Wednesday ahead, twelve demo members with a seat
		upcoming = frappe.get_doc("Topplederprogram Session", first["upcoming_session"])
		self.assertEqual((upcoming.status, upcoming.published), ("Åpen for påmelding", 1))
		self.assertGreater(upcoming.registration_deadline, frappe.utils.now_datetime())
		self.assertLess(upcoming.registration_deadline, upcoming.starts_on)
		self.assertEqual(upcoming.starts_on.weekday(), 2)
		self.assertEqual(
			frappe.db.count("Registration", {"session": upcoming.name, "status": "Bekreftet"}), 12
		)
		self.assertEqual((upcoming.confirmed_count, upcoming.free_seats), (12, upcoming.capacity - 12))
		again = load()
		self.assertEqual(
			(
				again["organisations_created"],
				again["members_created"],
				again["session_2023"],
				again["upcoming_session"],
			),
			(0, 0, session.name, upcoming.name),
		)
		# KDF invoices in NOK whatever company the site had (ERPNext's test setup makes one in USD)
		company = frappe.db.get_single_value("KDF Settings", "company")
		self.assertEqual(frappe.db.get_value("Company", company, "default_currency"), "NOK")
		# KDF Settings and the organisations carry what invoicing, EHF and dues need; nothing is redone
		self.assertEqual((again["kdf_settings"], again["invoice_references_added"]), ("already filled in", 0))
		self.assertFalse(
			frappe.db.exists(
				"Customer", {"kdf_area_number": ("is", "set"), "kdf_invoice_reference": ("is", "not set")}
			)
		)
