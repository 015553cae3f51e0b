"""KDF's Email Templates (kdf_app/data/email_templates.json, kdf_app.shared.services.mail): created once and chosen in
KDF Settings on install (on existing sites by the patch create_email_templates), never overwritten; the shipped
ones removed on uninstall."""

import frappe


def setup_templates() -> None:
	from kdf_app.shared.services.mail import choose_missing_templates, create_missing_templates

	create_missing_templates()
	choose_missing_templates()


def remove_templates() -> None:
	from kdf_app.shared.services.mail import shipped_templates

	for t in shipped_templates():
		if frappe.db.exists("Email Template", t["name"]):
			frappe.delete_doc("Email Template", t["name"], ignore_permissions=True, force=True)
