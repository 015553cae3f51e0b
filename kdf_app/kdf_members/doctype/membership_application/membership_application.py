import frappe
from frappe.model.document import Document

from kdf_app.kdf_privacy.services.guard import app_write, protect


class MembershipApplication(Document):
	"""Made only by kdf_app.api.membership.apply (the public page /bli-medlem); decided by the secretariat with
	Approve / Reject (kdf_app.kdf_members.services.membership). A generic write changes none of its fields."""

	def validate(self):
		protect(self)
		self.applicant_name = f"{self.first_name or ''} {self.last_name or ''}".strip()

	@frappe.whitelist()
	def approve(self) -> dict:
		from kdf_app.kdf_members.services.membership import approve

		with app_write():  # the service loads the document itself
			return approve(self.name)

	@frappe.whitelist()
	def reject(self, reason: str) -> None:
		from kdf_app.kdf_members.services.membership import reject

		with app_write():  # the service loads the document itself
			reject(self.name, reason)
