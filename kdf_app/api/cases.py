"""Portal endpoints: a member asks for mentoring, guidance or legal help and follows the status."""

import frappe
from frappe import _

from kdf_app.kdf_advice.core.cases import RECEIVED, check_request
from kdf_app.kdf_members.services.members import require_member
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw


def _member() -> str:
	return require_member(_("Please log in."), _("Only members can ask for help. Contact the secretariat."))


@frappe.whitelist(methods=["POST"])
def request_case(case_type: str, request: str) -> dict:
	member = _member()
	try:
		text = check_request(case_type, request)
	except DomainError as e:
		throw(e)
	case = frappe.get_doc(
		{
			"doctype": "Mentoring Case",
			"case_type": case_type,
			"member": member,
			"request": text,
			"status": RECEIVED,
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


@frappe.whitelist(methods=["GET"])
def attachment(name: str) -> None:
	"""A file attached to a case, opened for a user with need to know (the read is logged)."""
	from kdf_app.kdf_advice.services.case_vault import read_attachment

	file_name, content = read_attachment(name)
	frappe.local.response.filename = file_name
	frappe.local.response.filecontent = content
	frappe.local.response.type = "download"
