"""The member portal is KDF's: its menu, its name on the login page, its language."""

import frappe

APP_NAME = "KDF"  # "Logg inn på KDF" on the login page
BRAND = "Norsk Kommunedirektørforum"


def kdf_menu_items() -> list[dict]:
	return [i for i in frappe.get_hooks("standard_portal_menu_items", app_name="kdf_app")]


def setup_portal() -> None:
	"""Portal Settings: our items enabled, with our wording and order; every other app's item disabled (never
	deleted, so ERPNext's own rows stay as ERPNext made them). Runs on install and after every migrate, since
	Frappe's migrate adds new standard items of other apps enabled."""
	settings = frappe.get_single("Portal Settings")
	ours = {i["route"]: i for i in kdf_menu_items()}
	changed = False
	for item in ours.values():
		if not any(row.route == item["route"] for row in settings.menu):
			# Frappe's own sync drops items without a reference doctype on every migrate: put ours back
			settings.append("menu", {**item, "enabled": 1})
			changed = True
	for row in settings.menu:
		item = ours.get(row.route)
		wanted = {"enabled": 1, "title": item["title"], "role": item.get("role")} if item else {"enabled": 0}
		for key, value in wanted.items():
			if row.get(key) != value:
				row.set(key, value)
				changed = True
	# ours after the others, in the hook's order
	order = list(ours)
	rows = sorted(
		settings.menu, key=lambda r: (r.route in ours, order.index(r.route) if r.route in ours else r.idx)
	)
	if [r.name for r in rows] != [r.name for r in settings.menu]:
		for i, row in enumerate(rows, 1):
			row.idx = i
		settings.menu = rows
		changed = True
	if changed or settings.is_new():
		settings.flags.ignore_permissions = True
		settings.save()
	frappe.cache.delete_key("portal_menu_items")


def setup_website() -> None:
	"""The login page names KDF ("Logg inn på KDF") and the site is not open for sign-up: members are
	invited. Only replaces what is empty or Frappe's default, so the secretariat's own choices stay."""
	website = frappe.get_single("Website Settings")
	if not website.app_name or website.app_name == "Frappe":  # Frappe's default: "Login to Frappe"
		website.app_name = APP_NAME
	website.brand_html = website.brand_html or BRAND
	website.disable_signup = 1
	website.hide_footer_signup = 1  # Frappe's newsletter box ("Get Updates") is not KDF's
	website.footer_powered = website.footer_powered or BRAND
	website.flags.ignore_permissions = True
	website.flags.ignore_mandatory = True
	website.save()


def set_site_language(language: str = "no") -> None:
	"""Guests (the login page, the public session pages) see the site's language unless their browser asks
	for one the site has; Norwegian for KDF (kdf-demo sets it; a real site: System Settings → Language)."""
	if frappe.db.get_single_value("System Settings", "language") != language:
		frappe.db.set_single_value("System Settings", "language", language)
		frappe.db.set_default("lang", language)
		frappe.clear_cache()
