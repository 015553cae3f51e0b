import frappe
from frappe.model.document import Document

from kdf_app.services import registration as service
from kdf_app.services.guard import protect


class Registration(Document):
	def autoname(self):
		self.name = service.next_name()  # numbered outside this transaction: no lock held until commit

	def before_validate(self):
		protect(self)

	def validate(self):
		service.validate(self)

	def before_save(self):
		# The seat is decided last, just before the insert: the session's row lock (the only lock a
		# registration takes) is held for the decision, the insert and the commit, not while it is checked
		# and priced.
		if self.is_new():
			service.allocate(self)

	def show_unique_validation_message(self, e):
		if "live_key" in str(e):  # two registrations of the same member for the same session at once
			service.already_registered(self)
		super().show_unique_validation_message(e)

	def after_insert(self):
		service.after_insert(self)

	def on_update(self):
		if not self.is_new() and self.has_value_changed("status"):
			service.update_counts(self.session)

	def on_trash(self):
		if self.sales_invoice:
			frappe.throw(frappe._("An invoiced registration cannot be deleted; cancel it instead."))

	def after_delete(self):
		service.refresh_seats(self.session)

	@frappe.whitelist()
	def cancel_registration(self):
		self.check_permission("write")
		return service.cancel(self.name)

	@frappe.whitelist()
	def mark_attendance(self, attended: int):
		self.check_permission("write")
		service.set_attendance(self.name, bool(int(attended)))
