"""Hooks and desk actions on ERPNext's Sales Invoice."""

import frappe

from kdf_app.kdf_billing.services import ehf, invoice_links, returns

DELIVERY_FIELDS = (
	"kdf_ehf_status",
	"kdf_ehf_message",
	"kdf_ehf_sent_on",
	"kdf_ehf_attempts",
	"kdf_ehf_next_try",
)


def before_insert(doc, method=None):
	"""An amendment starts undelivered (the desk's Amend copies every field, the delivery status too)."""
	if doc.amended_from:
		for field in DELIVERY_FIELDS:
			doc.set(field, None)


def before_validate(doc, method=None):
	"""A credit note of a KDF invoice carries the original's taxes and settles it (kdf_app.kdf_billing.services.returns)."""
	returns.follow_original(doc)


def before_submit(doc, method=None):
	invoice_links.refuse_double_invoicing(doc)
	ehf.refuse_if_ehf_would_fail(doc)


def on_submit(doc, method=None):
	invoice_links.link_submitted(doc)
	ehf.on_submit(doc)


def on_cancel(doc, method=None):
	"""A cancelled session invoice frees its registrations to be invoiced again (or by its amendment)."""
	invoice_links.release_cancelled(doc)


@frappe.whitelist()
def ehf_problems(invoice: str) -> list[str]:
	"""For the desk: why this draft's EHF would fail (empty when it would not, or the customer has no EHF)."""
	si = frappe.get_doc("Sales Invoice", invoice)
	si.check_permission("read")
	return ehf.problems_for(si)


@frappe.whitelist(methods=["POST"])
def resend_ehf(invoice: str) -> str:
	"""Send the invoice again after the cause is fixed (e.g. the customer's org number or e-mail address):
	EHF customers get the EHF rebuilt and queued, the others get the PDF e-mailed now."""
	si = frappe.get_doc("Sales Invoice", invoice)
	si.check_permission("write")
	if si.docstatus != 1:
		frappe.throw(frappe._("Only submitted invoices can be sent."))
	if frappe.db.get_value("Customer", si.customer, "kdf_send_ehf"):
		ehf.prepare(si)
	else:
		ehf.email_pdf(si.name)
	return frappe.db.get_value("Sales Invoice", invoice, "kdf_ehf_status")
