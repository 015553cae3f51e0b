"""The Role Profile «KDF Sekretariat» gets Frappe's Newsletter Manager (the secretariat sends newsletters to the
group «KDF medlemmer»); saving the profile gives the role to its users too. Template code in a newsletter is
refused for anyone but a System Manager (kdf_app.custom.newsletter)."""

import frappe

from kdf_app.setup.roles import setup_role_profile
from kdf_app.shared.core.roles import NEWSLETTER_MANAGER as ROLE
from kdf_app.shared.core.roles import SECRETARIAT_PROFILE


def execute():
	if not frappe.db.exists("Role Profile", SECRETARIAT_PROFILE):
		setup_role_profile()
		return
	profile = frappe.get_doc("Role Profile", SECRETARIAT_PROFILE)
	if not frappe.db.exists("Role", ROLE) or any(r.role == ROLE for r in profile.roles):
		return
	profile.append("roles", {"role": ROLE})
	profile.flags.ignore_permissions = True
	profile.save()
	profile.update_all_users()  # now, not only in the background job Role Profile queues
