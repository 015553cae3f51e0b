import frappe
from frappe import _

from kdf_app.kdf_advice.core.cases import CASE_TYPES
from kdf_app.kdf_members.services.members import member_for_user

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in."), frappe.PermissionError)
	context.title = _("Mentoring, guidance and legal advice")
	context.show_sidebar = frappe.session.user != "Guest"  # the KDF portal menu
	context.case_types = CASE_TYPES
	member = member_for_user()
	context.member = member
	context.cases = (
		frappe.get_all(
			"Mentoring Case",
			filters={"member": member},
			fields=["case_type", "status", "creation"],
			order_by="creation desc",
			ignore_permissions=True,
		)
		if member
		else []
	)
