"""The member's own data (GDPR art. 15 and 20): always the logged-in user's, never anyone else's."""

import json

import frappe
from frappe import _
from frappe.utils import cint, today

from kdf_app.kdf_privacy.services.privacy import my_data as collect


@frappe.whitelist()
def my_data() -> dict:
	"""Everything KDF holds about the logged-in member. Takes no member: it is always the caller's own."""
	return collect()


@frappe.whitelist()
def download_my_data() -> None:
	"""The same as a JSON file to download (Last ned mine data)."""
	data = collect()
	frappe.response["filename"] = f"kdf-mine-data-{today()}.json"
	frappe.response["filecontent"] = json.dumps(data, ensure_ascii=False, indent=2, default=str)
	frappe.response["type"] = "download"
	frappe.response["content_type"] = "application/json"


@frappe.whitelist()
def my_consent() -> dict | None:
	"""The logged-in member's consents to the member directory and to newsletters."""
	from kdf_app.kdf_privacy.services.privacy import my_consent as consent

	if frappe.session.user == "Guest":
		frappe.throw(_("Please log in."), frappe.PermissionError)
	return consent()


@frappe.whitelist(methods=["POST"])
def set_consent(
	directory: int | str | None = None,
	newsletter: int | str | None = None,
	research: int | str | None = None,
) -> dict:
	"""The logged-in member changes their own consents (never anyone else's: it takes no member)."""
	from kdf_app.kdf_privacy.services.privacy import set_consent as change

	def flag(value):
		return None if value in (None, "") else bool(cint(value))

	return change(flag(directory), flag(newsletter), flag(research))
