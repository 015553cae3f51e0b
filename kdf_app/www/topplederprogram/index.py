import frappe
from frappe import _

from kdf_app.kdf_app.services import page_cache
from kdf_app.kdf_programmes.services.sessions import programme

no_cache = 1  # a guest's copy is cached by page_cache.guest_page, never anyone else's


def get_context(context):
	context.title = _("Topplederprogram")
	context.logged_in = frappe.session.user != "Guest"
	context.show_sidebar = context.logged_in  # the KDF portal menu
	listing = programme()
	context.sessions, context.earlier = listing["upcoming"], listing["earlier"]
	page_cache.guest_page(context, context.path or page_cache.PROGRAMME, listing["until"])
