"""Desk endpoints for the bank's files: import one (in the background), confirm a suggestion. Secretariat only."""

import frappe
from frappe import _

from kdf_app.permissions import require_roles


@frappe.whitelist(methods=["POST"])
def import_bank_file(file_url: str, bank_account: str | None = None) -> dict:
	"""Import an uploaded camt.054/camt.053 file into KDF's Bank Account (the chosen one, else KDF Settings')
	in the background; the progress and the result show on the Bank File Import it returns."""
	from kdf_app.kdf_billing.services import bank_import

	require_roles()
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	log = bank_import.start(b"", file.file_name, bank_account or None, source="Desk", file_url=file.file_url)
	return {"name": log}


@frappe.whitelist(methods=["POST"])
def confirm_suggestion(log: str, row: str) -> dict:
	"""Book a suggested payment (one click in report Innbetalinger or on the import)."""
	from kdf_app.kdf_billing.services import bank_import

	require_roles()
	payment_entry = bank_import.confirm(log, row)
	return {"payment_entry": payment_entry, "message": _("Booked as {0}.").format(payment_entry)}


@frappe.whitelist(methods=["POST"])
def kdf_bank_account() -> str:
	"""KDF's Bank Account (made from KDF Settings' account number the first time): the dialog's default."""
	from kdf_app.kdf_billing.services.bank_account import kdf_bank_account as ours

	require_roles()
	return ours()


@frappe.whitelist(methods=["POST"])
def send_dunning(name: str) -> dict:
	"""Send a draft Dunning (Purring / Inkassovarsel) the secretariat reviewed: submitted and e-mailed with its
	PDF to the invoice's address; never twice."""
	from kdf_app.kdf_billing.services import dunning

	require_roles()
	recipient = dunning.send(name)
	return {"recipient": recipient, "message": _("Sent to {0}.").format(recipient)}


@frappe.whitelist(methods=["POST"])
def propose_reminders() -> dict:
	"""Propose the reminders now (the daily job does it too): the drafts made."""
	from kdf_app.kdf_billing.services import dunning

	require_roles()
	return {"drafts": dunning.propose()}


@frappe.whitelist()
def session_payments(session: str) -> list[dict]:
	"""Per organisation invoiced for the session: invoiced, paid and outstanding (the session form)."""
	from kdf_app.kdf_billing.services import receivables

	require_roles()
	frappe.get_doc("Topplederprogram Session", session).check_permission("read")
	return receivables.session_by_organisation(session)
