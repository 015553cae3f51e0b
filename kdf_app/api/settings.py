"""Desk endpoints behind KDF Settings (secretariat only)."""

import frappe

from kdf_app.permissions import require_roles


@frappe.whitelist()
def outgoing_email_accounts(txt: str | None = None, query: str | None = None) -> list[dict]:
	"""The enabled outgoing Email Accounts to choose the sender from: name and address only (never the
	account's settings or password), so the secretariat does not need permission on Email Account."""
	require_roles()
	rows = frappe.get_all(
		"Email Account",
		filters={"enable_outgoing": 1},
		fields=["name", "email_id"],
		order_by="default_outgoing desc, name asc",
		ignore_permissions=True,
	)
	needle = (txt or "").strip().lower()
	return [
		{"value": r.name, "label": f"{r.name} <{r.email_id}>"}
		for r in rows
		if not needle or needle in r.name.lower() or needle in (r.email_id or "").lower()
	]


@frappe.whitelist()
def setup_status() -> dict:
	"""What KDF still lacks for a real install (KDF Settings → Setup Status); keeps the onboarding in step."""
	from kdf_app.kdf_app.services import setup_status as service

	require_roles()
	service.sync_onboarding()
	return service.status()
