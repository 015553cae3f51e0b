"""Desk endpoints for the member register."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist(methods=["POST"])
def create_dues_invoices(year: int, submit: int | None = None) -> list[str]:
	"""Run the year's membership dues batch (secretariat only)."""
	from kdf_app.services.dues import create_dues_invoices as run

	require_roles()
	return run(int(year), None if submit is None else bool(int(submit)))


@frappe.whitelist(methods=["POST"])
def import_organisations(file_url: str | None = None) -> dict:
	"""Import the official list of kommuner/fylkeskommuner from an uploaded CSV (or the shared copy)."""
	from kdf_app.services.organisations import import_organisations as run

	require_roles()
	content = None
	if file_url:
		content = frappe.get_doc("File", {"file_url": file_url}).get_content()
		if isinstance(content, bytes):
			content = content.decode("utf-8")
	return run(content=content).as_dict()
