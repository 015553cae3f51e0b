"""Install, migrate and uninstall steps. Everything here is idempotent."""

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from kdf_app.kdf_billing.core.delivery import STATUSES as DELIVERY_STATUSES
from kdf_app.kdf_members.core.organisations import KINDS

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

KDF_ROLES = ("KDF Sekretariat", "KDF Medlem", "KDF Saksbehandler", "KDF Mentor")
PRICE_LIST = (
	"KDF Salg"  # KDF's own selling price list (NOK); every KDF invoice uses the one named in settings
)

# The secretariat's desk users get this Role Profile: our role plus ERPNext's Sales User (customers,
# contacts, addresses; items, companies, accounts and price lists read-only). ERPNext's permissions stay
# ERPNext's: nothing is copied into Custom DocPerm. Not Accounts User: it may write Terms and Conditions,
# Cheque Print Templates (which make Print Formats), Payment Requests and other Jinja-rendered records.
SECRETARIAT_PROFILE = "KDF Sekretariat"
# Newsletter Manager: Frappe Newsletters to the group «KDF medlemmer» (Newsletter, Email Group, Email Group Member,
# Marketing Campaign); Frappe renders a newsletter as Jinja, so kdf_app.custom.newsletter refuses template code
# from anyone but a System Manager.
SECRETARIAT_PROFILE_ROLES = ("KDF Sekretariat", "Sales User", "Newsletter Manager")
# The secretariat's desk sidebar: the KDF workspace, not ERPNext's and Frappe's twenty others (Accounting, Stock,
# CRM, Build…). A Module Profile only hides workspaces and desk icons; permissions stay the roles' (Sales Invoice,
# Customer, Contact and Newsletter open from the KDF workspace as before). Created once with every other module
# blocked; a System Manager may unblock modules. A user given the Role Profile gets it (kdf_app.custom.user).
SECRETARIAT_MODULE_PROFILE = "KDF Sekretariat"
KDF_APP = "kdf_app"  # every module of the app (one per domain) stays open to the secretariat
# Invoices: one permission row of our own role added to ERPNext's Sales Invoice (a standard DocPerm row, not
# a Custom DocPerm, so ERPNext's own rows keep coming from ERPNext). A migrate that re-imports ERPNext's
# Sales Invoice drops it; after_migrate adds it back. No cancel, amend or delete.
SECRETARIAT_DOCPERMS = {
	"Sales Invoice": dict(read=1, write=1, create=1, submit=1, print=1, email=1, report=1, export=1),
	# who has paid (kdf_app.kdf_billing.services.bank_import, dunning): the bank's entries and payments read, reminders sent
	"Bank Account": dict(read=1),
	"Bank Transaction": dict(read=1, print=1, report=1, export=1),
	"Payment Entry": dict(read=1, print=1, report=1),
	"Dunning": dict(read=1, write=1, create=1, submit=1, print=1, email=1, report=1),
}


ITEMS = {
	"KDF-KONTINGENT": "Medlemskontingent",
	"KDF-DELTAKERAVGIFT": "Deltakeravgift",
	"KDF-EKSTRA-NATT": "Ekstra overnatting",
	"KDF-OPPHOLDSPAKKE": "Oppholdspakke",
}
# What setup_defaults and the onboarding create; uninstall deletes each one that no invoice or customer uses.
SETUP_DOCS = [
	*(("Item", code) for code in ITEMS),
	*(("Customer Group", kind) for kind in KINDS),
	*(("Role", role) for role in KDF_ROLES),
]


def after_install():
	from kdf_app.shared.services.mail import choose_missing_templates, create_missing_templates

	create_custom_fields(CUSTOM_FIELDS, update=True)
	setup_sales_invoice_list()
	from kdf_app.kdf_advice.services.case_vault import ensure_key

	ensure_key()  # the key that seals case content (kdf_app.kdf_advice.services.case_vault), beside the site
	setup_languages()
	setup_role_profile()
	setup_module_profile()
	setup_secretariat_permissions()
	create_missing_templates()  # on existing sites: the patch create_email_templates
	choose_missing_templates()
	ensure_price_list()
	default_new_settings()
	if frappe.db.a_row_exists("Company"):
		setup_defaults()
	setup_onboarding()
	setup_member_portal()  # on existing sites: the patch member_portal
	hide_error_tracebacks()  # on existing sites: the patch hide_error_tracebacks
	from kdf_app.kdf_members.services.newsletter import sync_all

	sync_all()  # the Email Group «KDF medlemmer»; on existing sites: the patch newsletter_group
	from kdf_app.kdf_privacy.services.privacy import ensure_privacy_link

	ensure_privacy_link()  # also on every migrate


def hide_error_tracebacks():
	"""A refused or failed request answers with a plain message: no traceback to members or guests (System
	Settings, "Show Full Error"). Set once; a System Manager may turn it on again while debugging."""
	frappe.db.set_single_value("System Settings", "allow_error_traceback", 0)


def after_migrate():
	create_custom_fields(CUSTOM_FIELDS, update=True)
	setup_sales_invoice_list()
	setup_languages()
	setup_role_profile()
	setup_secretariat_permissions()
	default_new_settings()
	setup_onboarding()
	from kdf_app.kdf_app.services.portal import setup_portal

	setup_portal()  # a migrate adds other apps' new portal items enabled: disable them again
	from kdf_app.kdf_privacy.services.privacy import ensure_privacy_link

	ensure_privacy_link()  # the portal footer links to /personvern
	from kdf_app.kdf_billing.services.dunning import create_missing_types

	create_missing_types()  # Purring and Inkassovarsel with bokmål texts, once (never overwritten)


# The Sales Invoice list's columns: the amount and the delivery status (EHF / e-mail) beside ERPNext's status,
# also on a laptop's screen (Frappe shows 4 columns up to 1366 px wide: title, tags, status and one field).
# Frappe's own List View Settings, made once: a System Manager's later choice is kept.
SALES_INVOICE_LIST = ("status_field", "grand_total", "kdf_ehf_status")  # title and tags come first


def setup_sales_invoice_list() -> None:
	import json

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


def setup_member_portal():
	"""KDF's portal menu, KDF on the login page, no open sign-up, set-password links valid a week."""
	from kdf_app.kdf_app.services.portal import setup_portal, setup_website
	from kdf_app.kdf_members.services.invitations import ensure_link_expiry

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


def setup_onboarding():
	from kdf_app.kdf_app.services.setup_status import setup_onboarding as create

	create()


def setup_secretariat_permissions():
	for doctype, flags in SECRETARIAT_DOCPERMS.items():
		if frappe.db.exists("DocPerm", {"parent": doctype, "role": "KDF Sekretariat", "permlevel": 0}):
			continue
		row = frappe.get_doc(
			{
				"doctype": "DocPerm",
				"parent": doctype,
				"parenttype": "DocType",
				"parentfield": "permissions",
				"role": "KDF Sekretariat",
				"permlevel": 0,
				"idx": (frappe.db.count("DocPerm", {"parent": doctype}) or 0) + 1,
				**flags,
			}
		)
		row.db_insert()
		frappe.clear_cache(doctype=doctype)


def remove_secretariat_permissions():
	for doctype in SECRETARIAT_DOCPERMS:
		frappe.db.delete("DocPerm", {"parent": doctype, "role": "KDF Sekretariat"})
		frappe.clear_cache(doctype=doctype)


def setup_role_profile():
	"""The Role Profile for the secretariat's users (created if missing; its roles are kept as set)."""
	if frappe.db.exists("Role Profile", SECRETARIAT_PROFILE) or not all(
		frappe.db.exists("Role", r) for r in SECRETARIAT_PROFILE_ROLES
	):
		return
	frappe.get_doc(
		{
			"doctype": "Role Profile",
			"role_profile": SECRETARIAT_PROFILE,
			"roles": [{"role": r} for r in SECRETARIAT_PROFILE_ROLES],
		}
	).insert(ignore_permissions=True)


def setup_module_profile() -> None:
	"""The Module Profile for the secretariat's users (created once: every module but KDF's blocked)."""
	if frappe.db.exists("Module Profile", SECRETARIAT_MODULE_PROFILE):
		return
	modules = frappe.get_all("Module Def", fields=["name", "app_name"])
	blocked = sorted(m.name for m in modules if m.app_name != KDF_APP)
	frappe.get_doc(
		{
			"doctype": "Module Profile",
			"module_profile_name": SECRETARIAT_MODULE_PROFILE,
			"block_modules": [{"module": m} for m in blocked],
		}
	).insert(ignore_permissions=True)


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


def before_uninstall():
	"""Remove what the app added to ERPNext and Frappe so a reinstall starts clean; customers, contacts,
	invoices (and the items and price list they use) are kept."""
	from kdf_app.shared.services.mail import shipped_templates

	for doctype, fields in CUSTOM_FIELDS.items():
		for f in fields:
			name = f"{doctype}-{f['fieldname']}"
			if frappe.db.exists("Custom Field", name):
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	from kdf_app.patches.remove_copied_erpnext_permissions import execute as remove_copied_permissions

	remove_copied_permissions()  # what earlier versions put into Custom DocPerm, if not migrated since
	remove_secretariat_permissions()
	if frappe.db.exists("Role Profile", SECRETARIAT_PROFILE):
		frappe.delete_doc("Role Profile", SECRETARIAT_PROFILE, ignore_permissions=True, force=True)
	if frappe.db.exists("Module Profile", SECRETARIAT_MODULE_PROFILE):
		# its users see every module again: the blocks Frappe copied onto each user go too
		for user in frappe.get_all("User", {"module_profile": SECRETARIAT_MODULE_PROFILE}, pluck="name"):
			frappe.db.delete("Block Module", {"parent": user, "parenttype": "User"})
			frappe.db.set_value("User", user, "module_profile", None, update_modified=False)
			frappe.clear_cache(user=user)
		frappe.delete_doc("Module Profile", SECRETARIAT_MODULE_PROFILE, ignore_permissions=True, force=True)
	for t in shipped_templates():
		if frappe.db.exists("Email Template", t["name"]):
			frappe.delete_doc("Email Template", t["name"], ignore_permissions=True, force=True)
	from kdf_app.kdf_app.services.setup_status import ONBOARDING

	if frappe.db.exists("Module Onboarding", ONBOARDING):
		steps = frappe.get_all("Onboarding Step Map", {"parent": ONBOARDING}, pluck="step")
		frappe.delete_doc("Module Onboarding", ONBOARDING, ignore_permissions=True, force=True)
		for step in steps:
			frappe.delete_doc("Onboarding Step", step, ignore_permissions=True, force=True)
	from kdf_app.kdf_privacy.services.privacy import remove_privacy_link

	remove_privacy_link()  # /personvern goes with the app; the Email Group (and its opt-outs) stays
	frappe.clear_cache()
	print(_("KDF custom fields, templates and settings removed; customers, contacts and invoices are kept."))


def after_uninstall():
	"""After Frappe dropped our doctypes (whose permissions name our roles): what setup made and nothing uses
	any more. Items, customer groups and the price list used by invoices or customers stay, as do roles still
	given to users."""
	for doctype, docname in [("Price List", PRICE_LIST), *SETUP_DOCS]:
		if frappe.db.exists(doctype, docname):
			try:
				frappe.delete_doc(doctype, docname, ignore_permissions=True)
			except (frappe.LinkExistsError, frappe.ValidationError):
				frappe.clear_last_message()
	frappe.db.commit()  # Frappe commits before this hook, not after it
	frappe.clear_cache()
