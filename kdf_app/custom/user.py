"""Hooks on User: a member's portal login never gets ERPNext's Customer role.

ERPNext gives every Website User whose e-mail is on a Contact linked to a Customer the role Customer
(erpnext.portal.utils.set_default_role, on User.on_update). A member's Contact is linked to their
organisation, so without this each member would get ERPNext's customer portal (orders, quotations,
invoices of the municipality…). We hold ERPNext's switch for member users while they are saved and take
away a Customer role left by earlier versions."""

import frappe

from kdf_app.shared.core.roles import CUSTOMER, MEMBER, SECRETARIAT_MODULE_PROFILE, SECRETARIAT_PROFILE


def is_member_user(doc) -> bool:
	if doc.user_type != "Website User":
		return False
	if MEMBER in {r.role for r in doc.get("roles", [])}:
		return True
	return bool(
		frappe.db.exists("Member", {"user": doc.name}) or frappe.db.exists("Member", {"email": doc.email})
	)


def before_validate(doc, method=None):
	"""A desk user given the secretariat's Role Profile gets its Module Profile too (the KDF workspace only in
	the sidebar; kdf_app.setup.roles.setup_module_profile), unless a Module Profile is chosen already. Frappe
	copies the profile's blocked modules onto the user in its own validate, which runs next."""
	if (
		doc.role_profile_name == SECRETARIAT_PROFILE
		and not doc.module_profile
		and frappe.db.exists("Module Profile", SECRETARIAT_MODULE_PROFILE)
	):
		doc.module_profile = SECRETARIAT_MODULE_PROFILE


def validate(doc, method=None):
	if is_member_user(doc):
		doc.flags.kdf_member_user = True
		doc.flags.kdf_setting_role = frappe.flags.setting_role
		frappe.flags.setting_role = True  # erpnext.portal.utils.set_default_role then does nothing


def on_update(doc, method=None):
	if not doc.flags.kdf_member_user:
		return
	frappe.flags.setting_role = doc.flags.kdf_setting_role
	strip_customer_role(doc.name)


def strip_customer_role(user: str) -> None:
	if frappe.db.exists("Has Role", {"parent": user, "parenttype": "User", "role": CUSTOMER}):
		frappe.db.delete("Has Role", {"parent": user, "parenttype": "User", "role": CUSTOMER})
		frappe.clear_cache(user=user)
