"""Portal endpoints: a member asks for mentoring, guidance or legal help and follows the status."""

import frappe
from frappe import _

from kdf_app.core.cases import CASE_TYPES
from kdf_app.core.i18n import DomainError
from kdf_app.core.sessions import clean_text
from kdf_app.services.errors import throw
from kdf_app.services.members import member_for_user


def _member() -> str:
	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in."), frappe.PermissionError)
	member = member_for_user()
	if not member:
		frappe.throw(_("Only members can ask for help. Contact the secretariat."), frappe.PermissionError)
	return member


@frappe.whitelist(methods=["POST"])
def request_case(case_type: str, request: str) -> dict:
	member = _member()
	if case_type not in CASE_TYPES:
		frappe.throw(_("Choose what you need help with."), title=_("Not valid"))
	try:
		text = clean_text(request, limit=4000)
	except DomainError as e:
		throw(e)
	if not text:
		frappe.throw(_("Tell us briefly what you need."), title=_("Not valid"))
	case = frappe.get_doc(
		{
			"doctype": "Mentoring Case",
			"case_type": case_type,
			"member": member,
			"request": text,
			"status": "Mottatt",
		}
	)
	case.insert(ignore_permissions=True)
	return {"name": case.name, "status": case.status}


@frappe.whitelist()
def my_cases() -> list[dict]:
	"""Status only: internal notes, the adviser's notes and summaries never leave the server here."""
	member = _member()
	return frappe.get_all(
		"Mentoring Case",
		filters={"member": member},
		fields=["name", "case_type", "status", "creation", "start_date", "end_date"],
		order_by="creation desc",
		ignore_permissions=True,
	)
