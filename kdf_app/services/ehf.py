"""EHF for ERPNext Sales Invoices: map to kdf_app.core.ehf, attach the XML, send it through an access point."""

import json

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from kdf_app.core import ehf, numbers
from kdf_app.core.i18n import DomainError
from kdf_app.core.invoicing import vat_of_line
from kdf_app.services.errors import render
from kdf_app.services.settings import get_settings

KLAR, SENDT, FEILET = "Klar", "Sendt", "Feilet"


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


def _vat(item, registered: bool):
	rates = [ehf.money(r) for r in json.loads(item.item_tax_rate or "{}").values()]
	return vat_of_line(item.get("kdf_vat_category"), registered, rates)


def document_for(si) -> ehf.Document:
	settings = get_settings()
	registered = settings.vat_setup == "VAT registered"
	sign = -1 if si.is_return else 1
	customer = frappe.db.get_value("Customer", si.customer, ["customer_name", "kdf_org_number"], as_dict=True)
	lines = []
	for item in si.items:
		category, percent = _vat(item, registered)
		qty = abs(flt(item.qty))
		gross = flt(item.price_list_rate) if flt(item.discount_amount) else flt(item.rate)
		lines.append(
			ehf.Line(
				description=item.item_name
				if not item.description
				else frappe.utils.strip_html(item.description),
				quantity=ehf.money(qty),
				unit_price=ehf.money(gross),
				vat_category=category,
				vat_percent=ehf.money(percent),
				allowance=ehf.money(flt(item.discount_amount) * qty),
				allowance_reason=_("Discount") if flt(item.discount_amount) else None,
			)
		)
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
		payment_terms=_("Payment within {0}").format(frappe.utils.formatdate(si.due_date))
		if si.due_date and sign > 0
		else None,
		original_invoice=original.name if original else None,
		original_issue_date=getdate(original.posting_date) if original else None,
	)


def kid(invoice_name: str) -> str:
	"""The KID for an invoice (jinja method for the print format): kdf_app.core.numbers.kid."""
	return numbers.kid(invoice_name)


def build_xml(si) -> bytes:
	return ehf.build(document_for(si))


def attach(si, xml: bytes) -> str:
	"""Attach (or replace) the private file <invoice>.xml on the invoice."""
	file_name = f"{si.name}.xml"
	for old in frappe.get_all(
		"File",
		{"attached_to_doctype": "Sales Invoice", "attached_to_name": si.name, "file_name": file_name},
		pluck="name",
	):
		frappe.delete_doc("File", old, ignore_permissions=True)
	f = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"attached_to_doctype": "Sales Invoice",
			"attached_to_name": si.name,
			"is_private": 1,
			"content": xml,
		}
	)
	f.save(ignore_permissions=True)
	return f.file_url


def set_status(name: str, status: str, message: str | None = None):
	values = {"kdf_ehf_status": status, "kdf_ehf_message": message}
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
	return [render(e) for e in ehf.problems(document_for(si))]


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
	delivery status, so the rest of the batch goes on and nothing is lost."""
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
			frappe.enqueue("kdf_app.services.ehf.email_pdf", invoice=si.name, enqueue_after_commit=True)
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
	set_status(si.name, KLAR)
	frappe.enqueue("kdf_app.services.ehf.send", invoice=si.name, enqueue_after_commit=True)
	return True


def send(invoice: str) -> str:
	"""Send the attached EHF through the configured access point; record the outcome on the invoice."""
	from kdf_app.services.ehf_transport import get_adapter

	file_url = frappe.db.get_value(
		"File",
		{"attached_to_doctype": "Sales Invoice", "attached_to_name": invoice, "file_name": f"{invoice}.xml"},
		"file_url",
	)
	if not file_url:
		set_status(invoice, FEILET, _("No EHF file is attached."))
		return FEILET
	xml = frappe.get_doc("File", {"file_url": file_url}).get_content()
	try:
		reference = get_adapter().send(invoice, xml if isinstance(xml, bytes) else xml.encode("utf-8"))
	except Exception as e:
		set_status(invoice, FEILET, str(e)[:1000])
		frappe.log_error(
			title=f"EHF {invoice} not sent", reference_doctype="Sales Invoice", reference_name=invoice
		)
		return FEILET
	set_status(invoice, SENDT, reference)
	return SENDT


def email_pdf(invoice: str) -> str:
	"""Customers without EHF get the invoice as a PDF (Norwegian print format) by e-mail.

	The outcome is recorded on the invoice (Sendt / Feilet with the reason), so the secretariat sees an
	invoice that never went out and can send it again once the cause is fixed.
	"""
	si = frappe.get_doc("Sales Invoice", invoice)
	recipient = si.contact_email or frappe.db.get_value(
		"Member", {"organisation": si.customer, "membership_status": "Aktiv"}, "email"
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
