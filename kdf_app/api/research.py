"""The anonymised research extract (kdf_app.kdf_members.services.turnover): only for the role KDF Forskningsuttrekk."""

import frappe

from kdf_app.kdf_members.services import turnover as service


@frappe.whitelist(methods=["POST"])
def make_extract(from_year: int | str, to_year: int | str, granularity: str = "year") -> dict:
	"""Make, log and return one extract (a zip, base64) of the tenures of the members who consented, held in
	``from_year``–``to_year``. Refused for anyone without the role, for k below 3 and for too few people."""
	return service.make_extract(from_year, to_year, granularity)
