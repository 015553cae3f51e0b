import frappe

from kdf_app.services.mail import sender
from kdf_app.services.privacy import retention

no_cache = 1


def get_context(context):
	context.title = "Personvern"
	context.show_sidebar = frappe.session.user != "Guest"
	context.retention = retention()
	context.secretariat_email = sender()
	context.logged_in = frappe.session.user != "Guest"
