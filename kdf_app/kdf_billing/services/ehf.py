"""EHF for ERPNext Sales Invoices: map to kdf_app.kdf_billing.core.ehf, attach the XML, send it through an access point."""

import json
from decimal import Decimal

import frappe
from frappe import _
from frappe.core.doctype.file.file import File
from frappe.utils import cint, flt, format_datetime, getdate, now_datetime

from kdf_app.kdf_billing.core import delivery, ehf
from kdf_app.kdf_billing.core.invoicing import vat_of_line
from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.kdf_programmes.core.sessions import format_date_no
from kdf_app.shared.core import numbers
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import render
from kdf_app.shared.services.language import for_members
from kdf_app.shared.services.settings import get_settings

KLAR, SENDT, NYTT_FORSOK, FEILET = delivery.READY, delivery.SENT, delivery.RETRYING, delivery.FAILED


def _address(name: str | None) -> ehf.Address:
	if not name:
		return ehf.Address()
	a = frappe.db.get_value("Address", name, ["address_line1", "city", "pincode", "country"], as_dict=True)
	if not a:
		return ehf.Address()
	code = (frappe.db.get_value("Country", a.country, "code") or "no").upper()
	return ehf.Address(a.address_line1, a.city, a.pincode, code)


def _company_address(company: str) -> str | None:
	return frappe.db.get_value(
		"Dynamic Link", {"link_doctype": "Company", "link_name": company, "parenttype": "Address"}, "parent"
	)


def _vat_rows(si) -> tuple[list, list[str]]:
	"""ERPNext's VAT rows (charged on the net total) and the rows an EHF cannot carry."""
	rows, other = [], []
	for t in si.get("taxes") or []:
		if t.charge_type == "On Net Total":
			rows.append(t)
		elif flt(t.tax_amount) or flt(t.rate):
			other.append(f"#{t.idx} {t.description or t.account_head}")
	return rows, other


def _rate(item, rows) -> Decimal:
	"""The VAT rate ERPNext charged on this line: each VAT row's rate, or the item's own from its Item Tax
	Template (as erpnext.controllers.taxes_and_totals does)."""
	own = json.loads(item.item_tax_rate or "{}")
	return sum(
		(ehf.money(own[r.account_head] if r.account_head in own else r.rate) for r in rows), Decimal(0)
	)


def _vat_amounts(si, groups: dict, sign: int) -> tuple:
	"""VAT per (category, percent) as ERPNext charged it: each line's net amount (after the header
	discount) at its rate; the øre ERPNext's rounding per tax row leaves go to the largest amount, so the
	categories add up to the invoice's VAT."""
	amounts = {key: ehf.money(sum(t, Decimal(0)) * sign) for key, t in groups.items()}
	diff = ehf.money(flt(si.total_taxes_and_charges) * sign) - sum(amounts.values(), Decimal(0))
	taxed = [k for k in amounts if k[1]]
	if diff and taxed:
		largest = max(taxed, key=lambda k: abs(amounts[k]))
		amounts[largest] += diff
	return tuple((c, p, t) for (c, p), t in amounts.items())


def _facts(si, other_charges: list[str]) -> ehf.InvoiceFacts:
	cash = (
		flt(si.discount_amount)
		if si.get("apply_discount_on") == "Grand Total" and si.get("is_cash_or_non_trade_discount")
		else 0
	)
	return ehf.InvoiceFacts(
		currency=si.currency,
		books_currency=frappe.get_cached_value("Company", si.company, "default_currency") or si.currency,
		party_currency=si.get("party_account_currency") or si.currency,
		cash_discount=ehf.money(abs(cash)),
		write_off=ehf.money(abs(flt(si.write_off_amount))),
		paid_at_sale=ehf.money(abs(flt(si.paid_amount))) if cint(si.get("is_pos")) else Decimal(0),
		tax_included_in_price=any(cint(t.included_in_print_rate) for t in si.get("taxes") or []),
		other_charges=tuple(other_charges),
	)


def expected_totals(si) -> ehf.Totals:
	"""The invoice's own totals as ERPNext computed them (positive on a credit note). The amount due is what
	ERPNext says is due at submit: the rounded total (or grand total) less the advances allocated."""
	sign = -1 if si.is_return else 1
	m = lambda v: ehf.money(flt(v) * sign)  # noqa: E731
	rounded = flt(si.rounded_total)
	return ehf.Totals(
		line_extension=m(si.total),
		allowance_total=m(flt(si.total) - flt(si.net_total)),
		tax_exclusive=m(si.net_total),
		tax=m(si.total_taxes_and_charges),
		tax_inclusive=m(si.grand_total),
		prepaid=m(si.total_advance),
		rounding=m(si.rounding_adjustment) if rounded else ehf.money(0),
		payable=m((rounded or flt(si.grand_total)) - flt(si.total_advance)),
	)


def document_for(si) -> ehf.Document:
	settings = get_settings()
	registered = settings.vat_setup == "VAT registered"
	sign = -1 if si.is_return else 1
	customer = frappe.db.get_value("Customer", si.customer, ["customer_name", "kdf_org_number"], as_dict=True)
	rows, other_charges = _vat_rows(si)
	lines, discounts, vat = [], {}, {}
	for item in si.items:
		rate = _rate(item, rows)
		category, percent = vat_of_line(item.get("kdf_vat_category"), registered, [rate])
		key = (category, ehf.money(percent) if category in ("S", "Z") else ehf.money(0))
		qty = ehf.money(abs(flt(item.qty)))
		amount = ehf.money(flt(item.amount) * sign)  # the line after its own discount (ERPNext's amount)
		gross = ehf.money(flt(item.price_list_rate) if flt(item.discount_amount) > 0 else flt(item.rate))
		allowance = ehf.money(qty * gross) - amount
		if allowance <= 0:
			gross, allowance = ehf.money(flt(item.rate)), Decimal(0)
		lines.append(
			ehf.Line(
				description=item.item_name
				if not item.description
				else frappe.utils.strip_html(item.description),
				quantity=qty,
				unit_price=gross,
				vat_category=category,
				vat_percent=ehf.money(percent),
				allowance=allowance,
				allowance_reason=_("Discount") if allowance else None,
				amount=amount,
			)
		)
		# the header discount ERPNext spread over the lines (net of VAT), per VAT category
		discounts[key] = discounts.get(key, Decimal(0)) + Decimal(
			str(flt(item.amount) - flt(item.net_amount))
		)
		vat.setdefault(key, []).append(Decimal(str(flt(item.net_amount))) * rate / 100)
	reason = "Rabatt" + (
		f" {flt(si.additional_discount_percentage):g} %"
		if flt(si.get("additional_discount_percentage"))
		else ""
	)
	allowances = tuple(
		ehf.Allowance(ehf.money(amount * sign), c, p, reason)
		for (c, p), amount in sorted(discounts.items())
		if ehf.money(amount)
	)
	expected = expected_totals(si)
	original = (
		frappe.db.get_value("Sales Invoice", si.return_against, ["name", "posting_date"], as_dict=True)
		if si.is_return
		else None
	)
	return ehf.Document(
		kind="credit_note" if si.is_return else "invoice",
		number=si.name,
		issue_date=getdate(si.posting_date),
		due_date=getdate(si.due_date) if si.due_date else None,
		currency=si.currency,
		seller=ehf.Party(
			si.company,
			settings.org_number or "",
			_address(si.company_address or _company_address(si.company)),
			vat_registered=registered,
			foretaksregisteret=bool(settings.foretaksregisteret),
		),
		buyer=ehf.Party(customer.customer_name, customer.kdf_org_number or "", _address(si.customer_address)),
		lines=tuple(lines),
		buyer_reference=si.po_no or frappe.db.get_value("Customer", si.customer, "kdf_invoice_reference"),
		note=frappe.utils.strip_html(si.terms or "") or None,
		account_number=settings.bank_account,
		kid=kid(si.name) if settings.use_kid else None,
		payment_terms=for_members("Payment within {0}").format(format_date_no(getdate(si.due_date)))
		if si.due_date and sign > 0
		else None,
		original_invoice=original.name if original else None,
		original_issue_date=getdate(original.posting_date) if original else None,
		allowances=allowances,
		prepaid=expected.prepaid,
		rounding=expected.rounding,
		vat_amounts=_vat_amounts(si, vat, sign),
		expected=expected,
		facts=_facts(si, other_charges),
	)


def kid(invoice_name: str) -> str:
	"""The KID for an invoice (jinja method for the print format): kdf_app.shared.core.numbers.kid."""
	return numbers.kid(invoice_name)


def build_xml(si) -> bytes:
	"""The EHF of the invoice (on submit: the document its ``before_submit`` check found sound)."""
	doc = si.flags.pop("kdf_ehf_document", None) if si.docstatus == 1 else None
	return ehf.build(doc or document_for(si))


def attached_file_url(invoice: str) -> str | None:
	"""The EHF attached to the invoice (the newest XML: Frappe gives the file another name when one by that
	name is already on disk, e.g. after a restore)."""
	return frappe.db.get_value(
		"File",
		{"attached_to_doctype": "Sales Invoice", "attached_to_name": invoice, "file_name": ("like", "%.xml")},
		"file_url",
		order_by="creation desc",
	)


def attach(si, xml: bytes) -> str:
	"""Attach (or replace) the private file <invoice>.xml on the invoice."""
	file_name = f"{si.name}.xml"
	for old in frappe.get_all(
		"File",
		{"attached_to_doctype": "Sales Invoice", "attached_to_name": si.name, "file_name": ("like", "%.xml")},
		pluck="name",
	):
		frappe.delete_doc("File", old, ignore_permissions=True)
	f = InvoiceFile(
		{
			"doctype": "File",
			"file_name": file_name,
			"attached_to_doctype": "Sales Invoice",
			"attached_to_name": si.name,
			"is_private": 1,
			"content": xml,
		}
	)
	f.invoice = si
	f.save(ignore_permissions=True)
	return f.file_url


class InvoiceFile(File):
	"""Frappe's File, whose "attached" line goes on the timeline of the invoice in hand: Frappe loads the
	invoice again only to add that comment, which costs a batch more than building the EHF."""

	invoice = None

	def add_comment_in_reference_doc(self, comment_type, text):
		if self.invoice is not None and self.invoice.name == self.attached_to_name:
			self.invoice.add_comment(comment_type, text)
		else:
			super().add_comment_in_reference_doc(comment_type, text)


def set_status(
	name: str, status: str, message: str | None = None, attempts: int | None = None, next_try=None
):
	"""Record the delivery outcome on the invoice: status, message, attempts so far and the next try."""
	values = {"kdf_ehf_status": status, "kdf_ehf_message": message, "kdf_ehf_next_try": next_try}
	if attempts is not None:
		values["kdf_ehf_attempts"] = attempts
	if status == SENDT:
		values["kdf_ehf_sent_on"] = now_datetime()
	frappe.db.set_value("Sales Invoice", name, values, update_modified=False)


class EHFWouldFail(frappe.ValidationError):
	pass


def sends_ehf(si) -> bool:
	return bool(frappe.db.get_value("Customer", si.customer, "kdf_send_ehf"))


def problems_for(si) -> list[str]:
	"""Why the EHF of this invoice would fail, each message naming whose data is missing; empty when the
	customer does not receive EHF or nothing is missing."""
	if not si.customer or not sends_ehf(si):
		return []
	doc = document_for(si)
	found = [render(e) for e in ehf.problems(doc)]
	# checked in before_submit, built in on_submit: nothing in between changes what the EHF says
	si.flags.kdf_ehf_document = None if found else doc
	return found


def refuse_if_ehf_would_fail(si) -> None:
	"""Before submit: an invoice to an EHF customer whose EHF is sure to fail is refused, saying why.
	Credit notes made when a registration is cancelled are not held up: their outcome is recorded instead."""
	if si.flags.kdf_record_ehf_failure:
		return
	found = problems_for(si)
	if found:
		items = "".join(f"<li>{frappe.utils.escape_html(m)}</li>" for m in found)
		frappe.throw(
			_("{0} receives invoices as EHF, and this EHF would fail:").format(frappe.bold(si.customer))
			+ f"<ul>{items}</ul>"
			+ _("Fix this first, then submit."),
			exc=EHFWouldFail,
			title=_("EHF would fail"),
		)


def submit_or_hold(si) -> bool:
	"""Submit an invoice made by a batch; one whose EHF would fail stays a draft, with the reason in its
	delivery status, so the rest of the batch goes on and nothing is lost.

	A new (not yet inserted) invoice is inserted submitted in one pass, as Frappe's ``submit`` does for a new
	document: ERPNext validates it once instead of on insert and again on submit. The EHF check is the one
	``before_submit`` makes on every invoice (:func:`refuse_if_ehf_would_fail`); when it refuses, the same
	invoice (the same number: nothing was written yet but its name) is inserted as a draft instead."""
	if si.is_new():
		try:
			si.submit()
			return True
		except EHFWouldFail:
			frappe.clear_last_message()
			si.docstatus = 0
			si.insert()
			set_status(si.name, FEILET, "\n".join(problems_for(si)))
			return False
	found = problems_for(si)
	if found:
		set_status(si.name, FEILET, "\n".join(found))
		return False
	si.submit()
	return True


def on_submit(si, method=None):
	"""EHF customers: build, attach, queue for sending. Others: e-mail the PDF."""
	if not frappe.db.get_value("Customer", si.customer, "kdf_send_ehf"):
		if si.get("kdf_session") or si.get("kdf_dues_year"):
			frappe.enqueue(
				"kdf_app.kdf_billing.services.ehf.email_pdf", invoice=si.name, enqueue_after_commit=True
			)
		return
	prepare(si)


def prepare(si) -> bool:
	try:
		xml = build_xml(si)
	except DomainError as e:
		set_status(si.name, FEILET, render(e))
		frappe.msgprint(
			_("EHF could not be made for {0}: {1}").format(si.name, render(e)), indicator="red", alert=True
		)
		return False
	attach(si, xml)
	set_status(si.name, KLAR, attempts=0)  # a resend starts the attempts afresh
	frappe.enqueue("kdf_app.kdf_billing.services.ehf.send", invoice=si.name, enqueue_after_commit=True)
	return True


def send(invoice: str) -> str:
	"""Send the attached EHF through the configured access point; record the outcome on the invoice. A
	failure that may pass is tried again later (kdf_app.kdf_billing.core.delivery: 5 min, 30 min, 2 h, 12 h) by
	:func:`retry_due_sends`; after the last try, or a refusal that waiting will not cure, it is Feilet."""
	from kdf_app.kdf_billing.services.ehf_transport import get_adapter

	attempts = cint(frappe.db.get_value("Sales Invoice", invoice, "kdf_ehf_attempts"))
	file_url = attached_file_url(invoice)
	if not file_url:
		return _send_failed(invoice, attempts, _("No EHF file is attached."), retriable=False)
	xml = frappe.get_doc("File", {"file_url": file_url}).get_content()
	try:
		adapter = get_adapter()
		reference = adapter.send(invoice, xml if isinstance(xml, bytes) else xml.encode("utf-8"))
	except Exception as e:
		frappe.log_error(
			title=f"EHF {invoice} not sent", reference_doctype="Sales Invoice", reference_name=invoice
		)
		# settings missing (a ValidationError) or a refusal (4xx) will not pass by waiting
		retriable = getattr(e, "retriable", not isinstance(e, frappe.ValidationError))
		return _send_failed(invoice, attempts, str(e).strip()[:800], retriable)
	set_status(invoice, SENDT, reference, attempts=attempts + 1)
	return SENDT


def _send_failed(invoice: str, attempts: int, reason: str, retriable: bool) -> str:
	outcome = delivery.after_failure(attempts, now_datetime(), retriable)
	params = [format_datetime(p, "dd.MM.yyyy HH:mm") if p == outcome.next_try else p for p in outcome.params]
	message = f"{reason}\n{_(outcome.message).format(*params)}"
	set_status(invoice, outcome.status, message, attempts=outcome.attempts, next_try=outcome.next_try)
	# each attempt stays on the invoice's timeline
	frappe.get_doc("Sales Invoice", invoice).add_comment("Info", _("EHF not sent: {0}").format(message))
	return outcome.status


def retry_due_sends(limit: int = 100) -> list[str]:
	"""Scheduled every five minutes: queue the EHFs whose next try is due, each as its own job (never two
	for the same invoice at once)."""
	due = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_ehf_status": NYTT_FORSOK, "kdf_ehf_next_try": ("<=", now_datetime())},
		pluck="name",
		order_by="kdf_ehf_next_try asc",
		limit=limit,
	)
	for name in due:
		frappe.enqueue(
			"kdf_app.kdf_billing.services.ehf.send",
			invoice=name,
			queue="short",
			job_id=f"kdf-ehf-send::{name}",
			deduplicate=True,
			now=bool(frappe.flags.in_test),
		)
	return due


def email_pdf(invoice: str) -> str:
	"""Customers without EHF get the invoice as a PDF (Norwegian print format) by e-mail.

	The outcome is recorded on the invoice (Sendt / Feilet with the reason), so the secretariat sees an
	invoice that never went out and can send it again once the cause is fixed.
	"""
	si = frappe.get_doc("Sales Invoice", invoice)
	recipient = si.contact_email or frappe.db.get_value(
		"Member", {"organisation": si.customer, "membership_status": ACTIVE}, "email"
	)
	if not recipient:
		return _email_failed(
			invoice,
			_(
				"No e-mail address: set a contact with e-mail on the invoice, or register an active member at {0}."
			).format(si.customer),
		)
	try:
		pdf = frappe.attach_print("Sales Invoice", si.name, print_format="KDF Faktura", lang="no")
	except Exception as e:
		# logged with the traceback (wkhtmltopdf fetches the print CSS from the site's host_name)
		return _email_failed(
			invoice, _("The PDF could not be made: {0}").format(str(e).strip()[-500:]), traceback=True
		)
	frappe.sendmail(
		recipients=[recipient],
		subject=f"Faktura {si.name} fra {si.company}",
		message=f"<p>Vedlagt følger faktura {si.name}.</p><p>Med vennlig hilsen<br>{si.company}</p>",
		attachments=[pdf],
		reference_doctype="Sales Invoice",
		reference_name=si.name,
	)
	set_status(invoice, SENDT, _("E-mailed to {0}").format(recipient))
	return SENDT


def _email_failed(invoice: str, message: str, traceback: bool = False) -> str:
	set_status(invoice, FEILET, message)
	frappe.log_error(
		title=f"Invoice {invoice} not e-mailed",
		message=None if traceback else message,
		reference_doctype="Sales Invoice",
		reference_name=invoice,
	)
	return FEILET
