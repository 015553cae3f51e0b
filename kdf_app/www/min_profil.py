import frappe
from frappe import _

from kdf_app.kdf_members.core.members import LEAVING_REASONS, TITLES
from kdf_app.kdf_members.core.organisations import OFFICIAL_KINDS
from kdf_app.kdf_members.services.members import member_profile
from kdf_app.kdf_members.services.membership import my_change_requests, official_organisations
from kdf_app.shared.services.mail import sender

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in."), frappe.PermissionError)
	context.title = _("My profile")
	context.show_sidebar = True
	context.profile = member_profile()
	context.secretariat_email = sender()
	if context.profile:
		context.titles = TITLES
		context.leaving_reasons = LEAVING_REASONS
		organisations = official_organisations()
		context.groups = [(k, [o for o in organisations if o["kind"] == k]) for k in OFFICIAL_KINDS]
		context.change_requests = my_change_requests()
