"""The fields KDF adds to ERPNext's doctypes (Customer, Sales Invoice and its items), made on install and on every
migrate (Frappe's create_custom_fields, update=True) and removed on uninstall; and the Sales Invoice list's
columns."""

import json

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from kdf_app.kdf_billing.core.delivery import STATUSES as DELIVERY_STATUSES

CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "kdf_section",
			"fieldtype": "Section Break",
			"label": "KDF",
			"insert_after": "image",
			"collapsible": 0,
		},
		{
			"fieldname": "kdf_org_number",
			"fieldtype": "Data",
			"label": "Organisation Number",
			"insert_after": "kdf_section",
			"in_standard_filter": 1,
			"search_index": 1,
			"length": 9,
			"description": "Organisasjonsnummer, 9 digits (MOD11).",
		},
		{
			"fieldname": "kdf_area_number",
			"fieldtype": "Data",
			"label": "Municipality / County Number",
			"insert_after": "kdf_org_number",
			"length": 6,
			"description": "Kommunenummer (4 digits), fylkesnummer (2) or bydelsnummer (6).",
		},
		{
			"fieldname": "kdf_county",
			"fieldtype": "Data",
			"label": "County",
			"insert_after": "kdf_area_number",
			"in_standard_filter": 1,
		},
		{"fieldname": "kdf_column_break", "fieldtype": "Column Break", "insert_after": "kdf_county"},
		{
			"fieldname": "kdf_send_ehf",
			"fieldtype": "Check",
			"label": "Send EHF",
			"insert_after": "kdf_column_break",
			"description": "Invoices go out as EHF e-invoices (on by default for public bodies).",
		},
		{
			"fieldname": "kdf_peppol_id",
			"fieldtype": "Data",
			"label": "Peppol ID",
			"insert_after": "kdf_send_ehf",
			"read_only": 1,
		},
		{
			"fieldname": "kdf_invoice_reference",
			"fieldtype": "Data",
			"label": "Default Invoice Reference",
			"insert_after": "kdf_peppol_id",
			"description": "The buyer's ressursnummer, used when a registration has none.",
		},
	],
	"Sales Invoice": [
		{
			"fieldname": "kdf_dues_year",
			"fieldtype": "Int",
			"label": "Membership Dues Year",
			"insert_after": "customer",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "kdf_dues_year",
			"search_index": 1,
		},
		{
			"fieldname": "kdf_session",
			"fieldtype": "Link",
			"label": "Topplederprogram Session",
			"options": "Topplederprogram Session",
			"insert_after": "kdf_dues_year",
			"read_only": 1,
			"depends_on": "kdf_session",
			"search_index": 1,
		},
		# on the invoice's first tab, open, where the secretariat looks (not collapsed under Terms)
		{
			"fieldname": "kdf_ehf_section",
			"fieldtype": "Section Break",
			"label": "Delivery (EHF / E-mail)",
			"insert_after": "amended_from",
			"collapsible": 0,
			"depends_on": "kdf_ehf_status",
		},
		{
			"fieldname": "kdf_ehf_status",
			"fieldtype": "Select",
			"label": "Delivery Status",
			"options": "\n" + "\n".join(DELIVERY_STATUSES),
			"insert_after": "kdf_ehf_section",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"in_list_view": 1,  # a column of the Sales Invoice list (kdf_app/public/js/sales_invoice_list.js)
		},
		{
			"fieldname": "kdf_ehf_sent_on",
			"fieldtype": "Datetime",
			"label": "Sent On",
			"insert_after": "kdf_ehf_status",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "kdf_ehf_message",
			"fieldtype": "Small Text",
			"label": "Delivery Message",
			"insert_after": "kdf_ehf_sent_on",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "kdf_ehf_attempts",
			"fieldtype": "Int",
			"label": "Delivery Attempts",
			"insert_after": "kdf_ehf_message",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "kdf_ehf_next_try",
			"fieldtype": "Datetime",
			"label": "Next Try",
			"insert_after": "kdf_ehf_attempts",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"depends_on": "kdf_ehf_next_try",
			"description": "A failed EHF send is tried again after 5 min, 30 min, 2 h and 12 h.",
		},
	],
	"Sales Invoice Item": [
		{
			"fieldname": "kdf_member",
			"fieldtype": "Link",
			"label": "Member",
			"options": "Member",
			"insert_after": "item_name",
			"read_only": 1,
		},
		{
			"fieldname": "kdf_registration",
			"fieldtype": "Link",
			"label": "Registration",
			"options": "Registration",
			"insert_after": "kdf_member",
			"read_only": 1,
		},
		{
			"fieldname": "kdf_line_kind",
			"fieldtype": "Data",
			"label": "KDF Line Kind",
			"insert_after": "kdf_registration",
			"read_only": 1,
			"hidden": 1,
		},
		{
			"fieldname": "kdf_vat_category",
			"fieldtype": "Data",
			"label": "VAT Category",
			"insert_after": "kdf_line_kind",
			"read_only": 1,
			"length": 2,
		},
	],
}


def setup_custom_fields() -> None:
	create_custom_fields(CUSTOM_FIELDS, update=True)


def remove_custom_fields() -> None:
	for doctype, fields in CUSTOM_FIELDS.items():
		for f in fields:
			name = f"{doctype}-{f['fieldname']}"
			if frappe.db.exists("Custom Field", name):
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)


# The Sales Invoice list's columns: the amount and the delivery status (EHF / e-mail) beside ERPNext's status,
# also on a laptop's screen (Frappe shows 4 columns up to 1366 px wide: title, tags, status and one field).
# Frappe's own List View Settings, made once: a System Manager's later choice is kept.
SALES_INVOICE_LIST = ("status_field", "grand_total", "kdf_ehf_status")  # title and tags come first


def setup_sales_invoice_list() -> None:
	if frappe.db.exists("List View Settings", "Sales Invoice"):
		return
	meta = frappe.get_meta("Sales Invoice")
	doc = frappe.new_doc("List View Settings")
	doc.total_fields = str(2 + len(SALES_INVOICE_LIST))
	doc.fields = json.dumps(
		[
			{"fieldname": f, "label": meta.get_label(f) if f != "status_field" else "Status"}
			for f in SALES_INVOICE_LIST
		]
	)
	doc.insert(ignore_permissions=True, set_name="Sales Invoice")


def remove_sales_invoice_list() -> None:
	"""Uninstall: the list's delivery-status column names a field that goes; the settings made here go with it
	(ERPNext's own list returns), one a System Manager changed only loses that column."""
	if not frappe.db.exists("List View Settings", "Sales Invoice"):
		return
	doc = frappe.get_doc("List View Settings", "Sales Invoice")
	fields = json.loads(doc.fields or "[]")
	if [f.get("fieldname") for f in fields] == list(SALES_INVOICE_LIST):
		frappe.delete_doc("List View Settings", doc.name, ignore_permissions=True, force=True)
		return
	kept = [f for f in fields if not (f.get("fieldname") or "").startswith("kdf_")]
	if kept != fields:
		doc.fields = json.dumps(kept)
		doc.save(ignore_permissions=True)
