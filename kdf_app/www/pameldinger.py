import frappe
from frappe import _

from kdf_app.services.members import member_for_user

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to see your registrations."), frappe.PermissionError)
	context.title = _("My registrations")
	member = member_for_user()
	context.registrations = (
		frappe.get_all(
			"Registration",
			filters={"member": member},
			fields=[
				"name",
				"session",
				"session_title",
				"status",
				"waitlist_position",
				"total",
				"stay_package",
				"extra_night",
				"with_linked_session",
			],
			order_by="registered_on desc",
		)
		if member
		else []
	)
	for r in context.registrations:
		r.route = frappe.db.get_value("Topplederprogram Session", r.session, "route")
