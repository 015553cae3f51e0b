"""E-mails from Email Templates through Frappe's e-mail queue.

Which template a KDF e-mail uses is chosen in *KDF Settings → E-mail Templates*; our own wording ships in
``kdf_app/data/email_templates.json`` and is created once (on install, and by a patch on existing sites),
never overwritten, so a System Manager's edits survive every migrate (as frappe/hrms does with HR Settings).

Adding a template later takes three things, nothing else:
  1. one entry in ``kdf_app/data/email_templates.json``: ``{"purpose": "<key>", "name": "kdf-...", ...}``;
  2. one Link field ``<key>_template`` (options Email Template, no default) in KDF Settings;
  3. one lookup key: call ``send_template("<key>", recipients, context)`` where the e-mail is sent.
Install creates the template and chooses it in the field (``choose_missing_templates``); existing sites get
both when patches.txt gets the line ``kdf_app.patches.create_email_templates #<what and when>`` (a comment
makes it a new patch line, so it runs again; it only creates what is missing). The field has no JSON default because Frappe saves a new site's settings (and validates
its links) before our templates exist.
"""

import json

import frappe
from frappe import _

from kdf_app.shared.services.settings import get_settings

DATA_FILE = ("kdf_app", "data", "email_templates.json")


def shipped_templates() -> list[dict]:
	"""Our own templates as shipped in the data file (not a fixture: they are created once, never re-imported)."""
	with open(frappe.get_app_path(*DATA_FILE), encoding="utf-8") as f:
		return json.load(f)


def settings_field(purpose: str) -> str:
	return f"{purpose}_template"


def create_missing_templates() -> list[str]:
	"""Create each shipped template that does not exist yet; an existing one (maybe reworded) is left alone."""
	created = []
	for t in shipped_templates():
		if frappe.db.exists("Email Template", t["name"]):
			continue
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": t["name"],
				"subject": t["subject"],
				"use_html": t.get("use_html", 0),
				"response_html": t.get("response_html"),
				"response": t.get("response"),
			}
		).insert(ignore_permissions=True)
		created.append(t["name"])
	return created


def choose_missing_templates() -> None:
	"""Fill each empty template choice in KDF Settings with our own template (when it exists)."""
	meta = frappe.get_meta("KDF Settings")
	for t in shipped_templates():
		field = settings_field(t["purpose"])
		if (
			meta.has_field(field)
			and not frappe.db.get_single_value("KDF Settings", field)
			and frappe.db.exists("Email Template", t["name"])
		):
			frappe.db.set_single_value("KDF Settings", field, t["name"])


def template_for(purpose: str) -> str:
	"""The Email Template chosen in KDF Settings for ``purpose`` (ours when none is chosen)."""
	chosen = get_settings().get(settings_field(purpose))
	if chosen:
		return chosen
	for t in shipped_templates():
		if t["purpose"] == purpose:
			return t["name"]
	frappe.throw(_("No e-mail template is known for {0}.").format(purpose))


def sender() -> str | None:
	account = get_settings().email_sender
	return frappe.db.get_value("Email Account", account, "email_id") if account else None


def send_template(
	purpose: str,
	recipients: list[str],
	context: dict,
	reference: tuple[str, str] | None = None,
	attachments: list[dict] | None = None,
):
	"""Queue the e-mail for ``purpose`` (a key of the data file, e.g. ``registration_confirmed``);
	``attachments`` as frappe.sendmail takes them (e.g. the .ics of kdf_app.kdf_programmes.services.calendar)."""
	from kdf_app.shared.services.language import members_language

	template = template_for(purpose)
	with members_language():  # Norwegian dates whoever acted (kdf_app.shared.services.language)
		email = frappe.get_doc("Email Template", template).get_formatted_email(context)
	try:
		_queue(email, recipients, reference, attachments)
	except frappe.OutgoingEmailError:
		# No outgoing account yet: the registration itself must not fail; the secretariat sees the error log.
		frappe.log_error(
			title=f"KDF e-mail {template} not queued",
			reference_doctype=reference and reference[0],
			reference_name=reference and reference[1],
		)
		frappe.clear_last_message()


def _queue(email: dict, recipients: list[str], reference, attachments=None):
	frappe.sendmail(
		recipients=recipients,
		sender=sender(),
		subject=email["subject"],
		message=email["message"],
		reference_doctype=reference[0] if reference else None,
		reference_name=reference[1] if reference else None,
		attachments=attachments or None,
		now=False,
	)
