import frappe

from kdf_app.services import page_cache
from kdf_app.services.mail import sender
from kdf_app.services.privacy import retention
from kdf_app.services.turnover import research_partners, settings_k

no_cache = 1  # a guest's copy is cached by page_cache.guest_page, never anyone else's


def get_context(context):
	context.title = "Personvern"
	context.logged_in = frappe.session.user != "Guest"
	context.show_sidebar = context.logged_in
	context.retention = retention()
	context.secretariat_email = sender()
	context.research_partners = research_partners()
	context.research_k = settings_k()
	page_cache.guest_page(context, context.path or page_cache.PERSONVERN)
