"""Record-level access. Desk roles see the register; a portal member sees only their own record."""

import frappe
from frappe import _

SECRETARIAT = ("KDF Sekretariat", "System Manager")

REGISTER_ROLES = {"System Manager", "KDF Sekretariat", "KDF Saksbehandler", "Accounts User", "Administrator"}


def _sees_register(user: str) -> bool:
	return user == "Administrator" or bool(REGISTER_ROLES & set(frappe.get_roles(user)))


def member_query(user: str | None = None) -> str:
	user = user or frappe.session.user
	if _sees_register(user):
		return ""
	return f"`tabMember`.`user` = {frappe.db.escape(user)}"


def member_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if _sees_register(user):
		return None
	return doc.user == user


def require_roles(roles=SECRETARIAT) -> None:
	"""Like frappe.only_for, but also enforced in tests (frappe.only_for is skipped there)."""
	if frappe.session.user == "Administrator":
		return
	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(
			_("Only {0} may do this.").format(", ".join(_(r) for r in roles)),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def registration_query(user: str | None = None) -> str:
	user = user or frappe.session.user
	if _sees_register(user):
		return ""
	return f"""`tabRegistration`.`member` in (select name from `tabMember` where `user` = {frappe.db.escape(user)})"""


def registration_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if _sees_register(user):
		return None
	return ptype in ("read", "print") and frappe.db.get_value("Member", doc.member, "user") == user
