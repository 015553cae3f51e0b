"""Organisations are ERPNext Customers with Norwegian numbers (custom fields ``kdf_*``)."""

import frappe
from frappe import _

from kdf_app.kdf_members.core.organisations import KINDS, default_send_ehf
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.core.numbers import peppol_id, validate_area_number, validate_org_number
from kdf_app.shared.services.errors import throw


def validate(doc, method=None):
	kind = doc.customer_group if doc.customer_group in KINDS else None
	if doc.is_new() and kind and default_send_ehf(kind):
		doc.kdf_send_ehf = 1  # public bodies receive EHF; the secretariat may switch it off afterwards
	if not doc.get("kdf_org_number"):
		if kind and kind != "Annen":
			frappe.throw(
				_("A {0} needs an organisation number.").format(_(kind)),
				title=_("Missing organisation number"),
			)
		doc.kdf_peppol_id = None
		if doc.get("kdf_send_ehf"):
			frappe.throw(
				_("E-invoices (EHF) need an organisation number."), title=_("Missing organisation number")
			)
		return
	try:
		doc.kdf_org_number = validate_org_number(doc.kdf_org_number)
		if kind:
			doc.kdf_area_number = validate_area_number(kind, doc.get("kdf_area_number"))
	except DomainError as e:
		throw(e)
	doc.kdf_peppol_id = peppol_id(doc.kdf_org_number)
	other = frappe.db.get_value(
		"Customer", {"kdf_org_number": doc.kdf_org_number, "name": ("!=", doc.name)}, "customer_name"
	)
	if other:
		frappe.throw(
			_("Organisation number {0} is already used by {1}.").format(doc.kdf_org_number, other),
			title=_("Duplicate organisation number"),
			exc=frappe.DuplicateEntryError,
		)
