"""Existing sites: KDF's own member portal (menu, login page, no open sign-up, week-long set-password links)
and no ERPNext Customer role on members' portal logins (earlier versions let ERPNext add it)."""

import frappe

from kdf_app.custom.user import strip_customer_role
from kdf_app.setup.portal import setup_member_portal


def execute():
	from kdf_app.shared.services.mail import choose_missing_templates, create_missing_templates

	create_missing_templates()  # the invitation's template (kdf-member-invitation), whenever this patch runs
	choose_missing_templates()
	setup_member_portal()
	for user in frappe.get_all("Member", filters={"user": ("is", "set")}, pluck="user"):
		if frappe.db.get_value("User", user, "user_type") == "Website User":
			strip_customer_role(user)
