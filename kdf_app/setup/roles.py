"""KDF's roles (kdf_app.shared.core.roles), the secretariat's Role Profile and Module Profile and its permission rows
on ERPNext's doctypes; each made on install, what a migrate may lose made again, and removed on uninstall."""

import frappe

from kdf_app.shared.core.roles import (
	ROLES,
	SECRETARIAT,
	SECRETARIAT_MODULE_PROFILE,
	SECRETARIAT_PROFILE,
	SECRETARIAT_PROFILE_ROLES,
)

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


def setup_roles() -> None:
	"""Each KDF role with its desk access and home page, on install and on every migrate (what the fixture
	role.json did before: it was imported again on every migrate). A doctype's permissions may have made the
	role already (Frappe makes a missing role with desk access); this sets it as KDF wants it."""
	for role in ROLES:
		wanted = {
			"desk_access": int(role.desk_access),
			"home_page": role.home_page,
			"disabled": 0,
		}  # two-factor login is the System Manager's to switch on: a migrate leaves it as it is
		if not frappe.db.exists("Role", role.name):
			frappe.get_doc({"doctype": "Role", "role_name": role.name, **wanted}).insert(
				ignore_permissions=True
			)
			continue
		stored = frappe.db.get_value("Role", role.name, list(wanted), as_dict=True)
		if any((stored.get(k) or None) != (v or None) for k, v in wanted.items()):
			doc = frappe.get_doc("Role", role.name)
			doc.update(wanted)
			doc.save(ignore_permissions=True)


def setup_secretariat_permissions() -> None:
	for doctype, flags in SECRETARIAT_DOCPERMS.items():
		if frappe.db.exists("DocPerm", {"parent": doctype, "role": SECRETARIAT, "permlevel": 0}):
			continue
		row = frappe.get_doc(
			{
				"doctype": "DocPerm",
				"parent": doctype,
				"parenttype": "DocType",
				"parentfield": "permissions",
				"role": SECRETARIAT,
				"permlevel": 0,
				"idx": (frappe.db.count("DocPerm", {"parent": doctype}) or 0) + 1,
				**flags,
			}
		)
		row.db_insert()
		frappe.clear_cache(doctype=doctype)


def remove_secretariat_permissions() -> None:
	for doctype in SECRETARIAT_DOCPERMS:
		frappe.db.delete("DocPerm", {"parent": doctype, "role": SECRETARIAT})
		frappe.clear_cache(doctype=doctype)


def setup_role_profile() -> None:
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
	"""The Module Profile for the secretariat's users (created once: every module but KDF's blocked). A Module
	Profile only hides workspaces and desk icons; permissions stay the roles'. A System Manager may unblock
	modules; a user given the Role Profile gets it (kdf_app.custom.user)."""
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


def remove_profiles() -> None:
	"""Uninstall: the Role Profile and the Module Profile go; the profile's users see every module again."""
	if frappe.db.exists("Role Profile", SECRETARIAT_PROFILE):
		frappe.delete_doc("Role Profile", SECRETARIAT_PROFILE, ignore_permissions=True, force=True)
	if frappe.db.exists("Module Profile", SECRETARIAT_MODULE_PROFILE):
		# the blocks Frappe copied onto each user go too
		for user in frappe.get_all("User", {"module_profile": SECRETARIAT_MODULE_PROFILE}, pluck="name"):
			frappe.db.delete("Block Module", {"parent": user, "parenttype": "User"})
			frappe.db.set_value("User", user, "module_profile", None, update_modified=False)
			frappe.clear_cache(user=user)
		frappe.delete_doc("Module Profile", SECRETARIAT_MODULE_PROFILE, ignore_permissions=True, force=True)
