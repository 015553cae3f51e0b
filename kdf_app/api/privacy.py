"""The member's own data (GDPR art. 15 and 20): always the logged-in user's, never anyone else's."""

import json

import frappe
from frappe.utils import today

from kdf_app.services.privacy import my_data as collect


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
