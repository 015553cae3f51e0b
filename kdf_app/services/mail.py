"""E-mails from Email Templates through Frappe's e-mail queue."""

import frappe

from kdf_app.services.settings import get_settings


def sender() -> str | None:
	account = get_settings().email_sender
	return frappe.db.get_value("Email Account", account, "email_id") if account else None


def send_template(
	template: str, recipients: list[str], context: dict, reference: tuple[str, str] | None = None
):
	email = frappe.get_doc("Email Template", template).get_formatted_email(context)
	try:
		_queue(email, recipients, reference)
	except frappe.OutgoingEmailError:
		# No outgoing account yet: the registration itself must not fail; the secretariat sees the error log.
		frappe.log_error(
			title=f"KDF e-mail {template} not queued",
			reference_doctype=reference and reference[0],
			reference_name=reference and reference[1],
		)
		frappe.clear_last_message()


def _queue(email: dict, recipients: list[str], reference):
	frappe.sendmail(
		recipients=recipients,
		sender=sender(),
		subject=email["subject"],
		message=email["message"],
		reference_doctype=reference[0] if reference else None,
		reference_name=reference[1] if reference else None,
		now=False,
	)
