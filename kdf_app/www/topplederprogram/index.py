import frappe
from frappe import _

from kdf_app.services.sessions import open_sessions

no_cache = 1


def get_context(context):
	context.title = _("Topplederprogram")
	context.show_sidebar = frappe.session.user != "Guest"  # the KDF portal menu
	context.sessions = open_sessions()
	context.logged_in = frappe.session.user != "Guest"
