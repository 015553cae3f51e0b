"""/evaluering: a participant's evaluation of a session, by the link from the e-mail (?key=…, no login) or, for
a logged-in member, from Mine påmeldinger (?registration=…, their own only). Answered once."""

import frappe
from frappe import _

from kdf_app.kdf_programmes.services import evaluation

no_cache = 1


def get_context(context):
	form = frappe.form_dict
	key = (form.get("key") or "").strip() or None
	registration = None if key else (form.get("registration") or "").strip() or None
	if frappe.session.user == "Guest":
		frappe.local.lang = "no"  # KDF's members read Norwegian; the link needs no login
	state = evaluation.form_state(evaluation.resolve(key, registration))
	context.update(state)
	context.key = key
	context.registration = registration
	context.title = _("Evaluation")
	context.show_sidebar = frappe.session.user != "Guest"
	context.scores = (1, 2, 3, 4, 5)
	context.no_breadcrumbs = True
