import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.kdf_members.core.newsletter import GROUP
from kdf_app.kdf_members.services.newsletter import sync_all
from kdf_app.tests.utils import make_member


def row(email: str):
	return frappe.db.get_value(
		"Email Group Member", {"email_group": GROUP, "email": email}, ["name", "unsubscribed"], as_dict=True
	)


class TestNewsletterGroup(FrappeTestCase):
	def test_group_exists_after_install(self):
		self.assertTrue(frappe.db.exists("Email Group", GROUP))

	def test_active_member_joins_and_leaver_goes(self):
		member = make_member()
		self.assertTrue(row(member.email))
		member.membership_status = "Utmeldt"
		member.save()
		self.assertIsNone(row(member.email))
		member.membership_status = "Aktiv"
		member.save()
		self.assertTrue(row(member.email))

	def test_inactive_member_is_not_added(self):
		member = make_member(membership_status="Avsluttet")
		self.assertIsNone(row(member.email))

	def test_changed_email_is_updated(self):
		member = make_member()
		old = member.email
		member.email = f"ny-{frappe.generate_hash(length=6)}@example.no"
		member.save()
		self.assertIsNone(row(old))
		self.assertTrue(row(member.email))
		self.assertEqual(frappe.db.count("Email Group Member", {"email_group": GROUP, "email": old}), 0)

	def test_unsubscribed_member_is_not_resubscribed(self):
		from frappe.email.doctype.newsletter.newsletter import confirmed_unsubscribe

		member = make_member()
		confirmed_unsubscribe(member.email, GROUP)  # Frappe's newsletter unsubscribe link
		self.assertEqual(row(member.email).unsubscribed, 1)
		member.mobile = "+47 99 99 99 99"
		member.save()
		sync_all()
		self.assertEqual(row(member.email).unsubscribed, 1)
		# leaving keeps the opt-out; coming back does not subscribe them again
		member.membership_status = "Utmeldt"
		member.save()
		member.membership_status = "Aktiv"
		member.save()
		self.assertEqual(row(member.email).unsubscribed, 1)
		# a new address keeps the opt-out too
		member.email = f"ny-{frappe.generate_hash(length=6)}@example.no"
		member.save()
		self.assertEqual(row(member.email).unsubscribed, 1)

	def test_global_email_unsubscribe_is_respected(self):
		email = f"borte-{frappe.generate_hash(length=6)}@example.no"
		frappe.get_doc({"doctype": "Email Unsubscribe", "email": email, "global_unsubscribe": 1}).insert(
			ignore_permissions=True
		)
		make_member(email=email)
		self.assertIsNone(row(email))

	def test_sync_all_fills_the_group_for_existing_members(self):
		member = make_member()
		frappe.db.delete("Email Group Member", {"email_group": GROUP, "email": member.email})
		sync_all()
		self.assertTrue(row(member.email))

	def test_deleted_member_leaves_the_group(self):
		member = make_member()
		frappe.delete_doc("Member", member.name, ignore_permissions=True, force=True)
		self.assertIsNone(row(member.email))
