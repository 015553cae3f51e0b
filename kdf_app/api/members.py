"""Desk endpoints for the member register."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist(methods=["POST"])
def create_dues_invoices(year: int, submit: int | None = None) -> dict:
	"""Start the year's membership dues batch in the background (secretariat only): a progress bar for the
	user who started it, a message when it is done, and the result in KDF Settings (kdf_app.kdf_billing.services.dues.run_dues)."""
	from kdf_app.kdf_billing.services.dues import start_dues

	require_roles()
	year = int(year)
	if year < 2000 or year > 2100:
		frappe.throw(frappe._("Year {0} is not valid.").format(year), title=frappe._("Not valid"))
	return start_dues(year, None if submit is None else bool(int(submit)))


@frappe.whitelist(methods=["POST"])
def import_organisations(file_url: str | None = None) -> dict:
	"""Import the official list of kommuner/fylkeskommuner from an uploaded CSV (or the shared copy)."""
	from kdf_app.kdf_members.services.organisations import import_organisations as run

	require_roles()
	content = None
	if file_url:
		file = frappe.get_doc("File", {"file_url": file_url})
		file.check_permission("read")  # never a way to read someone else's private file
		content = file.get_content()
		if isinstance(content, bytes):
			content = content.decode("utf-8")
	return run(content=content).as_dict()


@frappe.whitelist(methods=["POST"])
def import_members(file_url: str) -> dict:
	"""Import the member list from an uploaded CSV or XLSX file (secretariat only): each member with their
	position history as one unit; ``result`` lists the members made and every refused row with its reason. A
	larger file is imported by a background job: the answer is its ``job``, whose progress and result
	``member_import_status`` gives. The uploaded file is deleted afterwards (the register holds the data)."""
	from kdf_app.kdf_members.services.member_import import start_import

	require_roles()
	return start_import(file_url)


@frappe.whitelist(methods=["GET"])
def member_import_status(job: str) -> dict:
	"""A background member import's progress, or its result once finished (the user who started it only)."""
	from kdf_app.kdf_members.services.member_import import import_status

	require_roles()
	return import_status(job)


@frappe.whitelist(methods=["GET"])
def member_import_template() -> None:
	"""The CSV template for Import Members (columns and example rows)."""
	from kdf_app.kdf_members.services.member_import import template_csv

	require_roles()
	frappe.response["type"] = "download"
	frappe.response["filename"] = "kdf-medlemmer-mal.csv"
	frappe.response["filecontent"] = template_csv().encode("utf-8")
	frappe.response["content_type"] = "text/csv; charset=utf-8"


@frappe.whitelist(methods=["POST"])
def invite_member(member: str) -> dict:
	"""E-mail one member the portal invitation (again) with a fresh set-password link (secretariat only)."""
	from kdf_app.kdf_members.services.invitations import invite

	require_roles()
	return invite(member)


@frappe.whitelist(methods=["POST"])
def invite_members(include_invited: int = 0) -> dict:
	"""Invite every active member who has not logged in yet (secretariat only); ``include_invited`` also
	re-sends to those invited earlier. Returns the members sent to, those that failed (with the reason), and
	how many were queued for the background worker."""
	from kdf_app.kdf_members.services.invitations import invite_all

	require_roles()
	return invite_all(bool(int(include_invited or 0)))
