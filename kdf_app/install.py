"""Install, migrate and uninstall steps. Everything here is idempotent."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from kdf_app.core.organisations import KINDS

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
		{
			"fieldname": "kdf_ehf_section",
			"fieldtype": "Section Break",
			"label": "Delivery (EHF / E-mail)",
			"insert_after": "terms",
			"collapsible": 1,
			"depends_on": "kdf_ehf_status",
		},
		{
			"fieldname": "kdf_ehf_status",
			"fieldtype": "Select",
			"label": "Delivery Status",
			"options": "\nKlar\nSendt\nFeilet",
			"insert_after": "kdf_ehf_section",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
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

# Which ERPNext documents each of our desk roles may use (read, write, create).
ROLE_PERMISSIONS = {
	"KDF Sekretariat": {
		"Customer": (1, 1, 1),
		"Contact": (1, 1, 1),
		"Address": (1, 1, 1),
		"Customer Group": (1, 0, 0),
		"Sales Invoice": (1, 1, 1),
		"Item": (1, 0, 0),
		"Company": (1, 0, 0),
		"Account": (1, 0, 0),
		"Email Template": (1, 1, 1),
		"Payment Terms Template": (1, 0, 0),
	},
}


def after_install():
	create_custom_fields(CUSTOM_FIELDS, update=True)
	setup_languages()
	setup_permissions()
	default_new_settings()
	if frappe.db.a_row_exists("Company"):
		setup_defaults()
	setup_member_portal()  # on existing sites: the patch member_portal


def after_migrate():
	create_custom_fields(CUSTOM_FIELDS, update=True)
	setup_languages()
	setup_permissions()
	default_new_settings()
	from kdf_app.services.portal import setup_portal

	setup_portal()  # a migrate adds other apps' new portal items enabled: disable them again


def setup_member_portal():
	"""KDF's portal menu, KDF on the login page, no open sign-up, set-password links valid a week."""
	from kdf_app.services.invitations import ensure_link_expiry
	from kdf_app.services.portal import setup_portal, setup_website

	setup_portal()
	setup_website()
	ensure_link_expiry()


def default_new_settings():
	"""Settings fields added in a later version start at their default, not empty."""
	meta = frappe.get_meta("KDF Settings")
	stored = set(frappe.db.sql_list("select field from `tabSingles` where doctype = 'KDF Settings'"))
	for df in meta.fields:
		if (
			df.default is not None
			and df.fieldname not in stored
			and df.fieldtype not in ("Section Break", "Column Break")
		):
			frappe.db.set_single_value("KDF Settings", df.fieldname, df.default)


def after_setup_wizard(args=None):
	setup_defaults()


def setup_languages():
	"""Frappe knows Norwegian as ``no``; our Norwegian texts are bokmål, also offered as ``nb``."""
	if not frappe.db.exists("Language", "nb"):
		frappe.get_doc(
			{"doctype": "Language", "language_code": "nb", "language_name": "Norsk bokmål"}
		).insert(ignore_permissions=True)


def setup_permissions():
	from frappe.permissions import add_permission, update_permission_property

	for role, doctypes in ROLE_PERMISSIONS.items():
		if not frappe.db.exists("Role", role):
			continue
		for doctype, (read, write, create) in doctypes.items():
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0)
			for ptype, value in (
				("read", read),
				("write", write),
				("create", create),
				("report", read),
				("print", read),
				("email", read),
				("export", read),
			):
				update_permission_property(doctype, role, 0, ptype, value, validate=False)


def setup_defaults():
	"""Customer groups, items and settings the app needs; only creates what is missing."""
	for kind in KINDS:
		if not frappe.db.exists("Customer Group", kind):
			frappe.get_doc(
				{
					"doctype": "Customer Group",
					"customer_group_name": kind,
					"parent_customer_group": _root("Customer Group"),
					"is_group": 0,
				}
			).insert(ignore_permissions=True)
	items = {
		"KDF-KONTINGENT": "Medlemskontingent",
		"KDF-DELTAKERAVGIFT": "Deltakeravgift",
		"KDF-EKSTRA-NATT": "Ekstra overnatting",
		"KDF-OPPHOLDSPAKKE": "Oppholdspakke",
	}
	for code, item_name in items.items():
		if not frappe.db.exists("Item", code):
			frappe.get_doc(
				{
					"doctype": "Item",
					"item_code": code,
					"item_name": item_name,
					"item_group": _item_group(),
					"stock_uom": "Nos" if frappe.db.exists("UOM", "Nos") else None,
					"is_stock_item": 0,
					"include_item_in_manufacturing": 0,
					"is_sales_item": 1,
					"is_purchase_item": 0,
				}
			).insert(ignore_permissions=True)
	settings = frappe.get_single("KDF Settings")
	settings.company = (
		settings.company
		or frappe.defaults.get_global_default("company")
		or frappe.db.get_value("Company", {}, "name")
	)
	settings.membership_item = settings.membership_item or "KDF-KONTINGENT"
	settings.participant_fee_item = settings.participant_fee_item or "KDF-DELTAKERAVGIFT"
	settings.extra_night_item = settings.extra_night_item or "KDF-EKSTRA-NATT"
	settings.stay_package_item = settings.stay_package_item or "KDF-OPPHOLDSPAKKE"
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	if settings.company:
		from kdf_app.services.taxes import ensure_tax_setup

		ensure_tax_setup(settings.company)


def _root(doctype):
	return frappe.db.get_value(
		doctype, {"is_group": 1, "parent_" + frappe.scrub(doctype): ("in", ("", None))}
	) or ("All Customer Groups")


def _item_group():
	return "Services" if frappe.db.exists("Item Group", "Services") else _root("Item Group")


def before_uninstall():
	"""Remove what the app added to ERPNext doctypes so a reinstall starts clean."""
	for doctype, fields in CUSTOM_FIELDS.items():
		for f in fields:
			name = f"{doctype}-{f['fieldname']}"
			if frappe.db.exists("Custom Field", name):
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	for role in ROLE_PERMISSIONS:
		frappe.db.delete("Custom DocPerm", {"role": role})
	frappe.clear_cache()
	print(_("KDF custom fields removed; customers, contacts and invoices are kept."))
