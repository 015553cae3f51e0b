"""One Frappe module per domain (KDF Members, KDF Programmes, KDF Billing, KDF Advice, KDF Privacy beside KDF App).

Runs before the doctypes are synced from their new folders: the new modules get their Module Def with kdf_app as
their app (Frappe would otherwise guess the app from a module map cached before this upgrade), so reports, print
formats and the KDF Saker workspace resolve to their new folders and the sandbox's list of our doctypes (derived
from the Module Defs of kdf_app) stays complete. Records, custom fields and the secretariat's Module Profile are
not touched: the profile blocks the modules it named, and none of the new ones (they hold what KDF App held)."""

import frappe
from frappe.installer import add_module_defs


def execute():
	frappe.local.app_modules = None
	frappe.cache.delete_value(["app_modules", "installed_app_modules"])
	frappe.setup_module_map()
	add_module_defs("kdf_app", ignore_if_duplicate=True)
	for module in frappe.get_module_list("kdf_app"):
		frappe.db.set_value("Module Def", module, "app_name", "kdf_app", update_modified=False)
