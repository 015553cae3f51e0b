"""Desk endpoints for Topplederprogram sessions."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist()
def default_session() -> str | None:
	"""The session a participant list opens with: the next one to start, or else the most recent."""
	from kdf_app.kdf_programmes.services.sessions import default_session as pick

	require_roles()
	return pick()


@frappe.whitelist()
def participants_by_organisation(session: str) -> list[dict]:
	"""The session form's participants overview, grouped by organisation (secretariat only)."""
	from kdf_app.kdf_programmes.services.participants import participants_by_organisation as grouped

	require_roles()
	return grouped(session)


@frappe.whitelist()
def package_includes(
	starts_on: str, ends_on: str | None = None, nights: int = 0, dinner_on: str | None = None
) -> str:
	"""The text a stay package row gets from the session's dates (kdf_app.kdf_programmes.core.stay.includes_text), for the
	session form to propose while the secretariat edits (secretariat only)."""
	from frappe.utils import cint, getdate

	from kdf_app.kdf_programmes.core.stay import includes_text

	require_roles()
	starts = getdate(starts_on)
	return includes_text(
		starts,
		getdate(ends_on) if ends_on else starts,
		cint(nights),
		getdate(dinner_on) if dinner_on else None,
	)
