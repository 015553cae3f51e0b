"""Frappe's Newsletter: the secretariat writes them (role Newsletter Manager in the Role Profile KDF Sekretariat),
but never template code — Frappe renders the content as Jinja (kdf_app.core.newsletter.template_code_in)."""

import frappe
from frappe import _

from kdf_app.core.newsletter import template_code_in


def validate(doc, method=None):
	if "System Manager" in frappe.get_roles():
		return
	fields = template_code_in(doc.as_dict())
	if fields:
		labels = ", ".join(_(doc.meta.get_label(f)) for f in fields)
		frappe.throw(
			_(
				"A newsletter cannot contain template code ({0}); remove it from: {1}. Only a System Manager may use templates."
			).format("{{ }}, {% %}, {# #}", labels),
			title=_("Not valid"),
		)
