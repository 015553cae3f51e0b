"""What KDF needs in ERPNext before its first invoice: its NOK price list, its items and customer groups, KDF Settings
pointing at them, new settings fields at their default and the setup checklist. Only what is missing is made;
uninstall deletes each one that no invoice or customer uses (kdf_app.setup.uninstall)."""

import frappe

from kdf_app.kdf_members.core.organisations import KINDS

PRICE_LIST = (
	"KDF Salg"  # KDF's own selling price list (NOK); every KDF invoice uses the one named in settings
)
ITEMS = {
	"KDF-KONTINGENT": "Medlemskontingent",
	"KDF-DELTAKERAVGIFT": "Deltakeravgift",
	"KDF-EKSTRA-NATT": "Ekstra overnatting",
	"KDF-OPPHOLDSPAKKE": "Oppholdspakke",
}


def ensure_price_list() -> str:
	"""KDF's own NOK selling price list, named in KDF Settings: invoices never take the site's default
	(which may be in another currency and make ERPNext look up an exchange rate)."""
	if not frappe.db.exists("Price List", PRICE_LIST):
		frappe.get_doc(
			{
				"doctype": "Price List",
				"price_list_name": PRICE_LIST,
				"currency": "NOK",
				"selling": 1,
				"buying": 0,
				"enabled": 1,
			}
		).insert(ignore_permissions=True)
	if not frappe.db.get_single_value("KDF Settings", "price_list"):
		frappe.db.set_single_value("KDF Settings", "price_list", PRICE_LIST)
	return PRICE_LIST


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
	for code, item_name in ITEMS.items():
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
	ensure_price_list()
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
	settings.price_list = settings.price_list or PRICE_LIST
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	if settings.company:
		from kdf_app.kdf_billing.services.taxes import ensure_tax_setup

		ensure_tax_setup(settings.company)


def _root(doctype):
	return frappe.db.get_value(
		doctype, {"is_group": 1, "parent_" + frappe.scrub(doctype): ("in", ("", None))}
	) or ("All Customer Groups")


def _item_group():
	return "Services" if frappe.db.exists("Item Group", "Services") else _root("Item Group")


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


def setup_onboarding():
	from kdf_app.kdf_app.services.setup_status import setup_onboarding as create

	create()


def remove_onboarding() -> None:
	"""Uninstall: the setup checklist (Module Onboarding) and its steps."""
	from kdf_app.kdf_app.services.setup_status import ONBOARDING

	if frappe.db.exists("Module Onboarding", ONBOARDING):
		steps = frappe.get_all("Onboarding Step Map", {"parent": ONBOARDING}, pluck="step")
		frappe.delete_doc("Module Onboarding", ONBOARDING, ignore_permissions=True, force=True)
		for step in steps:
			frappe.delete_doc("Onboarding Step", step, ignore_permissions=True, force=True)
