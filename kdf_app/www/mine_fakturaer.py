import frappe
from frappe import _

from kdf_app.kdf_members.services.members import member_for_user
from kdf_app.kdf_members.services.membership import my_invoices

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in to see your invoices."), frappe.PermissionError)
	context.title = _("My invoices")
	context.show_sidebar = True
	context.is_member = bool(member_for_user())
	context.invoices = my_invoices() if context.is_member else []
