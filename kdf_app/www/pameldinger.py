import frappe
from frappe import _

from kdf_app.kdf_members.services.members import member_for_user
from kdf_app.kdf_programmes.services.evaluation import mark_open
from kdf_app.kdf_programmes.services.registration.single import registrations_of

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to see your registrations."), frappe.PermissionError)
	context.title = _("My registrations")
	context.show_sidebar = frappe.session.user != "Guest"  # the KDF portal menu
	member = member_for_user()
	context.registrations = mark_open(registrations_of(member)) if member else []
