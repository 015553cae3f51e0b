"""/bekreft-pamelding?key=…: a guest confirms a registration for an open session by the link e-mailed to them.
The page only shows the button; the confirmation is a POST (kdf_app.api.registration.confirm_guest), so a mail
scanner that opens the link confirms nothing."""

import frappe
from frappe import _

from kdf_app.kdf_programmes.services.registration import guest

no_cache = 1


def get_context(context):
	frappe.local.lang = "no"  # the participant reads Norwegian; the link needs no login
	key = (frappe.form_dict.get("key") or "").strip() or None
	row = guest.pending(key)
	context.key = key if row else None
	context.session_title = (
		frappe.db.get_value("Topplederprogram Session", row.session, "session_title") if row else None
	)
	context.title = _("Confirm your registration")
	context.no_breadcrumbs = True
	context.show_sidebar = False
