import frappe
from frappe import _

from kdf_app.kdf_privacy.services.privacy import my_data

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to download your data."), frappe.PermissionError)
	context.title = _("My data")
	context.show_sidebar = True
	context.data = my_data()
