import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate, now_datetime, today, validate_email_address

from kdf_app.kdf_members.core.members import Position, in_force, position_rows, reconcile
from kdf_app.kdf_members.core.membership import normalise_mobile
from kdf_app.kdf_privacy.core.retention import membership_ended_on
from kdf_app.kdf_privacy.services.guard import app_write, protect
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw


class Member(Document):
	def validate(self):
		protect(self)
		self.check_privacy()
		self.first_name = (self.first_name or "").strip()
		self.last_name = (self.last_name or "").strip()
		self.member_name = f"{self.first_name} {self.last_name}".strip()
		self.email = validate_email_address((self.email or "").strip().lower(), throw=True)
		self.check_mobile()
		try:
			self.sync_positions()
		except DomainError as e:
			throw(e)
		if not self.member_since and self.is_new():
			self.member_since = today()

	def check_mobile(self):
		"""A new or changed mobile must be a mobile number (the rule of Min profil and the member import,
		kdf_app.kdf_members.core.membership.normalise_mobile); it is kept as written."""
		self.mobile = (self.mobile or "").strip()
		if self.mobile and self.has_value_changed("mobile"):
			try:
				normalise_mobile(self.mobile)
			except DomainError as e:
				throw(e)

	def check_privacy(self):
		"""An anonymised member stays anonymous; consents carry when they changed; the membership's end date
		follows the status (kdf_app.kdf_privacy.core.retention)."""
		before = None if self.is_new() else self.get_doc_before_save()
		if before is not None and before.anonymised_on:
			frappe.throw(_("This member was anonymised and can no longer be changed."), title=_("Anonymised"))
		for consent in ("directory_consent", "newsletter_consent", "research_consent"):
			if before is not None and cint(before.get(consent)) != cint(self.get(consent)):
				self.set(f"{consent}_on", now_datetime())
		self.membership_ended_on = membership_ended_on(
			before.membership_status if before else None,
			self.membership_status,
			getdate(self.membership_ended_on) if self.membership_ended_on else None,
			getdate(today()),
		)

	def on_update(self):
		from kdf_app.kdf_members.services.invitations import sync_user_email
		from kdf_app.kdf_members.services.members import sync_contact
		from kdf_app.kdf_members.services.newsletter import on_member_update

		if self.has_value_changed("email") and not self.is_new():
			sync_user_email(self)
		sync_contact(self)
		on_member_update(self)

	def on_trash(self):
		from kdf_app.kdf_members.services.newsletter import on_member_trash

		on_member_trash(self)

	def sync_positions(self):
		"""Keep the position history in step with a change of organisation or title (kdf_app.kdf_members.core.members), and
		the organisation and title with the position in force today: a position confirmed ahead of its first
		day gives them only from that day (the daily job kdf_app.kdf_members.services.members.apply_due_positions saves the
		member then), and one that has ended takes the organisation away."""
		history = [
			Position(
				r.organisation,
				r.title,
				getdate(r.from_date),
				getdate(r.to_date) if r.to_date else None,
				r.reason or None,
			)
			for r in self.positions
		]
		start = getdate(self.position_start) if self.position_start else None
		before = None if self.is_new() else self.get_doc_before_save()
		stored = (before.organisation or None, before.title) if before is not None else None
		day = getdate(today())
		history, changed = reconcile(
			history, self.organisation, self.title, start, day, self.leaving_reason or None, stored
		)
		if changed:
			self.leaving_reason = None
			self.set(
				"positions",
				position_rows(history),
			)
		held = in_force(history, day)
		organisation = self.organisation
		if held:
			self.organisation, self.title, self.position_start = held.organisation, held.title, held.from_date
		elif history:
			self.organisation = None  # every position has ended
		if self.organisation != organisation:  # Frappe fetched the name of the one asked for, before this
			self.organisation_name = (
				frappe.db.get_value("Customer", self.organisation, "customer_name")
				if self.organisation
				else None
			)

	@frappe.whitelist()
	def change_position(self, organisation: str, title: str, start: str, reason: str | None = None):
		"""Move the member to a new organisation/title from ``start``; the old row is closed the day before."""
		self.check_permission("write")
		self.organisation = organisation
		self.title = title
		self.position_start = start
		self.leaving_reason = reason
		self.save()

	@frappe.whitelist()
	def create_portal_user(self) -> str:
		from kdf_app.kdf_members.services.members import create_portal_user

		self.check_permission("write")
		with app_write():  # on the stored member, never on a document the client sent
			return create_portal_user(frappe.get_doc("Member", self.name))

	@frappe.whitelist()
	def withdraw_research_consent(self) -> None:
		"""The secretariat records a member's withdrawal of research use (a former member without a login writes
		to them). Only ever to no: a yes is the member's own, on Min profil or in the application."""
		self.check_permission("write")
		with app_write():  # on the stored member, never on a document the client sent
			doc = frappe.get_doc("Member", self.name)
			if not doc.research_consent:
				return
			doc.research_consent = 0
			doc.save()
			doc.add_comment("Info", _("Research consent withdrawn at the member's request."))

	@frappe.whitelist()
	def send_invitation(self) -> dict:
		"""E-mail the member the portal invitation (again): a fresh set-password link (secretariat only)."""
		from kdf_app.kdf_members.services.invitations import invite

		with app_write():
			return invite(self.name)
