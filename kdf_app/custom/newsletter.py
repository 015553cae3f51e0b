"""Frappe's Newsletter: the secretariat writes them (role Newsletter Manager in the Role Profile KDF Sekretariat),
but never template code — Frappe renders the content as Jinja (kdf_app.kdf_members.core.newsletter.template_code_in).
The same refusal guards the other documents KDF's roles may write whose text Frappe/ERPNext render the same
way (kdf_app.kdf_members.core.newsletter.TEMPLATE_TEXT_FIELDS: Terms and Conditions, Process Statement Of Accounts)."""

import frappe
from frappe import _

from kdf_app.kdf_members.core.newsletter import TEMPLATE_TEXT_FIELDS, has_template_code, template_code_in
from kdf_app.shared.core.roles import SYSTEM_MANAGER


def validate(doc, method=None):
	if SYSTEM_MANAGER in frappe.get_roles():
		return
	fields = template_code_in(doc.as_dict(), TEMPLATE_TEXT_FIELDS.get(doc.doctype, ()))
	if doc.doctype == "Newsletter" and doc.message_md and "message_md" not in fields:
		# what Frappe renders is the Markdown's HTML: whatever Markdown turns into template code counts
		from frappe.utils import md_to_html

		if has_template_code(md_to_html(doc.message_md)):
			fields.append("message_md")
	if not fields:
		return
	labels = ", ".join(_(doc.meta.get_label(f)) for f in fields)
	if doc.doctype == "Newsletter":
		message = _(
			"A newsletter cannot contain template code ({0}); remove it from: {1}. Only a System Manager may use templates."
		).format("{{ }}, {% %}, {# #}", labels)
	else:
		message = _(
			"{0} cannot contain template code ({1}); remove it from: {2}. Only a System Manager may use templates."
		).format(_(doc.doctype), "{{ }}, {% %}, {# #}", labels)
	frappe.throw(message, title=_("Not valid"))
