"""Joining KDF: the public application (/bli-medlem), duplicates, the secretariat's approval (Member, position
history, Contact, portal user, Norwegian welcome with a set-password link) and rejection with a reason."""

import random

import frappe
from frappe.core.doctype.user.user import _get_user_for_update_password
from frappe.utils import add_days, getdate, today

from kdf_app.api import membership as api
from kdf_app.kdf_members.core.membership import PRIVACY_NOTICE_VERSION
from kdf_app.kdf_members.services import membership as service
from kdf_app.tests.utils import (
	MembersCase,
	mails_about,
	mails_to,
	make_member,
	make_org,
	make_user,
	page,
	password_key,
	roles_of,
)

APP = "Membership Application"


class MembershipCase(MembersCase):
	def setUp(self):
		super().setUp()
		self.uid = frappe.generate_hash(length=6)
		self.mobile = f"+47 9{random.randint(0, 9999999):07d}"
		self.secretariat = make_user(["KDF Sekretariat"])

	def values(self, **changes) -> dict:
		values = {
			"first_name": "Siri",
			"last_name": f"Søker {self.uid}",
			"email": f"Siri.Soker-{self.uid}@Example.no ",
			"mobile": self.mobile,
			"title": "Kommunedirektør",
			"organisation": self.org,
			"start_date": add_days(today(), -30),
			"consent": 1,
		}
		values.update(changes)
		return values

	def apply_as_guest(self, **changes) -> str:
		frappe.set_user("Guest")
		try:
			api.apply(**self.values(**changes))
		finally:
			frappe.set_user("Administrator")
		return frappe.db.get_value(APP, {"email": self.values(**changes)["email"].strip().lower()}, "name")

	def refused(self, **changes) -> str:
		before = frappe.db.count(APP)
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.ValidationError) as ctx:
				api.apply(**self.values(**changes))
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count(APP), before, "nothing may be saved")
		return str(ctx.exception)


class TestApplying(MembershipCase):
	def test_a_guest_applies_and_the_application_is_tidied_with_its_consent(self):
		name = self.apply_as_guest()
		self.assertTrue(name)
		doc = frappe.get_doc(APP, name)
		self.assertEqual(doc.status, "Ny")
		self.assertEqual(doc.email, f"siri.soker-{self.uid}@example.no")
		self.assertEqual(doc.mobile, self.mobile.replace("+47 ", ""))
		self.assertEqual(doc.applicant_name, f"Siri Søker {self.uid}")
		self.assertEqual(doc.privacy_notice_version, PRIVACY_NOTICE_VERSION)
		self.assertIsNotNone(doc.consent_on)
		self.assertIsNone(doc.member)

	def test_an_organisation_not_on_the_official_list_is_refused(self):
		other = make_org(kind="Annen")
		message = self.refused(organisation=other)
		self.assertIn("organisation", message.lower())
		self.assertIn("list", message.lower())
		self.refused(organisation="Ikke en kommune")

	def test_no_consent_no_application(self):
		self.assertIn("privacy notice", self.refused(consent=0))

	def test_bad_email_mobile_title_and_date_are_refused(self):
		self.refused(email="ikke-en-adresse")
		self.refused(mobile="123")
		self.refused(title="Ordfører")
		self.refused(start_date="i fjor")
		self.refused(start_date=add_days(today(), 800))

	def answer_as_guest(self, **changes) -> dict:
		frappe.set_user("Guest")
		try:
			return api.apply(**self.values(**changes))
		finally:
			frappe.set_user("Administrator")

	def test_a_known_address_gets_the_same_answer_and_the_address_an_email(self):
		"""The page never tells a guest whose an address is: a member's, a user's or an open application's
		address gets the receipt any application gets, nothing is saved, and only the address learns why."""
		fresh = self.answer_as_guest()
		member = make_member(self.org)
		user = make_user([], user_type="Website User")
		applied = self.values()["email"].strip().lower()
		for address, wording in (
			(member.email, "allerede til et medlem"),
			(user, "allerede en bruker"),
			(applied, "allerede en søknad"),
		):
			before = frappe.db.count(APP)
			mails_before = len(mails_to(address.lower()))
			self.assertEqual(self.answer_as_guest(email=address.upper(), first_name="Annen"), fresh, address)
			self.assertEqual(frappe.db.count(APP), before, f"{address}: nothing may be saved")
			mails = mails_to(address.lower())
			self.assertEqual(len(mails), mails_before + 1, address)
			self.assertIn(wording, mails[-1]["body"])
			self.assertEqual(mails[-1]["to"], [address.lower()])
		self.assertEqual(frappe.db.count(APP, {"email": applied}), 1)

	def test_the_same_person_under_another_address_is_saved_and_approval_refused(self):
		"""The same name at the same organisation is not refused on the page (that would tell a guest who is a
		member there); approving it is refused with the reason, for the secretariat."""
		member = make_member(self.org)
		name = self.apply_as_guest(
			email=f"ny-{self.uid}@example.no", first_name=member.first_name, last_name=member.last_name
		)
		self.assertTrue(name)
		frappe.set_user(self.secretariat)
		with self.assertRaises(frappe.ValidationError) as ctx:
			frappe.get_doc(APP, name).approve()
		frappe.set_user("Administrator")
		self.assertIn("already a member", str(ctx.exception))
		self.assertEqual(frappe.db.get_value(APP, name, "status"), "Ny")

	def test_guests_cannot_read_or_write_applications_directly(self):
		name = self.apply_as_guest()
		frappe.set_user("Guest")
		self.assertFalse(frappe.has_permission(APP, "read"))
		self.assertFalse(frappe.has_permission(APP, "create"))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(APP, name).check_permission("read")
		frappe.set_user("Administrator")
		for roles in (["KDF Medlem"], ["KDF Saksbehandler"], ["Accounts User"], ["KDF Mentor"]):
			frappe.set_user(make_user(roles))
			self.assertFalse(frappe.has_permission(APP, "read"), roles)
			frappe.set_user("Administrator")
		frappe.set_user(self.secretariat)
		self.assertTrue(frappe.has_permission(APP, "read"))
		self.assertFalse(frappe.has_permission(APP, "create"), "made only through /bli-medlem")

	def test_the_public_page_offers_only_the_official_list(self):
		other = make_org(name=f"Privat Firma {self.uid}", kind="Annen")
		status, html = page("bli-medlem", "Guest")
		self.assertEqual(status, 200, html[-3000:])
		frappe.set_user("Guest")
		orgs = api.organisations()
		frappe.set_user("Administrator")
		self.assertIn(frappe.db.get_value("Customer", self.org, "customer_name"), html)
		self.assertNotIn(other, html)
		self.assertIn("/personvern", html)
		names = {o["name"] for o in orgs}
		self.assertIn(self.org, names)
		self.assertNotIn(other, names)
		self.assertEqual(set(orgs[0]), {"name", "label", "kind", "org_number"})


class TestDeciding(MembershipCase):
	def test_approval_makes_member_history_contact_user_and_a_norwegian_welcome(self):
		name = self.apply_as_guest()
		frappe.set_user(self.secretariat)
		result = frappe.get_doc(APP, name).approve()
		frappe.set_user("Administrator")
		doc = frappe.get_doc(APP, name)
		self.assertEqual(doc.status, "Godkjent")
		self.assertEqual(doc.member, result["member"])
		self.assertEqual(doc.decided_by, self.secretariat)
		member = frappe.get_doc("Member", result["member"])
		self.assertEqual(member.membership_status, "Aktiv")
		self.assertEqual(member.email, f"siri.soker-{self.uid}@example.no")
		self.assertEqual(member.organisation, self.org)
		self.assertEqual(len(member.positions), 1)
		self.assertEqual(getdate(member.positions[0].from_date), getdate(add_days(today(), -30)))
		self.assertEqual(member.positions[0].title, "Kommunedirektør")
		self.assertTrue(member.contact)
		links = frappe.get_all(
			"Dynamic Link", {"parent": member.contact, "link_doctype": "Customer"}, pluck="link_name"
		)
		self.assertEqual(links, [self.org])
		self.assertEqual(member.user, member.email)
		self.assertEqual(roles_of(member.user) & {"KDF Medlem", "System Manager"}, {"KDF Medlem"})
		mails = mails_about("Member", member.name)
		self.assertEqual(len(mails), 1)
		self.assertEqual(mails[0]["to"], [member.email])
		self.assertIn("Velkommen som medlem", mails[0]["subject"])
		self.assertIn("Søknaden din er godkjent", mails[0]["body"])
		# the link in the welcome sets the password
		self.assertEqual(
			_get_user_for_update_password(password_key(mails[0]["body"]), None)["user"], member.user
		)
		# the member's own data export holds the application with its consent
		from kdf_app.api.privacy import my_data

		frappe.set_user(member.user)
		data = my_data()
		frappe.set_user("Administrator")
		(application,) = data["membership_applications"]
		self.assertEqual(application["name"], name)
		self.assertEqual(application["privacy_notice_version"], PRIVACY_NOTICE_VERSION)
		self.assertTrue(application["consent_on"])

	def test_a_decided_application_cannot_be_decided_again(self):
		name = self.apply_as_guest()
		frappe.set_user(self.secretariat)
		frappe.get_doc(APP, name).approve()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(APP, name).approve()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(APP, name).reject("For sent")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count("Member", {"email": f"siri.soker-{self.uid}@example.no"}), 1)

	def test_approval_that_would_duplicate_a_member_changes_nothing(self):
		name = self.apply_as_guest()
		# meanwhile the secretariat registered the same person by hand
		make_member(self.org, email=f"siri.soker-{self.uid}@example.no")
		frappe.set_user(self.secretariat)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(APP, name).approve()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(APP, name, "status"), "Ny")

	def test_only_the_secretariat_decides(self):
		name = self.apply_as_guest()
		for user in (make_user(["KDF Medlem"], user_type="Website User"), make_user(["Accounts User"])):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				service.approve(name)
			with self.assertRaises(frappe.PermissionError):
				service.reject(name, "Nei")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(APP, name, "status"), "Ny")

	def test_a_generic_write_cannot_decide(self):
		name = self.apply_as_guest()
		frappe.set_user(self.secretariat)
		doc = frappe.get_doc(APP, name)
		doc.status = "Godkjent"
		doc.email = "noen-andre@example.no"
		frappe.flags.in_import = True  # a generic write, as Data Import or /api/resource is
		try:
			doc.save()
		finally:
			frappe.flags.in_import = False
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value(APP, name, ["status", "email"]), ("Ny", f"siri.soker-{self.uid}@example.no")
		)

	def test_rejection_needs_a_reason_and_emails_it(self):
		name = self.apply_as_guest()
		frappe.set_user(self.secretariat)
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(APP, name).reject("  ")
		frappe.get_doc(APP, name).reject("Du er ikke kommunedirektør i denne kommunen.")
		frappe.set_user("Administrator")
		doc = frappe.get_doc(APP, name)
		self.assertEqual(doc.status, "Avvist")
		self.assertEqual(doc.reject_reason, "Du er ikke kommunedirektør i denne kommunen.")
		self.assertIsNone(doc.member)
		mails = mails_about(APP, name)
		self.assertEqual(len(mails), 1)
		self.assertEqual(mails[0]["to"], [doc.email])
		self.assertIn("ikke kommunedirektør i denne kommunen", mails[0]["body"])
		self.assertIn("medlemskap", mails[0]["subject"])
		# after a rejection the person may apply again
		self.assertTrue(self.apply_as_guest(first_name="Siri"))
