"""Desk endpoints for Topplederprogram sessions."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist()
def default_session() -> str | None:
	"""The session a participant list opens with: the next one to start, or else the most recent."""
	from kdf_app.services.sessions import default_session as pick

	require_roles()
	return pick()


@frappe.whitelist()
def participants_by_organisation(session: str) -> list[dict]:
	"""The session form's participants overview, grouped by organisation (secretariat only)."""
	from kdf_app.services.participants import participants_by_organisation as grouped

	require_roles()
	return grouped(session)
