"""Uninstall: what setup added to ERPNext and Frappe goes, so a reinstall starts clean; customers, contacts, invoices
(and the items, customer groups and price list they use) are kept, as are roles still given to users."""

import frappe
from frappe import _

from kdf_app.kdf_members.core.organisations import KINDS
from kdf_app.setup.custom_fields import remove_custom_fields, remove_sales_invoice_list
from kdf_app.setup.defaults import ITEMS, PRICE_LIST, remove_onboarding
from kdf_app.setup.mail import remove_templates
from kdf_app.setup.portal import remove_member_portal
from kdf_app.setup.roles import remove_profiles, remove_secretariat_permissions
from kdf_app.shared.core.roles import KDF_ROLES

# What setup_defaults, the onboarding and setup_roles create; after_uninstall deletes each one nothing uses.
SETUP_DOCS = [
	*(("Item", code) for code in ITEMS),
	*(("Customer Group", kind) for kind in KINDS),
	*(("Role", role) for role in KDF_ROLES),
]


def before_uninstall():
	"""While our doctypes still exist: custom fields and the list column showing one, permission rows, profiles,
	templates, the checklist, the portal menu and the privacy link go."""
	remove_custom_fields()
	remove_sales_invoice_list()
	from kdf_app.patches.remove_copied_erpnext_permissions import execute as remove_copied_permissions

	remove_copied_permissions()  # what earlier versions put into Custom DocPerm, if not migrated since
	remove_secretariat_permissions()
	remove_profiles()
	remove_templates()
	remove_onboarding()
	remove_member_portal()  # KDF's menu items (their role can go after the doctypes); the others shown again
	from kdf_app.kdf_privacy.services.privacy import remove_privacy_link

	remove_privacy_link()  # /personvern goes with the app; the Email Group (and its opt-outs) stays
	frappe.clear_cache()
	print(_("KDF custom fields, templates and settings removed; customers, contacts and invoices are kept."))


def after_uninstall():
	"""After Frappe dropped our doctypes (whose permissions name our roles): what setup made and nothing uses
	any more. Items, customer groups and the price list used by invoices or customers stay, as do roles still
	given to users."""
	for doctype, docname in [("Price List", PRICE_LIST), *SETUP_DOCS]:
		if frappe.db.exists(doctype, docname):
			try:
				frappe.delete_doc(doctype, docname, ignore_permissions=True)
			except (frappe.LinkExistsError, frappe.ValidationError):
				frappe.clear_last_message()
	frappe.db.commit()  # Frappe commits before this hook, not after it
	frappe.clear_cache()
