"""Desk endpoints for Topplederprogram sessions."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist()
def default_session() -> str | None:
	"""The session a participant list opens with: the next one to start, or else the most recent."""
	from kdf_app.services.sessions import default_session as pick

	require_roles()
	return pick()
