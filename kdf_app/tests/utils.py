"""Builders for integration tests: every record is made in code, with unique values per call."""

import itertools
import random

import frappe
from frappe.utils import today

from kdf_app.setup.defaults import setup_defaults

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


def make_test_email_account() -> str:
	"""An outgoing account so mails are queued in tests (Frappe skips the SMTP check in tests)."""
	name = "KDF Test Outgoing"
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "post@kdf-test.example",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"smtp_port": 25,
				"no_smtp_authentication": 1,
				"enable_incoming": 0,
			}
		).insert(ignore_permissions=True)
	return name


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


def make_stay_package(name: str, price: float, accommodation_share: float = 0) -> str:
	setup_defaults()
	if not frappe.db.exists("Stay Package", name):
		frappe.get_doc(
			{
				"doctype": "Stay Package",
				"package_name": name,
				"price": price,
				"item": "KDF-DELTAKERAVGIFT",
				"accommodation_share": accommodation_share,
			}
		).insert(ignore_permissions=True)
	return name


def make_session(
	capacity: int = 35, days_to_deadline: int = 10, packages=None, linked: str | None = None, **extra
):
	"""An open, published session in the future with the 2023 prices unless told otherwise."""
	from frappe.utils import add_days, now_datetime

	start = add_days(now_datetime(), days_to_deadline + 14)
	if packages is None:
		packages = {
			make_stay_package("Test med overnatting", 4000, 55): 4000,
			make_stay_package("Test uten overnatting", 1900, 0): 1900,
		}
	doc = frappe.get_doc(
		{
			"doctype": "Topplederprogram Session",
			"session_title": f"Testsamling {frappe.generate_hash(length=5)}",
			"kind": "Topplederprogram",
			"status": "Åpen for påmelding",
			"starts_on": start,
			"ends_on": add_days(start, 1),
			"registration_deadline": add_days(now_datetime(), days_to_deadline),
			"capacity": capacity,
			"participant_fee": 6000,
			"extra_night_price": 2200,
			"combination_discount": 300,
			"linked_session": linked,
			"ou_approved": 1,
			"published": 1,
			"venue_name": "Grand Hotel",
			"stay_packages": [{"stay_package": p, "price": price} for p, price in packages.items()],
			**extra,
		}
	).insert(ignore_permissions=True)
	return doc


def register(session, member, **kwargs):
	return frappe.get_doc(
		{
			"doctype": "Registration",
			"session": session.name if hasattr(session, "name") else session,
			"member": member.name if hasattr(member, "name") else member,
			"invoice_reference": "R-1",
			**kwargs,
		}
	).insert(ignore_permissions=True)


def start_now(session: str, hours_ago: float = 1) -> None:
	"""Move a session so that it started ``hours_ago`` hours ago (deadline passed, ends tomorrow)."""
	from frappe.utils import add_days, add_to_date, now_datetime

	start = add_to_date(now_datetime(), hours=-hours_ago)
	frappe.db.set_value(
		"Topplederprogram Session",
		session,
		{"starts_on": start, "ends_on": add_days(start, 1), "registration_deadline": add_days(start, -7)},
		update_modified=False,
	)
	frappe.clear_document_cache("Topplederprogram Session", session)
