import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from kdf_app.tests.utils import make_member, make_org


class TestMember(FrappeTestCase):
	def test_new_member_gets_name_first_position_and_contact(self):
		org = make_org()
		m = make_member(org, position_start="2022-02-01", mobile="+4791234567")
		self.assertEqual(m.member_name, f"Test {m.last_name}")
		self.assertEqual(m.membership_status, "Aktiv")
		self.assertEqual(len(m.positions), 1)
		row = m.positions[0]
		self.assertEqual(
			(row.organisation, row.title, str(row.from_date), row.to_date),
			(org, "Kommunedirektør", "2022-02-01", None),
		)
		contact = frappe.get_doc("Contact", m.contact)
		self.assertEqual(contact.email_id, m.email)
		self.assertEqual(contact.designation, "Kommunedirektør")
		self.assertEqual([(l.link_doctype, l.link_name) for l in contact.links], [("Customer", org)])

	def test_moving_closes_the_old_row_and_opens_a_new_one(self):
		old, new = make_org(), make_org()
		m = make_member(old, position_start="2019-08-01")
		m.change_position(new, "Fylkeskommunedirektør", "2024-03-01", "Konflikt")
		m.reload()
		self.assertEqual(m.organisation, new)
		self.assertEqual(m.membership_status, "Aktiv")
		rows = [
			(r.organisation, r.title, str(r.from_date), r.to_date and str(r.to_date), r.reason)
			for r in m.positions
		]
		self.assertEqual(
			rows,
			[
				(old, "Kommunedirektør", "2019-08-01", "2024-02-29", "Konflikt"),
				(new, "Fylkeskommunedirektør", "2024-03-01", None, None),
			],
		)
		self.assertEqual([l.link_name for l in frappe.get_doc("Contact", m.contact).links], [new])

	def test_editing_organisation_in_the_form_also_moves(self):
		m = make_member(make_org(), position_start=add_days(today(), -400))
		m.organisation = make_org()
		m.position_start = today()
		m.save()
		self.assertEqual(len(m.positions), 2)
		self.assertEqual(getdate(m.positions[0].to_date), getdate(add_days(today(), -1)))
		self.assertEqual(m.positions[0].reason, "Ny stilling")

	def test_overlapping_history_is_refused_and_nothing_saved(self):
		m = make_member(make_org(), position_start="2020-01-01")
		m.append(
			"positions",
			{
				"organisation": make_org(),
				"title": "Rådmann",
				"from_date": "2015-01-01",
				"to_date": "2020-06-30",
				"reason": "Pensjon",
			},
		)
		self.assertRaisesRegex(frappe.ValidationError, "overlap", m.save)
		self.assertEqual(frappe.db.count("Member Position", {"parent": m.name}), 1)

	def test_bad_email_and_duplicate_email_are_refused(self):
		org = make_org()
		with self.assertRaises(frappe.InvalidEmailAddressError):
			make_member(org, email="not-an-address")
		m = make_member(org)
		with self.assertRaises(frappe.UniqueValidationError):
			make_member(org, email=m.email)

	def test_portal_user_sees_only_their_own_member_record(self):
		org = make_org()
		me, other = make_member(org), make_member(org)
		user = me.create_portal_user()
		self.assertIn("KDF Medlem", frappe.get_roles(user))
		self.assertEqual(frappe.db.get_value("User", user, "user_type"), "Website User")
		frappe.set_user(user)
		try:
			self.assertEqual(frappe.get_list("Member", pluck="name"), [me.name])
			self.assertTrue(frappe.has_permission("Member", "read", me.name))
			self.assertFalse(frappe.has_permission("Member", "read", other.name))
			self.assertFalse(frappe.has_permission("Member", "write", me.name))
		finally:
			frappe.set_user("Administrator")

	def test_position_errors_are_translated(self):
		m = make_member(make_org(), position_start="2020-01-01")
		m.append("positions", {"organisation": make_org(), "title": "Rådmann", "from_date": "2019-01-01"})
		frappe.local.lang = "no"
		try:
			self.assertRaisesRegex(frappe.ValidationError, "Bare én stilling kan være gjeldende", m.save)
		finally:
			frappe.local.lang = "en"
