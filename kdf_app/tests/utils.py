"""Builders for integration tests: every record is made in code, with unique values per call."""

import itertools
import random

import frappe
from frappe.utils import today

from kdf_app.install import setup_defaults

TEST_COMPANY = "KDF Test"
_counter = itertools.count(1)


def make_test_company() -> str:
	if not frappe.db.exists("Company", TEST_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": TEST_COMPANY,
				"abbr": "KDFT",
				"default_currency": "NOK",
				"country": "Norway",
				"chart_of_accounts": "Standard",
				"create_chart_of_accounts_based_on": "Standard Template",
			}
		).insert(ignore_permissions=True)
	return TEST_COMPANY


def org_number(rng=random) -> str:
	"""A random organisation number with a valid MOD11 check digit."""
	while True:
		body = [rng.randint(0, 9) for _ in range(8)]
		body[0] = rng.choice((8, 9))
		check = 11 - sum(w * d for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2), body, strict=True)) % 11
		if check == 10:
			continue
		return "".join(map(str, body)) + str(0 if check == 11 else check)


def use_test_settings(**values):
	"""Point KDF Settings at the test company (rolled back with the test class)."""
	setup_defaults()
	settings = frappe.get_single("KDF Settings")
	settings.company = make_test_company()
	settings.membership_fee = 2500
	settings.membership_income_account = frappe.db.get_value(
		"Account", {"company": TEST_COMPANY, "account_type": "Income Account", "is_group": 0}
	) or frappe.db.get_value("Account", {"company": TEST_COMPANY, "root_type": "Income", "is_group": 0})
	settings.update(values)
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	frappe.clear_document_cache("KDF Settings", "KDF Settings")
	return settings


def make_org(name: str | None = None, kind: str = "Kommune", county: str = "Testfylke", **extra) -> str:
	setup_defaults()
	n = next(_counter)
	number = {
		"Kommune": f"{9000 + n % 999:04d}",
		"Fylkeskommune": f"{n % 99:02d}",
		"Bydel": f"0301{n % 99:02d}",
	}.get(kind)
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name or f"Test {kind} {frappe.generate_hash(length=6)}",
			"customer_type": "Company",
			"customer_group": kind,
			"kdf_org_number": org_number(),
			"kdf_area_number": number,
			"kdf_county": county,
			**extra,
		}
	).insert(ignore_permissions=True)
	return doc.name


def make_member(organisation: str | None = None, title: str = "Kommunedirektør", **extra):
	uid = frappe.generate_hash(length=8)
	doc = frappe.get_doc(
		{
			"doctype": "Member",
			"first_name": "Test",
			"last_name": f"Leder {uid}",
			"email": f"leder-{uid}@example.no",
			"title": title,
			"organisation": organisation or make_org(),
			"position_start": extra.pop("position_start", today()),
			**extra,
		}
	).insert(ignore_permissions=True)
	return doc
