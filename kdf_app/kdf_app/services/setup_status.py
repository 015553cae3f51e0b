"""What a real install still lacks, for the secretariat: KDF Settings shows it live ("Setup Status") and the
KDF workspace shows it as Frappe's module onboarding ("KDF Setup"), whose steps follow the same checks."""

from dataclasses import asdict, dataclass

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, flt, get_datetime, now_datetime

from kdf_app.shared.core.roles import SECRETARIAT

ONBOARDING = "KDF Setup"


@dataclass
class Check:
	key: str
	label: str
	ok: bool
	detail: str
	step: str | None = None  # the Onboarding Step that follows this check


def _settings():
	return frappe.get_single("KDF Settings")


def outgoing_account(settings=None) -> str | None:
	"""The account KDF e-mails go out through: the chosen sender, else the site's default outgoing one."""
	settings = settings or _settings()
	if settings.email_sender and frappe.db.get_value(
		"Email Account", settings.email_sender, "enable_outgoing"
	):
		return settings.email_sender
	return frappe.db.get_value("Email Account", {"enable_outgoing": 1, "default_outgoing": 1})


def _ehf(settings) -> tuple[bool, str]:
	if settings.ehf_adapter == "HTTP":
		missing = [settings.meta.get_label(f) for f in ("ehf_endpoint", "ehf_api_key") if not settings.get(f)]
		if missing:
			return False, _("Access point HTTP: fill in {0}.").format(", ".join(_(m) for m in missing))
		return True, _("HTTP to {0}").format(settings.ehf_endpoint)
	return True, _("Outbox: EHF files are written to {0} for pickup.").format(settings.ehf_outbox or "—")


def _templates(settings) -> tuple[bool, str]:
	from kdf_app.shared.services.mail import settings_field, shipped_templates

	missing = [
		settings.meta.get_label(settings_field(t["purpose"]))
		for t in shipped_templates()
		if settings.meta.has_field(settings_field(t["purpose"]))
		and not (
			settings.get(settings_field(t["purpose"]))
			and frappe.db.exists("Email Template", settings.get(settings_field(t["purpose"])))
		)
	]
	if missing:
		return False, _("Choose a template for: {0}").format(", ".join(_(m) for m in missing))
	return True, _("A template is chosen for every KDF e-mail.")


def _worker() -> tuple[bool, str]:
	from frappe.utils.background_jobs import get_workers
	from frappe.utils.scheduler import is_scheduler_inactive

	try:
		workers = len(get_workers())
	except Exception:
		workers = 0
	scheduler_on = not is_scheduler_inactive(verbose=False)
	last = frappe.db.get_value(
		"Scheduled Job Type", {"stopped": 0}, "max(last_execution)"
	)  # the scheduler stamps each job it enqueues
	recent = bool(last) and get_datetime(last) > add_to_date(now_datetime(), hours=-2)
	problems = []
	if not scheduler_on:
		problems.append(_("the scheduler is disabled (bench --site SITE enable-scheduler)"))
	elif not recent:
		problems.append(_("the scheduler has not run in the last two hours"))
	if not workers:
		problems.append(_("no background worker is running (bench start, or supervisor in production)"))
	if problems:
		detail = "; ".join(problems)
		return False, detail[:1].upper() + detail[1:]
	return True, _("{0} background workers; scheduler last ran {1}.").format(
		workers, frappe.utils.pretty_date(last)
	)


def checks() -> list[Check]:
	settings = _settings()
	account = outgoing_account(settings)
	ehf_ok, ehf_detail = _ehf(settings)
	templates_ok, templates_detail = _templates(settings)
	worker_ok, worker_detail = _worker()
	return [
		Check(
			"org_number",
			_("KDF's organisation number"),
			bool(settings.org_number),
			settings.org_number or _("Missing: every EHF fails without it."),
			"KDF Organisation Number",
		),
		Check(
			"bank_account",
			_("Bank account number"),
			bool(settings.bank_account),
			settings.bank_account or _("Missing: invoices and EHF need it."),
			"KDF Bank Account",
		),
		Check(
			"email_account",
			_("Outgoing e-mail account"),
			bool(account),
			_("E-mails go out through {0}.").format(account)
			if account
			else _(
				"No outgoing Email Account: a System Manager must add one, then choose it here as sender."
			),
			"KDF E-mail Sender",
		),
		Check("ehf_access_point", _("EHF access point"), ehf_ok, ehf_detail, "KDF EHF Access Point"),
		Check(
			"fees",
			_("Membership fee"),
			flt(settings.membership_fee) > 0,
			frappe.format(settings.membership_fee, {"fieldtype": "Currency"})
			if flt(settings.membership_fee) > 0
			else _("Missing: the dues batch needs the annual dues per member."),
			"KDF Membership Fee",
		),
		Check(
			"email_templates", _("E-mail templates"), templates_ok, templates_detail, "KDF E-mail Templates"
		),
		Check("worker", _("Background worker and scheduler"), worker_ok, worker_detail),
	]


def status() -> dict:
	found = checks()
	return {"checks": [asdict(c) for c in found], "complete": all(c.ok for c in found)}


def sync_onboarding() -> None:
	"""Each onboarding step is complete exactly when its check passes (a step can also become incomplete
	again, e.g. when the e-mail account is removed); the onboarding shows until everything passes."""
	if not frappe.db.exists("Module Onboarding", ONBOARDING):
		return
	found = checks()
	for c in found:
		if c.step and frappe.db.exists("Onboarding Step", c.step):
			if cint(frappe.db.get_value("Onboarding Step", c.step, "is_complete")) != int(c.ok):
				frappe.db.set_value(
					"Onboarding Step", c.step, "is_complete", int(c.ok), update_modified=False
				)
	complete = all(c.ok for c in found if c.step)
	frappe.db.set_value("Module Onboarding", ONBOARDING, "is_complete", int(complete), update_modified=False)


def on_settings_change(doc=None, method=None) -> None:
	"""Hook: KDF Settings saved, an Email Account or Email Template changed."""
	sync_onboarding()


# The onboarding shown on the KDF workspace: one step per check, each opening KDF Settings at its field.
STEPS = [
	("KDF Organisation Number", "org_number", "KDF's own organisasjonsnummer: the seller in every EHF."),
	("KDF Bank Account", "bank_account", "The account number printed on invoices and carried in the EHF."),
	(
		"KDF E-mail Sender",
		"email_sender",
		"The outgoing e-mail account for e-mails to members. A System Manager adds the Email Account first.",
	),
	("KDF EHF Access Point", "ehf_adapter", "Outbox (files for pickup) or HTTP to an access point provider."),
	("KDF Membership Fee", "membership_fee", "The annual dues per member, used by the dues batch."),
	(
		"KDF E-mail Templates",
		"registration_confirmed_template",
		"Which Email Template each KDF e-mail uses (ours unless you choose another).",
	),
]


def setup_onboarding() -> None:
	"""Create the module onboarding and its steps once (records, not fixtures), then mark what is done."""
	for title, field, description in STEPS:
		if not frappe.db.exists("Onboarding Step", title):
			frappe.get_doc(
				{
					"doctype": "Onboarding Step",
					"name": title,
					"title": title,
					"action": "Update Settings",
					"action_label": "Open KDF Settings",
					"reference_document": "KDF Settings",
					"is_single": 1,
					"validate_action": 1,
					"field": field,
					"value_to_validate": "%",
					"description": description,
				}
			).insert(ignore_permissions=True)
	if not frappe.db.exists("Module Onboarding", ONBOARDING):
		frappe.get_doc(
			{
				"doctype": "Module Onboarding",
				"name": ONBOARDING,
				"title": "Set up KDF",
				"subtitle": "Organisation number, bank account, e-mail, EHF, fees and e-mail templates",
				"success_message": "KDF is set up.",
				"documentation_url": "/app/kdf-settings",
				"module": "KDF App",
				"allow_roles": [{"role": SECRETARIAT}],
				"steps": [{"step": title} for title, _field, _description in STEPS],
			}
		).insert(ignore_permissions=True)
	sync_onboarding()
