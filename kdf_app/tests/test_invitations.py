"""Portal invitations: single, bulk, resend, who may send them, and that they never give more than KDF Medlem."""

from unittest.mock import patch

import frappe
from frappe.core.doctype.user.user import _get_user_for_update_password
from frappe.tests.utils import FrappeTestCase

from kdf_app.tests.utils import (
	mails_about,
	make_member,
	make_test_email_account,
	make_user,
	password_key,
	roles_of,
)

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]


class TestInvitations(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_email_account()
		cls.secretariat = make_user(["KDF Sekretariat"])
		cls.accountant = make_user(["Accounts User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def invite_as_secretariat(self, member):
		from kdf_app.api.members import invite_member

		frappe.set_user(self.secretariat)
		try:
			return invite_member(member)
		finally:
			frappe.set_user("Administrator")

	def test_single_invitation_makes_a_member_login_and_mails_a_week_long_link(self):
		m = make_member()
		result = self.invite_as_secretariat(m.name)
		m.reload()
		self.assertEqual(m.user, m.email)
		self.assertEqual(result["user"], m.email)
		self.assertTrue(m.invitation_sent_on)
		self.assertFalse(m.last_portal_login)
		user = frappe.get_doc("User", m.user)
		self.assertEqual(user.user_type, "Website User")
		self.assertEqual(user.language, "no")
		# only our role: not ERPNext's Customer, although the member's Contact is linked to their organisation
		self.assertEqual(roles_of(m.user), {"KDF Medlem"})
		self.assertEqual(frappe.db.get_value("Contact", m.contact, "user"), m.user)

		mails = mails_about("Member", m.name)
		self.assertEqual(len(mails), 1)
		self.assertEqual(mails[0]["to"], [m.email])
		self.assertIn("Invitasjon til medlemssidene", mails[0]["subject"])
		self.assertIn("Velg passord og logg inn", mails[0]["body"])
		self.assertIn("gyldig i 7 dager", mails[0]["body"])
		self.assertEqual(
			int(frappe.db.get_single_value("System Settings", "reset_password_link_expiry_duration")),
			7 * 86400,
		)
		# the link is Frappe's set-password key for this user
		res = _get_user_for_update_password(password_key(mails[0]["body"]), None)
		self.assertEqual((res.user, res.get("message")), (m.user, None))

	def test_resend_gives_a_new_link_and_the_old_one_stops_working(self):
		m = make_member()
		self.invite_as_secretariat(m.name)
		self.invite_as_secretariat(m.name)
		m.reload()
		mails = mails_about("Member", m.name)
		self.assertEqual(len(mails), 2)
		old, new = password_key(mails[0]["body"]), password_key(mails[1]["body"])
		self.assertNotEqual(old, new)
		self.assertTrue(_get_user_for_update_password(old, None).get("message"))
		self.assertEqual(_get_user_for_update_password(new, None).user, m.user)
		self.assertEqual(frappe.db.count("User", {"name": m.email}), 1)

	def test_bulk_invites_active_members_without_login_and_reports_failures(self):
		from kdf_app.kdf_members.services.invitations import invite_all, invite_many, pending, record_login

		fresh, fresh2 = make_member(), make_member()
		resigned = make_member(membership_status="Utmeldt")
		logged_in = make_member()
		self.invite_as_secretariat(logged_in.name)
		record_login(frappe._dict(user=logged_in.reload().user))
		self.assertTrue(frappe.db.get_value("Member", logged_in.name, "last_portal_login"))
		# a desk user already has this e-mail: that member is reported, the others still get theirs
		clash = make_member()
		desk_user = make_user(["Accounts User"], email=clash.email)
		desk_roles = roles_of(desk_user)

		todo = pending()
		for m in (fresh, fresh2, clash):
			self.assertIn(m.name, todo)
		for m in (resigned, logged_in):
			self.assertNotIn(m.name, todo)

		frappe.set_user(self.secretariat)
		with patch(
			"kdf_app.kdf_members.services.invitations.pending",
			return_value=[fresh.name, fresh2.name, clash.name],
		):
			result = invite_all()
		frappe.set_user("Administrator")
		self.assertEqual(result["queued"], 0)
		self.assertEqual(sorted(result["sent"]), sorted([fresh.name, fresh2.name]))
		self.assertEqual([f["member"] for f in result["failed"]], [clash.name])
		self.assertIn("more access than a member", result["failed"][0]["reason"])
		self.assertEqual(roles_of(desk_user), desk_roles)  # untouched
		self.assertNotIn("KDF Medlem", desk_roles)
		self.assertFalse(mails_about("Member", clash.name))
		for m in (fresh, fresh2):
			self.assertEqual(len(mails_about("Member", m.name)), 1)
		# invited now: not pending again unless asked to include those invited earlier
		self.assertNotIn(fresh.name, pending())
		self.assertIn(fresh.name, pending(include_invited=True))
		self.assertNotIn(logged_in.name, pending(include_invited=True))
		# many: a background job, not a request that times out
		frappe.set_user(self.secretariat)
		with (
			patch("kdf_app.kdf_members.services.invitations.pending", return_value=[fresh.name] * 30),
			patch("frappe.enqueue") as enqueue,
		):
			result = invite_all(include_invited=True)
		self.assertEqual(result["queued"], 30)
		self.assertEqual(enqueue.call_args.kwargs["members"], [fresh.name] * 30)
		frappe.set_user("Administrator")
		self.assertEqual(invite_many([]), {"sent": [], "failed": []})

	def test_no_role_escalation(self):
		from kdf_app.kdf_members.services.invitations import invite

		# a System User with the member's e-mail: refused, nothing given, nothing sent
		m = make_member()
		admin_like = make_user(["System Manager"], email=m.email)
		frappe.set_user(self.secretariat)
		with self.assertRaisesRegex(frappe.ValidationError, "more access than a member"):
			invite(m.name)
		frappe.set_user("Administrator")
		self.assertEqual(roles_of(admin_like), {"System Manager"})
		self.assertFalse(frappe.db.get_value("User", admin_like, "reset_password_key"))
		self.assertFalse(mails_about("Member", m.name))
		# a portal user of someone else linked to the member (e-mails differ): the link never goes astray
		other = make_member()
		self.invite_as_secretariat(other.name)
		m2 = make_member()
		frappe.db.set_value("Member", m2.name, "user", other.email)
		frappe.set_user(self.secretariat)
		with self.assertRaisesRegex(frappe.ValidationError, "another e-mail"):
			invite(m2.name)
		frappe.set_user("Administrator")
		# a Website User with a role other than ours is not taken over either
		m3 = make_member()
		make_user(["Accounts User"], user_type="Website User", email=m3.email)
		frappe.set_user(self.secretariat)
		with self.assertRaisesRegex(frappe.ValidationError, "more access than a member"):
			invite(m3.name)
		# and the secretariat has no write access to a member's User itself (only to its own profile)
		member_user = frappe.get_doc("User", other.reload().user)
		self.assertFalse(frappe.has_permission("User", "write", doc=member_user, user=self.secretariat))
		self.assertFalse(frappe.has_permission("User", "create", user=self.secretariat))

	def test_refused_for_anyone_but_the_secretariat(self):
		from kdf_app.api.members import invite_member, invite_members

		m = make_member()
		self.invite_as_secretariat(m.name)
		for user in (self.accountant, m.reload().user, "Guest"):
			frappe.set_user(user)
			self.assertRaises(frappe.PermissionError, invite_member, m.name)
			self.assertRaises(frappe.PermissionError, invite_members)
			frappe.set_user("Administrator")
		self.assertEqual(len(mails_about("Member", m.name)), 1)

	def test_inactive_member_is_not_invited(self):
		m = make_member(membership_status="Avsluttet")
		frappe.set_user(self.secretariat)
		from kdf_app.kdf_members.services.invitations import invite

		with self.assertRaisesRegex(frappe.ValidationError, "Only active members"):
			invite(m.name)

	def test_customer_role_never_reaches_a_member_and_is_stripped_on_save(self):
		m = make_member()
		self.invite_as_secretariat(m.name)
		user = frappe.get_doc("User", m.reload().user)
		user.first_name = "Endret"
		user.save(ignore_permissions=True)
		self.assertNotIn("Customer", roles_of(user.name))
		# left by an earlier version: taken away on the next save
		user.append("roles", {"role": "Customer"})
		user.save(ignore_permissions=True)
		self.assertNotIn("Customer", roles_of(user.name))
		# an ordinary customer portal user keeps what ERPNext gives
		plain = frappe.get_doc("User", make_user(["Customer"], user_type="Website User"))
		plain.save(ignore_permissions=True)
		self.assertIn("Customer", roles_of(plain.name))

	def test_login_is_recorded_on_the_member(self):
		from kdf_app.kdf_members.services.invitations import record_login

		m = make_member()
		self.invite_as_secretariat(m.name)
		record_login(frappe._dict(user=m.reload().user))
		self.assertTrue(m.reload().last_portal_login)
		record_login(frappe._dict(user=self.accountant))  # not a member: nothing to record, no error

	def test_changed_email_moves_the_portal_login(self):
		m = make_member()
		self.invite_as_secretariat(m.name)
		new = f"ny-{frappe.generate_hash(length=8)}@example.no"
		m.reload()
		m.email = new
		m.save()
		self.assertEqual(m.reload().user, new)
		self.assertTrue(frappe.db.exists("User", new))
		self.assertEqual(frappe.db.get_value("User", new, "email"), new)
		self.assertEqual(roles_of(new), {"KDF Medlem"})
		# the new address is taken by someone else: the login stays, and the secretariat is told why
		taken = make_user(["Accounts User"])
		frappe.clear_messages()
		m.email = taken
		m.save()
		self.assertEqual(m.reload().user, new)
		self.assertIn("still", " ".join(str(x) for x in frappe.get_message_log()))
