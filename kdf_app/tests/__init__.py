"""Integration-test helpers (run with ``bench --site SITE run-tests --app kdf_app``)."""

import frappe


def before_tests():
	"""Complete ERPNext's setup if needed and make a Norwegian company for the tests."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	# The tests create many users (the setup wizard's first); Frappe refuses more than 60 an hour by default,
	# and `bench set-config throttle_user_limit 100000` without -p stores a string Frappe cannot compare with
	# a number. Frappe re-reads the site config during the run, so the test site's config itself is set.
	if not isinstance(frappe.local.conf.get("throttle_user_limit"), int):
		from frappe.installer import update_site_config

		update_site_config("throttle_user_limit", 100000)
	frappe.local.conf.throttle_user_limit = 100000
	erpnext_before_tests()
	from kdf_app.tests.utils import make_test_company, make_test_email_account

	make_test_company()
	make_test_email_account()
	frappe.db.commit()
