"""Builders for integration tests: every record is made in code, with unique values per call."""

import itertools
import random

import frappe
from frappe.tests.utils import FrappeTestCase
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


# --- users, members with a login, acting as someone -------------------------------------------------------


def make_user(
	roles=(), user_type: str = "System User", email: str | None = None, profile: str | None = None, **values
) -> str:
	"""A user with these roles (or the roles of the Role Profile ``profile``), unique unless ``email`` is given;
	a user that already has that ``email`` is kept as it is."""
	email = email or f"user-{frappe.generate_hash(length=8)}@example.no"
	if frappe.db.exists("User", email):
		return email
	doc = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Test",
			"user_type": user_type,
			"send_welcome_email": 0,
			"roles": [{"role": r} for r in roles],
			**values,
		}
	)
	if profile:
		doc.role_profile_name = profile
	return doc.insert(ignore_permissions=True).name


def roles_of(user: str) -> set[str]:
	return set(frappe.get_all("Has Role", {"parent": user, "parenttype": "User"}, pluck="role"))


def member_user(organisation: str | None = None, **extra) -> tuple:
	"""A member with a portal login: (Member, user)."""
	member = make_member(organisation, **extra)
	return member, member.create_portal_user()


def as_user(user: str, fn, *args, **kwargs):
	"""``fn(*args, **kwargs)`` as ``user``, then Administrator again."""
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user("Administrator")


class MembersCase(FrappeTestCase):
	"""As Administrator with KDF's test settings, an outgoing mail account and an organisation (``self.org``);
	messages in English (a portal page rendered earlier leaves the request in Norwegian)."""

	def setUp(self):
		frappe.set_user("Administrator")
		self.lang, frappe.local.lang = frappe.local.lang, "en"
		use_test_settings()
		make_test_email_account()
		self.org = make_org()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = self.lang

	as_user = staticmethod(as_user)


def page(path: str, user: str) -> tuple[int, str]:
	"""A portal page rendered for ``user`` in Norwegian: (HTTP status, HTML)."""
	from frappe.utils import set_request
	from frappe.website.serve import get_response

	frappe.set_user(user)
	try:
		frappe.local.lang = "no"
		set_request(method="GET", path=f"/{path}")
		response = get_response(path)
		return response.status_code, response.get_data(as_text=True)
	finally:
		frappe.set_user("Administrator")


def only_members_made_here() -> None:
	"""Batches over every active member on the site see only the ones a test makes (rolled back with it)."""
	frappe.db.set_value("Member", {"membership_status": "Aktiv"}, "membership_status", "Utmeldt")


# --- the Email Queue --------------------------------------------------------------------------------------


def queued_mails(filters: dict) -> list[dict]:
	"""Queued e-mails, oldest first: name, recipients (to), subject, body (its HTML and text parts) and
	attachments (files: {file name: text})."""
	import email
	from email.header import decode_header, make_header

	out = []
	for q in frappe.get_all("Email Queue", filters, ["name", "message"], order_by="creation asc"):
		msg = email.message_from_string(q.message)
		body, files = "", {}
		for part in msg.walk():
			if part.get_filename():
				files[part.get_filename()] = part.get_payload(decode=True).decode("utf-8")
			elif part.get_content_type() in ("text/html", "text/plain"):
				body += part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		recipients = frappe.get_all("Email Queue Recipient", {"parent": q.name}, pluck="recipient")
		subject = str(make_header(decode_header(msg["Subject"] or "")))
		out.append({"name": q.name, "to": recipients, "subject": subject, "body": body, "files": files})
	return out


def mails_about(doctype: str, name: str) -> list[dict]:
	"""The queued e-mails about one record, oldest first."""
	return queued_mails({"reference_doctype": doctype, "reference_name": name})


def mails_to(address: str) -> list[dict]:
	"""The queued e-mails to one address, oldest first."""
	queues = frappe.get_all("Email Queue Recipient", {"recipient": address}, pluck="parent")
	return queued_mails({"name": ("in", queues or [""])})


def password_key(body: str) -> str:
	"""The key of the set-password link in a mail."""
	import re

	found = re.findall(r"/update-password\?key=([0-9a-zA-Z]+)", body)
	assert found, body[:500]
	return found[0]


# --- races: the work of another request in a connection of its own --------------------------------------------


def in_own_connection(site: str, fn, *args):
	"""``fn(*args)`` as Administrator in a new connection to ``site`` (from a thread), committed; its result, or
	``"error: ..."`` (rolled back)."""
	frappe.init(site=site)
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		result = fn(*args)
		frappe.db.commit()
		return result
	except Exception as e:
		frappe.db.rollback()
		return f"error: {e!r}"
	finally:
		frappe.destroy()


def remove_committed(sessions=(), members=(), contacts: bool = False) -> None:
	"""Deletes and commits what a race test committed for the other connections: the sessions with their
	registrations (and the participants' Contacts if ``contacts``), the members with theirs."""
	frappe.db.rollback()
	for session in sessions:
		for name in frappe.get_all("Registration", {"session": session}, pluck="name"):
			contact = frappe.db.get_value("Registration", name, "contact") if contacts else None
			frappe.delete_doc("Registration", name, force=True, ignore_permissions=True)
			if contact:
				frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
		frappe.delete_doc("Topplederprogram Session", session, force=True, ignore_permissions=True)
	for member in members:
		contact = frappe.db.get_value("Member", member, "contact")
		frappe.delete_doc("Member", member, force=True, ignore_permissions=True)
		if contact:
			frappe.delete_doc("Contact", contact, force=True, ignore_permissions=True)
	frappe.db.commit()


def receivable(customer: str) -> float:
	"""What ERPNext's Accounts Receivable report shows outstanding for the customer today (test company)."""
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute
	from frappe.utils import flt

	res = execute(
		frappe._dict(
			company=TEST_COMPANY,
			report_date=today(),
			party_type="Customer",
			party=[customer],
			ageing_based_on="Due Date",
			range="30, 60, 90, 120",
		)
	)
	return sum(flt(r.get("outstanding")) for r in res[1] if isinstance(r, dict) and r.get("voucher_no"))
