"""Reminders in Norwegian on ERPNext's Dunning: *Purring*, then *Inkassovarsel*.

The two Dunning Types are created once for KDF's company with bokmål letter texts (never overwritten on a
migrate: the secretariat's wording stays), with no fee and no interest (municipalities are public bodies; the
secretariat sets them on the Dunning Type if KDF ever wants them). A daily job proposes a draft Dunning for each
open invoice overdue by the days in KDF Settings, a debt collection notice only 14 days after a reminder was sent
(inkassoloven § 9); the secretariat reviews the drafts and sends them (:func:`send`: submitted, e-mailed with the
PDF to the invoice's address). One Dunning per invoice and step: never proposed or sent twice."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, getdate, today

from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.shared.services.settings import get_settings

PURRING, INKASSOVARSEL = "Purring", "Inkassovarsel"
NOTICE_DAYS = (
	14  # inkassoloven § 9: a collection notice at the earliest 14 days after the reminder's due date
)
LANGUAGE = "nb"
PRINT_FORMAT = "Dunning Letter"

TEXTS = {
	PURRING: (
		"<p>Hei {{ customer_name }},</p>"
		"<p>Vi kan ikke se at vi har mottatt betaling for fakturaen nedenfor, som har forfalt. Vi ber om at "
		"utestående beløp betales innen 14 dager, med KID fra fakturaen.</p>"
		"<p>Har dere betalt i mellomtiden, kan dere se bort fra denne purringen.</p>",
		"<p>Spørsmål om fakturaen kan rettes til sekretariatet.</p><p>Med vennlig hilsen<br>{{ company }}</p>",
	),
	INKASSOVARSEL: (
		"<p>Hei {{ customer_name }},</p>"
		"<p>Vi har ikke mottatt betaling for fakturaen nedenfor, selv om vi har sendt purring. Dette er et "
		"inkassovarsel etter inkassoloven § 9.</p>"
		"<p>Er beløpet ikke betalt innen 14 dager etter at dette varselet ble sendt, blir kravet sendt til "
		"inkasso. Da kan det påløpe inkassosalær og forsinkelsesrente.</p>"
		"<p>Har dere innsigelser mot kravet, ber vi dere ta kontakt med oss innen fristen.</p>",
		"<p>Med vennlig hilsen<br>{{ company }}</p>",
	),
}


def type_name(kind: str, company: str) -> str | None:
	"""KDF's Dunning Type of this step for the company. ERPNext keeps a type's title unique on the site, so on a
	site with another company that has one, KDF's is "Purring (ABBR)"."""
	return frappe.db.get_value(
		"Dunning Type", {"company": company, "dunning_type": ("in", [kind, _own_title(kind, company)])}
	)


def _own_title(kind: str, company: str) -> str:
	return f"{kind} ({frappe.get_cached_value('Company', company, 'abbr')})"


def create_missing_types(company: str | None = None) -> list[str]:
	"""Purring and Inkassovarsel for KDF's company, created once (an existing one is left as it is)."""
	company = company or get_settings().company
	if not company or not frappe.db.exists("Company", company):
		return []
	made = []
	for kind, (body, closing) in TEXTS.items():
		if type_name(kind, company):
			continue
		title = (
			_own_title(kind, company) if frappe.db.exists("Dunning Type", {"dunning_type": kind}) else kind
		)
		frappe.get_doc(
			{
				"doctype": "Dunning Type",
				"dunning_type": title,
				"company": company,
				"dunning_fee": 0,
				"rate_of_interest": 0,
				"dunning_letter_text": [
					{
						"language": LANGUAGE if frappe.db.exists("Language", LANGUAGE) else None,
						"is_default_language": 1,
						"body_text": body,
						"closing_text": closing,
					}
				],
			}
		).insert(ignore_permissions=True)
		made.append(kind)
	return made


def _dunned(kind: str, company: str) -> dict[str, list]:
	"""Invoices with a Dunning of this step that is not cancelled: invoice -> [(docstatus, posting_date)]."""
	rows = frappe.db.sql(
		"""select op.sales_invoice, d.docstatus, d.posting_date
		from `tabOverdue Payment` op join `tabDunning` d on d.name = op.parent
		where d.dunning_type = %s and d.docstatus < 2""",
		type_name(kind, company) or "",
		as_dict=True,
	)
	out: dict[str, list] = {}
	for r in rows:
		out.setdefault(r.sales_invoice, []).append((r.docstatus, getdate(r.posting_date)))
	return out


def propose(on=None) -> list[str]:
	"""Daily: a draft Dunning for each open invoice overdue by the settings' days that has none of that step yet.
	Returns the drafts made."""
	settings = get_settings()
	company = settings.company
	if not company:
		return []
	create_missing_types(company)
	on = getdate(on or today())
	made = []
	steps = [
		(PURRING, cint(settings.reminder_after_days)),
		(INKASSOVARSEL, cint(settings.collection_notice_after_days)),
	]
	reminded = _dunned(PURRING, company)
	for kind, days in steps:
		if days <= 0:
			continue
		done = _dunned(kind, company)
		overdue = frappe.get_all(
			"Sales Invoice",
			filters={
				"company": company,
				"docstatus": 1,
				"is_return": 0,
				"outstanding_amount": (">", 0),
				"due_date": ("<=", add_days(on, -days)),
			},
			pluck="name",
			order_by="due_date asc",
		)
		for invoice in overdue:
			if invoice in done:
				continue
			if kind == INKASSOVARSEL and not any(
				status == 1 and add_days(posted, NOTICE_DAYS) <= on
				for status, posted in reminded.get(invoice, [])
			):
				continue  # a notice only after a reminder sent 14 days ago
			made.append(_draft(invoice, kind, company, on))
	return made


def _draft(invoice: str, kind: str, company: str, on) -> str:
	from erpnext.accounts.doctype.dunning.dunning import get_dunning_letter_text
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import create_dunning

	dunning = create_dunning(invoice, ignore_permissions=True)
	dunning_type = frappe.get_doc("Dunning Type", type_name(kind, company))
	dunning.posting_date = on
	dunning.dunning_type = dunning_type.name
	dunning.dunning_fee = dunning_type.dunning_fee
	dunning.rate_of_interest = dunning_type.rate_of_interest
	dunning.income_account = dunning_type.income_account
	dunning.cost_center = dunning_type.cost_center
	text = get_dunning_letter_text(dunning_type=dunning_type.name, doc=dunning.as_dict(), language=LANGUAGE)
	if text:
		dunning.body_text, dunning.closing_text = text.get("body_text"), text.get("closing_text")
		dunning.language = text.get("language")
	dunning.flags.ignore_permissions = True
	dunning.insert()
	return dunning.name


def invoice_address(invoice: str) -> str | None:
	"""Where the organisation's invoices go: the invoice's contact e-mail, else its active member's (as
	kdf_app.kdf_billing.services.ehf.email_pdf)."""
	si = frappe.db.get_value("Sales Invoice", invoice, ["contact_email", "customer"], as_dict=True)
	return si.contact_email or frappe.db.get_value(
		"Member", {"organisation": si.customer, "membership_status": ACTIVE}, "email"
	)


def send(name: str) -> str:
	"""Send a draft Dunning the secretariat reviewed: submitted, then e-mailed with its PDF to the invoice's
	address. A Dunning that was sent (submitted) is not sent again; neither is a second of the same step."""
	dunning = frappe.get_doc("Dunning", name)
	if dunning.docstatus != 0:
		frappe.throw(_("Dunning {0} was sent already.").format(name), title=_("Already sent"))
	invoices = [row.sales_invoice for row in dunning.overdue_payments]
	if not invoices:
		frappe.throw(_("Dunning {0} has no overdue invoice.").format(name))
	kind = next((k for k in TEXTS if type_name(k, dunning.company) == dunning.dunning_type), None)
	sent = _dunned(kind, dunning.company) if kind else {}
	for invoice in invoices:
		if any(status == 1 for status, _posted in sent.get(invoice, [])):
			frappe.throw(
				_("{0} for invoice {1} was sent already.").format(_(kind), invoice), title=_("Already sent")
			)
	recipient = invoice_address(invoices[0])
	if not recipient:
		frappe.throw(
			_(
				"No e-mail address for {0}: set a contact with e-mail on invoice {1}, or an active member."
			).format(dunning.customer, invoices[0])
		)
	dunning.flags.ignore_permissions = True
	dunning.submit()
	try:
		pdf = frappe.attach_print("Dunning", dunning.name, print_format=PRINT_FORMAT, lang=LANGUAGE)
	except Exception as e:  # wkhtmltopdf fetches the print CSS from the site's host_name
		frappe.log_error(
			title=f"Dunning {dunning.name}: no PDF", reference_doctype="Dunning", reference_name=name
		)
		frappe.throw(
			_("The PDF could not be made, so nothing was sent: {0}").format(
				(str(e).strip().splitlines() or [""])[-1][-300:]
			),
			title=_("Not sent"),
		)
	frappe.sendmail(
		recipients=[recipient],
		subject=f"{kind or _('Dunning')}: faktura {', '.join(invoices)} fra {dunning.company}",
		message=f"{dunning.body_text or ''}{dunning.closing_text or ''}",
		attachments=[pdf],
		reference_doctype="Dunning",
		reference_name=dunning.name,
	)
	dunning.add_comment("Info", _("E-mailed to {0}").format(recipient))
	return recipient
