"""Desk endpoints for invoicing."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist(methods=["POST"])
def create_session_invoices(session: str) -> dict:
	"""Start invoicing the session in the background (one Sales Invoice per due registration; re-running
	creates no duplicates). The progress shows on the session; a second start while it runs is refused."""
	from kdf_app.kdf_billing.services.invoicing import start_invoicing

	require_roles()
	frappe.get_doc("Topplederprogram Session", session).check_permission("write")
	return start_invoicing(session)
