"""Record-level access: need to know, on every path.

Every ``has_permission`` hook answers an explicit True or False (Frappe v16 reads ``None`` as deny). Frappe
checks role permissions as well: True here means "this record is within the user's reach", never more than
the role allows. Every ``permission_query_conditions`` hook gives the same answer for lists, counts, report
view, exports and link search. Child rows follow their parent document (see ``RowOfParent``). Which actor may
see what is written down in ``kdf_app.kdf_privacy.core.access.MATRIX``; the HTTP access-matrix test proves it.
"""

import frappe
from frappe import _

from kdf_app.kdf_privacy.core.access import CASE, CHILD_PARENTS, CONFIDENTIAL, REFUSED
from kdf_app.kdf_programmes.core.sessions import DRAFT
from kdf_app.shared.core.roles import (
	CASE_MANAGER,
	PARTICIPANT_LIST_ROLES,  # who may see health data (dietary needs and allergies) and the participant list
	REGISTER_ROLES,
	REGISTRATION_ROLES,  # who may see every registration (the accountant for invoicing, not case managers)
)
from kdf_app.shared.core.roles import SECRETARIAT_ROLES as SECRETARIAT


def _roles(user: str) -> set[str]:
	return set(frappe.get_roles(user)) | ({"Administrator"} if user == "Administrator" else set())


def _sees_register(user: str) -> bool:
	return bool(REGISTER_ROLES & _roles(user))


def sees_registrations(user: str | None = None) -> bool:
	return bool(REGISTRATION_ROLES & _roles(user or frappe.session.user))


def sees_participant_list(user: str | None = None) -> bool:
	return bool(PARTICIPANT_LIST_ROLES & _roles(user or frappe.session.user))


def own_records_only(doctype: str, sees_all):
	"""The permission_query_conditions and has_permission hooks for a doctype whose records carry the
	user they belong to: ``sees_all(user)`` sees every record, anyone else only their own."""

	def query(user: str | None = None, doctype_: str | None = None, **kwargs) -> str:
		user = user or frappe.session.user
		return "" if sees_all(user) else f"`tab{doctype}`.`user` = {frappe.db.escape(user)}"

	def has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
		user = user or frappe.session.user
		return True if sees_all(user) else bool(doc.user) and doc.user == user

	return query, has_permission


member_query, member_has_permission = own_records_only("Member", _sees_register)
# a member's own change requests (kdf_app.kdf_members.services.membership); the secretariat sees all
change_request_query, change_request_has_permission = own_records_only(
	"Member Change Request", lambda user: bool(PARTICIPANT_LIST_ROLES & _roles(user))
)


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


# --- registrations and sessions -----------------------------------------------------------------------------
def registration_query(user: str | None = None, **kwargs) -> str:
	user = user or frappe.session.user
	if sees_registrations(user):
		return ""
	return f"""`tabRegistration`.`member` in (select name from `tabMember` where `user` = {frappe.db.escape(user)})"""


def registration_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	user = user or frappe.session.user
	if sees_registrations(user):
		return True
	return (
		ptype in ("read", "print")
		and bool(doc.member)
		and (frappe.db.get_value("Member", doc.member, "user") == user)
	)


def session_query(user: str | None = None, **kwargs) -> str:
	"""Drafts are the secretariat's; everyone else sees published sessions only."""
	user = user or frappe.session.user
	if sees_registrations(user):
		return ""
	return (
		"`tabTopplederprogram Session`.`published` = 1 and "
		f"`tabTopplederprogram Session`.`status` != {frappe.db.escape(DRAFT)}"
	)


def session_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	user = user or frappe.session.user
	return sees_registrations(user) or (bool(doc.published) and doc.status != DRAFT)


# --- session evaluations ----------------------------------------------------------------------------------
# The secretariat reads the answers of a non-anonymous evaluation; an anonymous one (no registration, member or
# name stored) is System Manager's only, on every path: document, list, count, report view, search.
def evaluation_query(user: str | None = None, **kwargs) -> str:
	user = user or frappe.session.user
	if user == "Administrator" or "System Manager" in _roles(user):
		return ""
	return "`tabSession Evaluation`.`anonymous` = 0" if sees_participant_list(user) else "1 = 0"


def evaluation_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	user = user or frappe.session.user
	if user == "Administrator" or "System Manager" in _roles(user):
		return True
	return (
		ptype in ("read", "print", "report", "export") and sees_participant_list(user) and not doc.anonymous
	)


# --- child rows follow their parent -----------------------------------------------------------------------
def _parent_query(parent: str, user: str) -> str:
	method = (frappe.get_hooks("permission_query_conditions") or {}).get(parent) or []
	conditions = [c for m in method if (c := frappe.call(frappe.get_attr(m), user, doctype=parent))]
	return " and ".join(f"({c})" for c in conditions)


def child_query(user: str | None = None, doctype: str | None = None, **kwargs) -> str:
	"""A child doctype's rows: only those whose parent document the user may read."""
	user = user or frappe.session.user
	parent = CHILD_PARENTS[doctype]
	condition = _parent_query(parent, user)
	if not condition:
		return ""
	return (
		f"`tab{doctype}`.`parenttype` = {frappe.db.escape(parent)} and `tab{doctype}`.`parent` in "
		f"(select `tab{parent}`.name from `tab{parent}` where {condition})"
	)


def any_child_query(user: str | None = None, doctype: str | None = None, **kwargs) -> str:
	"""For every child doctype of every app (the ``*`` hook): a list of child rows (``/api/resource/<child>?
	parent=…``, ``frappe.client.get_list``, counts) shows only rows whose parent document the user may read.
	Frappe checks only the parent *doctype* there, so any logged-in user listed every contact's e-mail
	(``Contact Email``: the role All reads its own contacts) or every user's roles (``Has Role``). The parents
	come from the site's metadata and each parent's own conditions (role, owner, user permissions, shares and
	permission hooks) from Frappe's query builder, and the table field's permission level counts as in the form,
	so a new child table of an upgrade is covered unlisted.
	Conditions of query hooks are joined with ``and``, so this holds whatever other apps add."""
	if not doctype or doctype in CHILD_PARENTS:  # ours have their own (child_query)
		return ""
	meta = frappe.get_meta(doctype)
	if not meta.istable:
		return ""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	parents = set(
		frappe.get_all(
			"DocField",
			{"options": doctype, "fieldtype": ("in", ["Table", "Table MultiSelect"])},
			pluck="parent",
		)
	) | set(
		frappe.get_all(
			"Custom Field",
			{"options": doctype, "fieldtype": ("in", ["Table", "Table MultiSelect"])},
			pluck="dt",
		)
	)
	table = f"`tab{doctype}`"
	parts = []
	for parent in sorted(parents):
		parent_meta = frappe.get_meta(parent)
		if parent_meta.istable:
			continue
		# a table at a permission level the user cannot read (User's roles and e-mails: level 1) stays hidden
		levels = {df.permlevel or 0 for df in parent_meta.get_table_fields() if df.options == doctype}
		if levels and not levels & set(parent_meta.get_permlevel_access("read", user=user)):
			continue
		if parent_meta.issingle:  # one document, named as its doctype
			if frappe.has_permission(parent, "read", user=user):
				parts.append(f"({table}.`parenttype` = {frappe.db.escape(parent)})")
			continue
		try:
			readable = frappe.get_list(
				parent, fields=["name"], limit_page_length=0, order_by="", run=0, user=user, strict=False
			)
		except frappe.PermissionError:
			continue
		parts.append(
			f"({table}.`parenttype` = {frappe.db.escape(parent)} and {table}.`parent` in ({readable}))"
		)
	return f"({' or '.join(parts)})" if parts else "1 = 0"


class RowOfParent:
	"""Mixin for our child doctypes' controllers: a row read or written on its own (``/api/resource/<child>/
	<name>``, ``frappe.client.get``) needs permission on its parent document, not only on the parent doctype
	(which is all Frappe checks for child rows)."""

	def has_permission(self, permtype="read", *, debug=False, user=None) -> bool:
		if self.flags.ignore_permissions:
			return True
		if not super().has_permission(permtype, debug=debug, user=user):
			return False
		if not (self.parenttype and self.parent) or self.parenttype != CHILD_PARENTS.get(self.doctype):
			return False
		if not frappe.db.exists(self.parenttype, self.parent):
			return False
		return frappe.has_permission(self.parenttype, permtype, doc=self.parent, user=user)


# --- confidential cases ----------------------------------------------------------------------------------
# Need to know: case managers see every case; a mentor/adviser only the cases assigned to them; nobody
# else (the secretariat included) sees any. Members follow their own cases through kdf_app.api.cases only.
# (CASE_MANAGER: kdf_app.shared.core.roles)


def is_case_manager(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or CASE_MANAGER in frappe.get_roles(user)


def mentor_of(user: str | None = None) -> str | None:
	user = user or frappe.session.user
	if user == "Guest":
		return None
	return frappe.db.get_value("Mentor", {"user": user, "active": 1})


def _case_condition(user: str) -> str:
	if is_case_manager(user):
		return ""
	mentor = mentor_of(user)
	if mentor:
		return f"`tabMentoring Case`.`mentor` = {frappe.db.escape(mentor)}"
	return "1 = 0"


def case_query(user: str | None = None, **kwargs) -> str:
	from kdf_app.kdf_advice.services.read_log import record_list

	user = user or frappe.session.user
	record_list(CASE, user)
	return _case_condition(user)


def case_meeting_query(user: str | None = None, **kwargs) -> str:
	from kdf_app.kdf_advice.services.read_log import record_list

	user = user or frappe.session.user
	record_list("Case Meeting", user)
	condition = _case_condition(user)
	if not condition:
		return ""
	return (
		"`tabCase Meeting`.`parenttype` = 'Mentoring Case' and `tabCase Meeting`.`parent` in "
		f"(select `tabMentoring Case`.name from `tabMentoring Case` where {condition})"
	)


def may_read_case(doc, user: str, ptype: str = "read") -> bool:
	if is_case_manager(user):
		return True
	mentor = mentor_of(user)
	return bool(mentor) and doc.mentor == mentor and ptype in ("read", "write", "print", "email")


def case_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	from kdf_app.kdf_advice.services.read_log import record

	user = user or frappe.session.user
	allowed = may_read_case(doc, user, ptype or "read")
	if ptype in ("read", "print", "email", None) and not doc.is_new():
		record(doc.name, allowed, user=user)
	elif not allowed and not doc.is_new():
		record(doc.name, False, action=REFUSED, detail=f"{ptype}", user=user)
	return allowed


# the mentor pool is the case managers' business; a mentor sees only their own entry
mentor_query, mentor_has_permission = own_records_only("Mentor", is_case_manager)


def case_log_query(user: str | None = None, **kwargs) -> str:
	return "" if is_case_manager(user or frappe.session.user) else "1 = 0"


def case_log_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	return is_case_manager(user or frappe.session.user) and ptype in (
		"read",
		"report",
		"export",
		"print",
		None,
	)


# --- files attached to confidential records ----------------------------------------------------------------
def file_query(user: str | None = None, **kwargs) -> str:
	"""Frappe lets anyone who can read a doctype list every file attached to it; a confidential record's
	attachments are listed only to those who may read that record. (Frappe joins the hooks' conditions with
	``and`` after its own ``a or b or c``; confidential attachments are always private, so ``c and ours`` is
	what decides for them.)"""
	user = user or frappe.session.user
	condition = _case_condition(user)
	if not condition:
		return ""
	doctypes = ", ".join(frappe.db.escape(d) for d in sorted(CONFIDENTIAL))
	return (
		f"(ifnull(`tabFile`.`attached_to_doctype`, '') not in ({doctypes}) or "
		f"(`tabFile`.`attached_to_doctype` = 'Mentoring Case' and `tabFile`.`attached_to_name` in "
		f"(select `tabMentoring Case`.name from `tabMentoring Case` where {condition})))"
	)


def file_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	"""Frappe asks only the last has_permission hook of a doctype that answers, and ours comes last: so this
	answers Frappe's own File rule too, and adds ours for confidential attachments."""
	from frappe.core.doctype.file.file import has_permission as frappe_file_permission

	user = user or frappe.session.user
	if not frappe_file_permission(doc, ptype=ptype, user=user):
		return False
	if doc.attached_to_doctype not in CONFIDENTIAL or ptype == "create":
		return True
	if not doc.attached_to_name or not frappe.db.exists(doc.attached_to_doctype, doc.attached_to_name):
		return is_case_manager(user)
	return frappe.has_permission(doc.attached_to_doctype, "read", doc=doc.attached_to_name, user=user)


def file_before_validate(doc, method=None) -> None:
	"""Attachments of confidential records stay private: a change to public is undone before Frappe moves
	the file."""
	if doc.attached_to_doctype in CONFIDENTIAL and not doc.is_new():
		doc.is_private = 1


# --- the KDF workspace's number cards and charts ----------------------------------------------------------
# Frappe shows a Number Card or Dashboard Chart to anyone who may read its document type; ours carry the
# association's figures (members, money, turnover): the secretariat's only. Their methods call require_roles.
# Our cards name KDF Settings as their document type (which only the secretariat, System Manager and Accounts
# Manager read): Frappe's own list condition for Number Card ends in an unbracketed "or module is NULL", so a
# condition added after it does not bind in lists; the record itself is refused by dashboard_has_permission.
DASHBOARD_APP = "kdf_app"  # every module of the app: a card added to any domain's module is guarded too


def kdf_modules() -> tuple[str, ...]:
	"""The app's Frappe modules, from its modules.txt (read once per process)."""
	cached = getattr(kdf_modules, "cached", None)
	if cached is None:
		cached = kdf_modules.cached = tuple(frappe.get_module_list(DASHBOARD_APP))
	return cached


def dashboard_query(user: str | None = None, doctype: str | None = None, **kwargs) -> str:
	user = user or frappe.session.user
	if is_secretariat(user):
		return ""
	table = f"`tab{doctype or 'Number Card'}`"
	modules = ", ".join(frappe.db.escape(m) for m in kdf_modules())
	return f"ifnull({table}.`module`, '') not in ({modules})"


def number_card_query(user: str | None = None, **kwargs) -> str:
	return dashboard_query(user, "Number Card")


def dashboard_chart_query(user: str | None = None, **kwargs) -> str:
	return dashboard_query(user, "Dashboard Chart")


def dashboard_has_permission(doc, ptype: str | None = None, user: str | None = None, **kwargs) -> bool:
	user = user or frappe.session.user
	return doc.module not in kdf_modules() or is_secretariat(user)
