import frappe
from frappe.model.document import Document

from kdf_app.kdf_privacy.services.guard import app_write, protect
from kdf_app.kdf_programmes.services.registration import cancellation, seats, single


class Registration(Document):
	def before_insert(self):
		# Cleaning, payer and prices before Frappe takes the naming series' lock (set_new_name comes next):
		# the locks are then held only for the seat decision and the insert.
		protect(self)
		single.prepare(self)
		self.flags.kdf_prepared = True

	def before_validate(self):
		protect(self)
		# Seats are decided here rather than in before_insert: by now Frappe has taken the naming-series lock,
		# so every registration takes its locks in the same order (series, then session) and two
		# registrations for different sessions cannot deadlock.
		if self.is_new():
			seats.allocate(self)

	def validate(self):
		single.validate(self)

	def after_insert(self):
		single.after_insert(self)

	def on_update(self):
		# an insert has stored the counts in after_insert, from its own seat decision
		if not self.flags.in_insert and self.has_value_changed("status"):
			seats.update_counts(self.session)

	def on_trash(self):
		if self.sales_invoice:
			frappe.throw(frappe._("An invoiced registration cannot be deleted; cancel it instead."))

	def after_delete(self):
		seats.refresh_seats(self.session)

	@frappe.whitelist()
	def cancel_registration(self):
		self.check_permission("write")
		with app_write():  # the service loads the registration itself
			return cancellation.cancel(self.name)

	@frappe.whitelist()
	def mark_attendance(self, attended: int):
		self.check_permission("write")
		with app_write():
			single.set_attendance(self.name, bool(int(attended)))
