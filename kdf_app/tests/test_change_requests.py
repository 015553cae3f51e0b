"""A member's own profile on the portal: mobile, e-mail (the login follows) and title directly; a new position
or leaving as a change request the secretariat confirms into the position history, or rejects."""

import random

import frappe
from frappe.utils import add_days, getdate, today

from kdf_app.api import membership as api
from kdf_app.tests.utils import (
	MembersCase,
	make_member,
	make_org,
	make_user,
	page,
)

CR = "Member Change Request"


class ProfileCase(MembersCase):
	def setUp(self):
		super().setUp()
		self.new_org = make_org()
		self.kari = make_member(self.org, position_start=add_days(today(), -200))
		self.kari_user = self.kari.create_portal_user()
		self.ola = make_member(self.org)
		self.ola_user = self.ola.create_portal_user()
		self.secretariat = make_user(["KDF Sekretariat"])


class TestProfile(ProfileCase):
	def test_member_updates_mobile_and_title(self):
		mobile = f"4{random.randint(0, 9999999):07d}"
		self.as_user(
			self.kari_user, api.update_profile, mobile=f"+47 {mobile}", email=self.kari.email, title="Rådmann"
		)
		kari = frappe.get_doc("Member", self.kari.name)
		self.assertEqual(kari.mobile, mobile)
		self.assertEqual(kari.title, "Rådmann")
		# the Contact follows
		self.assertIn(mobile, frappe.get_all("Contact Phone", {"parent": kari.contact}, pluck="phone"))

	def test_a_new_email_moves_the_login(self):
		new = f"kari-ny-{frappe.generate_hash(length=6)}@example.no"
		result = self.as_user(
			self.kari_user, api.update_profile, mobile="", email=new.upper(), title=self.kari.title
		)
		self.assertTrue(result["email_changed"])
		self.assertTrue(result["login_moved"])
		self.assertEqual(frappe.db.get_value("Member", self.kari.name, ["email", "user"]), (new, new))
		self.assertTrue(frappe.db.exists("User", new))
		self.assertFalse(frappe.db.exists("User", self.kari_user))

	def test_an_email_in_use_or_bad_input_is_refused_and_nothing_changes(self):
		before = frappe.db.get_value("Member", self.kari.name, ["email", "mobile", "title"])
		for args in (
			{"email": self.ola.email, "title": "Kommunedirektør"},
			{"email": "ikke-en-adresse", "title": "Kommunedirektør"},
			{"email": self.kari.email, "title": "Ordfører"},
			{"email": self.kari.email, "title": "Kommunedirektør", "mobile": "12"},
		):
			with self.assertRaises(frappe.ValidationError):
				self.as_user(self.kari_user, api.update_profile, **args)
		self.assertEqual(frappe.db.get_value("Member", self.kari.name, ["email", "mobile", "title"]), before)

	def test_a_member_with_a_mobile_changes_it_and_the_contact_has_one_primary(self):
		first, second = (f"4{random.randint(0, 9999999):07d}" for _ in range(2))
		for mobile in (first, second):
			self.as_user(
				self.kari_user,
				api.update_profile,
				mobile=mobile,
				email=self.kari.email,
				title=self.kari.title,
			)
		kari = frappe.get_doc("Member", self.kari.name)
		self.assertEqual(kari.mobile, second)
		primary = frappe.get_all(
			"Contact Phone", {"parent": kari.contact, "is_primary_mobile_no": 1}, pluck="phone"
		)
		self.assertEqual(primary, [second])

	def test_a_member_with_a_mobile_changes_email_and_logs_in_with_the_same_password(self):
		from frappe.utils.password import check_password, update_password

		mobile = f"4{random.randint(0, 9999999):07d}"
		self.as_user(
			self.kari_user, api.update_profile, mobile=mobile, email=self.kari.email, title=self.kari.title
		)
		update_password(self.kari_user, "Kdf-profil-2026!")
		new = f"kari-mobil-{frappe.generate_hash(length=6)}@example.no"
		result = self.as_user(
			self.kari_user, api.update_profile, mobile=mobile, email=new, title=self.kari.title
		)
		self.assertTrue(result["login_moved"])
		self.assertEqual(check_password(new, "Kdf-profil-2026!"), new)
		contact = frappe.db.get_value("Member", self.kari.name, "contact")
		self.assertIn(
			new, frappe.get_all("Contact Email", {"parent": contact, "is_primary": 1}, pluck="email_id")
		)

	def test_if_any_part_fails_nothing_changes(self):
		from unittest.mock import patch

		before = frappe.db.get_value("Member", self.kari.name, ["email", "user", "mobile"])
		new = f"kari-feil-{frappe.generate_hash(length=6)}@example.no"

		def broken(member):
			frappe.throw("Kontakten kunne ikke lagres")

		with patch("kdf_app.kdf_members.services.members.sync_contact", broken):
			with self.assertRaises(frappe.ValidationError) as caught:
				self.as_user(self.kari_user, api.update_profile, mobile="", email=new, title=self.kari.title)
		self.assertIn("nothing was changed", str(caught.exception))
		self.assertEqual(frappe.db.get_value("Member", self.kari.name, ["email", "user", "mobile"]), before)
		self.assertTrue(frappe.db.exists("User", self.kari_user))
		self.assertFalse(frappe.db.exists("User", new))

	def test_an_address_of_an_open_application_or_another_contact_is_refused(self):
		applicant = f"soker-{frappe.generate_hash(length=6)}@example.no"
		frappe.get_doc(
			{
				"doctype": "Membership Application",
				"name": f"test-soknad-{frappe.generate_hash(length=8)}",
				"first_name": "Søker",
				"last_name": "Test",
				"email": applicant,
				"organisation": self.org,
				"title": "Kommunedirektør",
				"status": "Ny",
			}
		).db_insert()
		stranger = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Fremmed",
				"email_ids": [
					{"email_id": f"fremmed-{frappe.generate_hash(length=6)}@example.no", "is_primary": 1}
				],
			}
		).insert(ignore_permissions=True)
		for address in (applicant, stranger.email_ids[0].email_id):
			with self.assertRaises(frappe.ValidationError, msg=address):
				self.as_user(
					self.kari_user, api.update_profile, mobile="", email=address, title=self.kari.title
				)
		self.assertEqual(frappe.db.get_value("Member", self.kari.name, "email"), self.kari.email)

	def test_only_a_member_has_a_profile_to_change(self):
		with self.assertRaises(frappe.PermissionError):
			self.as_user("Guest", api.update_profile, email="x@example.no", title="Rådmann")
		with self.assertRaises(frappe.PermissionError):
			self.as_user(
				make_user([], user_type="Website User"),
				api.update_profile,
				email="x@example.no",
				title="Rådmann",
			)


class TestChangeRequests(ProfileCase):
	def report(self, user=None, **values):
		values.setdefault("kind", "Ny stilling")
		return self.as_user(user or self.kari_user, api.request_change, **values)["name"]

	def test_new_position_confirmed_into_the_history(self):
		start = add_days(today(), 10)
		name = self.report(
			organisation=self.new_org, title="Fylkeskommunedirektør", start_date=start, reason="Ny stilling"
		)
		self.assertEqual(frappe.db.get_value(CR, name, ["status", "user"]), ("Ny", self.kari_user))
		# nothing changes before the secretariat confirms
		self.assertEqual(len(frappe.get_doc("Member", self.kari.name).positions), 1)
		self.as_user(self.secretariat, frappe.get_doc(CR, name).confirm)
		kari = frappe.get_doc("Member", self.kari.name)
		# the new position starts in 10 days: until then the current one holds (kdf_app.tests.test_member_data)
		self.assertEqual((kari.organisation, kari.title), (self.org, "Kommunedirektør"))
		rows = sorted(kari.positions, key=lambda r: r.from_date)
		self.assertEqual(len(rows), 2)
		self.assertEqual(getdate(rows[0].to_date), getdate(add_days(start, -1)))
		self.assertEqual(rows[0].reason, "Ny stilling")
		self.assertEqual((rows[1].organisation, getdate(rows[1].from_date)), (self.new_org, getdate(start)))
		self.assertEqual(
			frappe.db.get_value(CR, name, ["status", "decided_by"]), ("Bekreftet", self.secretariat)
		)

	def test_leaving_closes_the_current_position_with_the_reason(self):
		last_day = add_days(today(), 30)
		name = self.report(kind="Slutter", start_date=last_day, reason="Pensjon")
		self.as_user(self.secretariat, frappe.get_doc(CR, name).confirm)
		kari = frappe.get_doc("Member", self.kari.name)
		self.assertEqual(len(kari.positions), 1)
		self.assertEqual(getdate(kari.positions[0].to_date), getdate(last_day))
		self.assertEqual(kari.positions[0].reason, "Pensjon")
		self.assertEqual(kari.organisation, self.org, "until the last day has passed")
		self.assertEqual(kari.membership_status, "Aktiv", "the membership status is the secretariat's to set")

	def test_a_start_before_the_current_position_is_refused_with_a_clear_message(self):
		before = add_days(today(), -300)
		with self.assertRaises(frappe.ValidationError) as ctx:
			self.report(organisation=self.new_org, title="Kommunedirektør", start_date=before)
		self.assertIn("must start after your current one", str(ctx.exception))
		with self.assertRaises(frappe.ValidationError):
			self.report(kind="Slutter", start_date=before, reason="Pensjon")
		self.assertFalse(frappe.db.exists(CR, {"member": self.kari.name}))

	def test_an_organisation_not_on_the_list_and_a_second_open_request_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			self.report(
				organisation=make_org(kind="Annen"), title="Kommunedirektør", start_date=add_days(today(), 5)
			)
		self.report(organisation=self.new_org, title="Kommunedirektør", start_date=add_days(today(), 5))
		with self.assertRaises(frappe.ValidationError) as ctx:
			self.report(kind="Slutter", start_date=add_days(today(), 5), reason="Pensjon")
		self.assertIn("already have a change waiting", str(ctx.exception))
		self.assertEqual(frappe.db.count(CR, {"member": self.kari.name}), 1)

	def test_rejection_keeps_the_history_and_the_member_sees_why(self):
		name = self.report(
			organisation=self.new_org, title="Kommunedirektør", start_date=add_days(today(), 5)
		)
		with self.assertRaises(frappe.ValidationError):
			self.as_user(self.secretariat, frappe.get_doc(CR, name).reject, " ")
		self.as_user(self.secretariat, frappe.get_doc(CR, name).reject, "Feil kommune, ring oss.")
		self.assertEqual(frappe.db.get_value("Member", self.kari.name, "organisation"), self.org)
		mine = self.as_user(self.kari_user, api.my_change_requests)
		self.assertEqual(
			[(c["status"], c["reject_reason"]) for c in mine], [("Avvist", "Feil kommune, ring oss.")]
		)
		status, html = page("min-profil", self.kari_user)
		self.assertEqual(status, 200)
		self.assertIn("Feil kommune, ring oss.", html)
		with self.assertRaises(frappe.ValidationError):
			self.as_user(self.secretariat, frappe.get_doc(CR, name).confirm)

	def test_members_read_only_their_own_requests_and_only_the_secretariat_decides(self):
		name = self.report(
			organisation=self.new_org, title="Kommunedirektør", start_date=add_days(today(), 5)
		)
		frappe.set_user(self.kari_user)
		self.assertTrue(frappe.has_permission(CR, "read", doc=name))
		self.assertEqual(frappe.get_list(CR, pluck="name"), [name])
		frappe.set_user(self.ola_user)
		self.assertFalse(frappe.has_permission(CR, "read", doc=name))
		self.assertEqual(frappe.get_list(CR, pluck="name"), [])
		self.assertEqual(api.my_change_requests(), [])
		frappe.set_user(self.kari_user)
		self.assertFalse(frappe.has_permission(CR, "write", doc=name))
		from kdf_app.kdf_members.services import membership as service

		with self.assertRaises(frappe.PermissionError):
			service.confirm_change(name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(CR, name, "status"), "Ny")
