"""Record-level access. Desk roles see the register; a portal member sees only their own record."""

import frappe
from frappe import _

SECRETARIAT = ("KDF Sekretariat", "System Manager")

REGISTER_ROLES = {"System Manager", "KDF Sekretariat", "KDF Saksbehandler", "Accounts User", "Administrator"}


def _sees_register(user: str) -> bool:
	return user == "Administrator" or bool(REGISTER_ROLES & set(frappe.get_roles(user)))


def own_records_only(doctype: str, sees_all):
	"""The permission_query_conditions and has_permission hooks for a doctype whose records carry the
	user they belong to: ``sees_all(user)`` sees every record, anyone else only their own."""

	def query(user: str | None = None) -> str:
		user = user or frappe.session.user
		return "" if sees_all(user) else f"`tab{doctype}`.`user` = {frappe.db.escape(user)}"

	def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
		user = user or frappe.session.user
		return None if sees_all(user) else bool(doc.user) and doc.user == user

	return query, has_permission


member_query, member_has_permission = own_records_only("Member", _sees_register)


def is_secretariat(user: str | None = None, roles=SECRETARIAT) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(roles) & set(frappe.get_roles(user)))


def require_roles(roles=SECRETARIAT) -> None:
	"""Like frappe.only_for, but also enforced in tests (frappe.only_for is skipped there)."""
	if not is_secretariat(roles=roles):
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


# --- confidential cases ----------------------------------------------------------------------------
# Need to know: case managers see every case; a mentor/adviser only the cases assigned to them; nobody
# else (the secretariat included) sees any. Members follow their own cases through kdf_app.api.cases only.

CASE_MANAGER = "KDF Saksbehandler"


def is_case_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or CASE_MANAGER in frappe.get_roles(user)


def mentor_of(user: str | None = None) -> str | None:
	user = user or frappe.session.user
	if user == "Guest":
		return None
	return frappe.db.get_value("Mentor", {"user": user, "active": 1})


def case_query(user: str | None = None) -> str:
	user = user or frappe.session.user
	if is_case_manager(user):
		return ""
	mentor = mentor_of(user)
	if mentor:
		return f"`tabMentoring Case`.`mentor` = {frappe.db.escape(mentor)}"
	return "1 = 0"


def case_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	from kdf_app.services.cases import log_read

	user = user or frappe.session.user
	if is_case_manager(user):
		allowed = None
	else:
		mentor = mentor_of(user)
		allowed = bool(mentor) and doc.mentor == mentor and ptype in ("read", "write", "print")
	if ptype == "read" and not doc.is_new():
		log_read(doc.name, user, allowed is not False)
	return allowed


# the mentor pool is the case managers' business; a mentor sees only their own entry
mentor_query, mentor_has_permission = own_records_only("Mentor", is_case_manager)


def case_log_query(user: str | None = None) -> str:
	return "" if is_case_manager(user) else "1 = 0"
