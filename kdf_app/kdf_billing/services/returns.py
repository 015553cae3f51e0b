"""Credit notes of KDF invoices made the ERPNext way (Sales Invoice → Create → Return / Credit Note).

ERPNext maps the original's taxes onto a return, but the desk then applies the company's default Sales Taxes
template to a return whose original had none (``apply_default_taxes`` when the form's company is set): a
VAT-free KDF invoice's credit note got 25 % VAT. And a return made in the desk keeps its own outstanding
(*Update Outstanding for Self*, on by default), so the invoice it credits stays *Unpaid*.

A credit note of a KDF invoice (a session or dues invoice, or one with lines for KDF members or
registrations) therefore carries the original's taxes — its template and rows, none when it had none — and,
as made, settles the original (ERPNext turns *Update Outstanding for Self* back on by itself, with a message,
when the original's outstanding is smaller than the credit, e.g. after a payment).
"""

import frappe
from frappe import _

from kdf_app.kdf_billing.core.returns import credit_note_taxes, same_taxes


def is_kdf_invoice(name: str) -> bool:
	values = frappe.db.get_value("Sales Invoice", name, ["kdf_session", "kdf_dues_year"], as_dict=True)
	if not values:
		return False
	if values.kdf_session or values.kdf_dues_year:
		return True
	return bool(
		frappe.db.sql(
			"""select 1 from `tabSales Invoice Item` where parent = %s and parenttype = 'Sales Invoice'
			and (ifnull(kdf_member, '') != '' or ifnull(kdf_registration, '') != '') limit 1""",
			name,
		)
	)


def follow_original(doc) -> None:
	"""Before validation of a draft return against a KDF invoice: the original's taxes, and (when made)
	settling the original."""
	if not (doc.is_return and doc.return_against) or doc.docstatus == 2:
		return
	if not is_kdf_invoice(doc.return_against):
		return
	if doc.is_new():
		doc.update_outstanding_for_self = 0
	original = frappe.get_doc("Sales Invoice", doc.return_against)
	original_rows = [t.as_dict(no_default_fields=True) for t in original.get("taxes")]
	rows = [t.as_dict(no_default_fields=True) for t in doc.get("taxes")]
	if same_taxes(doc.taxes_and_charges, rows, original.taxes_and_charges, original_rows):
		return
	doc.taxes_and_charges = original.taxes_and_charges
	doc.set("taxes", [])
	for row in credit_note_taxes(original_rows):
		doc.append("taxes", row)
	frappe.msgprint(
		_("A credit note carries the VAT of the invoice it credits: its taxes are as on {0}.").format(
			original.name
		),
		alert=True,
	)
