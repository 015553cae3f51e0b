"""The site as members and guests meet it: KDF's portal menu and login page, Norwegian bokmål, no tracebacks."""

import frappe


def setup_member_portal() -> None:
	"""KDF's portal menu, KDF on the login page, no open sign-up, set-password links valid a week."""
	from kdf_app.kdf_app.services.portal import setup_portal, setup_website
	from kdf_app.kdf_members.services.invitations import ensure_link_expiry

	setup_portal()
	setup_website()
	ensure_link_expiry()


def setup_languages() -> None:
	"""Frappe knows Norwegian as ``no``; our Norwegian texts are bokmål, also offered as ``nb``."""
	if not frappe.db.exists("Language", "nb"):
		frappe.get_doc(
			{"doctype": "Language", "language_code": "nb", "language_name": "Norsk bokmål"}
		).insert(ignore_permissions=True)


def hide_error_tracebacks() -> None:
	"""A refused or failed request answers with a plain message: no traceback to members or guests (System
	Settings, "Show Full Error"). Set once; a System Manager may turn it on again while debugging."""
	frappe.db.set_single_value("System Settings", "allow_error_traceback", 0)


def remove_member_portal() -> None:
	"""Uninstall: KDF's menu items go with their pages (their role KDF Medlem can then go too), and the other apps'
	items, which setup_portal kept disabled, are shown again."""
	from kdf_app.kdf_app.services.portal import kdf_menu_items

	ours = {i["route"] for i in kdf_menu_items()}
	settings = frappe.get_single("Portal Settings")
	settings.menu = [row for row in settings.menu if row.route not in ours]
	for i, row in enumerate(settings.menu, 1):
		row.idx, row.enabled = i, 1
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.cache.delete_key("portal_menu_items")
