import frappe

from kdf_app.kdf_app.services import page_cache
from kdf_app.kdf_members.services.turnover import research_partners, settings_k
from kdf_app.kdf_privacy.services.privacy import retention
from kdf_app.shared.services.mail import sender

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
