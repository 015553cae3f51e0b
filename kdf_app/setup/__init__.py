"""Install, migrate and uninstall (the entry points hooks.py names). Every step is idempotent, and what install
makes, uninstall removes (kdf_app.setup.uninstall):

- custom_fields  the fields on Customer, Sales Invoice and its items; the Sales Invoice list's columns
- roles          KDF's roles (kdf_app.shared.core.roles), the secretariat's Role and Module Profiles and permissions
- portal         the member portal's menu and login page, Norwegian bokmål, no tracebacks
- mail           KDF's Email Templates, chosen in KDF Settings
- defaults       price list, items, customer groups, KDF Settings, the setup checklist
"""

import frappe

from kdf_app.setup.custom_fields import setup_custom_fields, setup_sales_invoice_list
from kdf_app.setup.defaults import default_new_settings, ensure_price_list, setup_defaults, setup_onboarding
from kdf_app.setup.mail import setup_templates
from kdf_app.setup.portal import hide_error_tracebacks, setup_languages, setup_member_portal
from kdf_app.setup.roles import (
	setup_module_profile,
	setup_role_profile,
	setup_roles,
	setup_secretariat_permissions,
)
from kdf_app.setup.uninstall import after_uninstall, before_uninstall

__all__ = ["after_install", "after_migrate", "after_setup_wizard", "after_uninstall", "before_uninstall"]


def after_install():
	setup_roles()  # before anything names them (before: the fixture role.json, synced after this hook)
	setup_custom_fields()
	setup_sales_invoice_list()
	from kdf_app.kdf_advice.services.case_vault import ensure_key

	ensure_key()  # the key that seals case content (kdf_app.kdf_advice.services.case_vault), beside the site
	setup_languages()
	setup_role_profile()
	setup_module_profile()
	setup_secretariat_permissions()
	setup_templates()  # on existing sites: the patch create_email_templates
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


def after_migrate():
	setup_roles()  # desk access and home page as KDF wants them (before: the fixture role.json, on every migrate)
	setup_custom_fields()
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


def after_setup_wizard(args=None):
	setup_defaults()
