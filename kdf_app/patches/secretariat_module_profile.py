"""The secretariat's Module Profile (the KDF workspace only in the desk sidebar) on existing sites, given to the
users who have the Role Profile KDF Sekretariat and no Module Profile yet."""

import frappe

from kdf_app.setup.roles import setup_module_profile
from kdf_app.shared.core.roles import SECRETARIAT_MODULE_PROFILE, SECRETARIAT_PROFILE


def execute():
	setup_module_profile()
	for user in frappe.get_all(
		"User", {"role_profile_name": SECRETARIAT_PROFILE, "module_profile": ("is", "not set")}, pluck="name"
	):
		doc = frappe.get_doc("User", user)
		doc.module_profile = SECRETARIAT_MODULE_PROFILE
		doc.flags.ignore_permissions = True
		doc.save()
