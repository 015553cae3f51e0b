"""Integration-test helpers (run with ``bench --site SITE run-tests --app kdf_app``)."""

import frappe


def before_tests():
	"""Complete ERPNext's setup if needed and make a Norwegian company for the tests."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	from kdf_app.tests.utils import make_test_company, make_test_email_account

	make_test_company()
	make_test_email_account()
	# the tests create many portal users; Frappe refuses more than 60 an hour by default
	frappe.local.conf.throttle_user_limit = 100000
	frappe.db.commit()
