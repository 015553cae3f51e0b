"""Hooks and desk actions on ERPNext's Sales Invoice."""

import frappe

from kdf_app.services import ehf


def on_submit(doc, method=None):
	ehf.on_submit(doc)


@frappe.whitelist(methods=["POST"])
def resend_ehf(invoice: str) -> str:
	"""Build the EHF again (e.g. after fixing the customer's org number) and queue it for sending."""
	si = frappe.get_doc("Sales Invoice", invoice)
	si.check_permission("write")
	if si.docstatus != 1:
		frappe.throw(frappe._("Only submitted invoices can be sent."))
	ehf.prepare(si)
	return frappe.db.get_value("Sales Invoice", invoice, "kdf_ehf_status")
