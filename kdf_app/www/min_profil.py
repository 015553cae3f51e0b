import frappe
from frappe import _

from kdf_app.services.mail import sender
from kdf_app.services.members import member_profile

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in."), frappe.PermissionError)
	context.title = _("My profile")
	context.show_sidebar = True
	context.profile = member_profile()
	context.secretariat_email = sender()
