"""Desk endpoints for invoicing."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist(methods=["POST"])
def create_session_invoices(session: str) -> list[str]:
	"""One Sales Invoice per due registration of the session; re-running creates no duplicates."""
	from kdf_app.services.invoicing import create_session_invoices as run

	require_roles()
	return run(session)
