import frappe
from frappe.model.document import Document

from kdf_app.kdf_privacy.services.guard import app_write, protect


class MemberChangeRequest(Document):
	"""A member's report of a new position or leaving, from /min-profil (kdf_app.api.membership.request_change);
	the secretariat confirms it into the position history or rejects it. A generic write changes none of its
	fields."""

	def validate(self):
		protect(self)

	@frappe.whitelist()
	def confirm(self) -> None:
		from kdf_app.kdf_members.services.membership import confirm_change

		with app_write():  # the service loads the document itself
			confirm_change(self.name)

	@frappe.whitelist()
	def reject(self, reason: str) -> None:
		from kdf_app.kdf_members.services.membership import reject_change

		with app_write():  # the service loads the document itself
			reject_change(self.name, reason)
