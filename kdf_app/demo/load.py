"""The demo data set: the official organisations, ~40 fictitious members and, once the session doctypes
exist, the Topplederprogram of 6–7 September 2023. Loading twice changes nothing."""

import json
from pathlib import Path

import frappe

from kdf_app.demo.people import fictitious_members, upcoming_session_dates
from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.kdf_members.core.organisations import parse_rows
from kdf_app.kdf_members.services.organisations import default_csv_path, import_organisations, read_csv
from kdf_app.kdf_programmes.core.sessions import HELD, OPEN
from kdf_app.setup.defaults import setup_defaults

DEMO_COMPANY = {
	"company_name": "Norsk Kommunedirektørforum",
	"company_abbr": "KDF",
	"country": "Norway",
	"currency": "NOK",
	"timezone": "Europe/Oslo",
	"language": "English",
	"chart_of_accounts": "Standard",
	"industry": "Non Profit",
}

DATA = Path(__file__).resolve().parent / "data"  # the demo's data beside its code


def load() -> dict:
	company = complete_erpnext_setup()
	setup_defaults()
	company = nok_company() or company
	association = configure_association()
	orgs = import_organisations()
	references = give_invoice_references()
	members = load_members()
	summary = {
		"erpnext_setup": f"company {company} created" if company else "already done",
		"kdf_settings": ", ".join(association) or "already filled in",
		"organisations_created": len(orgs.created),
		"organisations_rejected": len(orgs.rejected),
		"invoice_references_added": references,
		"members_created": members,
		"session_2023": load_session_2023(),
		"upcoming_session": load_upcoming_session(),
		"bank_payments": load_payments(),  # a camt.054 paying some of the invoices
		"site_language": _norwegian_site(),
	}
	frappe.db.commit()
	return summary


def _norwegian_site() -> str:
	"""Guests (login page, public session pages) see Norwegian; members' users are Norwegian already."""
	from kdf_app.kdf_app.services.portal import set_site_language

	set_site_language("no")
	return "no"


# KDF's own data for the demo: fictitious, but valid (MOD11), so that EHF and dues work end to end.
DEMO_ASSOCIATION = {
	"org_number": "998877660",
	"bank_account": "15031234562",
	"membership_fee": 2500,
}
DEMO_EMAIL_ACCOUNT = {
	"email_account_name": "KDF Demo",
	"email_id": "post@demo.kommunedirektor.no",
	"smtp_server": "localhost",
	"smtp_port": 25,
}


def nok_company() -> str | None:
	"""KDF keeps its books in NOK. On a site whose company is in another currency (ERPNext's test setup makes
	one in USD), the demo makes KDF's own company in NOK and points KDF Settings at it. Returns the company
	when KDF Settings was changed."""
	from kdf_app.kdf_billing.services.taxes import ensure_tax_setup

	settings = frappe.get_single("KDF Settings")
	if settings.company and frappe.db.get_value("Company", settings.company, "default_currency") == "NOK":
		return None
	name = DEMO_COMPANY["company_name"]
	if not frappe.db.exists("Company", name):
		abbr = DEMO_COMPANY["company_abbr"]
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr if not frappe.db.exists("Company", {"abbr": abbr}) else f"{abbr}N",
				"default_currency": "NOK",
				"country": "Norway",
				"chart_of_accounts": "Standard",
				"create_chart_of_accounts_based_on": "Standard Template",
			}
		).insert(ignore_permissions=True)
	settings.company = name
	for field in ("membership_income_account", "event_income_account"):
		account = settings.get(field)
		if account and frappe.db.get_value("Account", account, "company") != name:
			settings.set(field, None)  # an account of the other company cannot be used
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	ensure_tax_setup(name)
	return name


def configure_association() -> list[str]:
	"""Fill what KDF Settings still lacks for invoicing, EHF and dues with the demo's values, and an outgoing
	e-mail account (SMTP on localhost) when the site has none, so e-mails are queued. Never overwrites what
	is set. Returns the labels of what was filled in."""
	settings = frappe.get_single("KDF Settings")
	filled = []
	for field, value in DEMO_ASSOCIATION.items():
		if not settings.get(field):
			settings.set(field, value)
			filled.append(settings.meta.get_label(field))
	if not settings.email_sender:
		settings.email_sender = demo_email_account()
		filled.append(settings.meta.get_label("email_sender"))
	settings.flags.ignore_mandatory = True
	settings.save(ignore_permissions=True)
	return filled


def demo_email_account() -> str:
	"""The site's default outgoing account, or a demo one that queues mail for an SMTP server on localhost."""
	existing = frappe.db.get_value("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}) or (
		frappe.db.get_value("Email Account", {"enable_outgoing": 1})
	)
	if existing:
		return existing
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			**DEMO_EMAIL_ACCOUNT,
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"enable_incoming": 0,
			"no_smtp_authentication": 1,
		}
	)
	account.flags.ignore_validate = True  # no SMTP server to test the connection against on a demo site
	account.insert(ignore_permissions=True)
	return account.name


def give_invoice_references() -> int:
	"""EHF to a public body needs the buyer's reference (ressursnummer), which KDF gets from each kommune; the
	official list has none, so the demo gives each organisation without one a made-up reference
	(``DEMO-<number>``) and the dues batch can send valid EHF. Returns how many were added."""
	missing = frappe.get_all(
		"Customer",
		filters={"kdf_area_number": ("is", "set"), "kdf_invoice_reference": ("is", "not set")},
		fields=["name", "kdf_area_number"],
	)
	for c in missing:
		frappe.db.set_value(
			"Customer", c.name, "kdf_invoice_reference", f"DEMO-{c.kdf_area_number}", update_modified=False
		)
	return len(missing)


def complete_erpnext_setup() -> str | None:
	"""A brand-new site has no company yet: run ERPNext's setup wizard with KDF's own data (Norway, NOK,
	Europe/Oslo, this year's fiscal year), as a new user would in the browser. Returns the company made, or
	None when the site was set up already."""
	if frappe.is_setup_complete() or frappe.db.a_row_exists("Company"):
		return None
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete
	from frappe.utils import now_datetime

	year = now_datetime().year
	setup_complete({**DEMO_COMPANY, "fy_start_date": f"{year}-01-01", "fy_end_date": f"{year}-12-31"})
	frappe.db.commit()
	return DEMO_COMPANY["company_name"]


def _org_index() -> dict:
	return {
		(c.customer_group, c.kdf_area_number): c.name
		for c in frappe.get_all(
			"Customer",
			filters={"kdf_area_number": ("is", "set")},
			fields=["name", "customer_group", "kdf_area_number"],
		)
	}


MEMBER_SHARE = 0.94  # of the organisations, as in KDF (seed 001)


def load_members() -> int:
	"""The ~40 hand-written members of kdf_app/demo/data/members.json (with job histories), then made-up ones
	(kdf_app.demo.people) until 94 % of the organisations have a member."""
	data = json.loads((DATA / "members.json").read_text(encoding="utf-8"))
	orgs = _org_index()
	covered = {
		(m["organisation"]["type"], m["organisation"]["number"])
		for m in data["members"]
		if m["membership_status"] == ACTIVE
	}
	made_up = fictitious_members(_official_organisations(), covered, MEMBER_SHARE)
	return _insert_members(data["members"] + made_up, orgs)


def _official_organisations() -> list[tuple[str, str]]:
	"""(type, number) of every organisation in the official list (not customers added by hand)."""
	accepted, _rejected = parse_rows(read_csv(default_csv_path().read_text(encoding="utf-8")))
	return [(o.kind, o.number) for o in accepted if o.number]


def _insert_members(members: list[dict], orgs: dict) -> int:
	created = 0
	for m in members:
		if frappe.db.exists("Member", {"email": m["email"]}):
			continue
		doc = frappe.new_doc("Member")
		doc.update(
			{
				k: m[k]
				for k in (
					"first_name",
					"last_name",
					"email",
					"mobile",
					"title",
					"position_start",
					"member_since",
					"membership_status",
				)
			}
		)
		doc.organisation = orgs[(m["organisation"]["type"], m["organisation"]["number"])]
		for p in m.get("previous_positions", []):
			doc.append(
				"positions",
				{
					"organisation": orgs[(p["organisation"]["type"], p["organisation"]["number"])],
					"title": p["title"],
					"from_date": p["from_date"],
					"to_date": p["to_date"],
					"reason": p["reason"],
				},
			)
		doc.insert(ignore_permissions=True)
		created += 1
	return created


def load_session_2023() -> str:
	"""The Topplederprogram of 6–7 September 2023 (seed 003) with its packages (what each included at this
	session, as the seed says), agenda, the linked Topplederkonferanse and a few past registrations."""
	data = json.loads((DATA / "topplederprogram-2023.json").read_text(encoding="utf-8"))
	existing = frappe.db.get_value(
		"Topplederprogram Session", {"session_title": data["session"]["session_title"]}
	)
	if existing:
		return existing
	for p in data["stay_packages"]:
		if not frappe.db.exists("Stay Package", p["package_name"]):
			frappe.get_doc({"doctype": "Stay Package", **p}).insert(ignore_permissions=True)
	conference = frappe.get_doc({"doctype": "Topplederprogram Session", **data["conference"]}).insert(
		ignore_permissions=True
	)
	session = frappe.get_doc(
		{
			"doctype": "Topplederprogram Session",
			**data["session"],
			"status": OPEN,
			"linked_session": conference.name,
		}
	).insert(ignore_permissions=True)
	for r in data["registrations"]:
		member = frappe.db.get_value("Member", {"email": r["member"]})
		reg = frappe.get_doc(
			{
				"doctype": "Registration",
				"session": session.name,
				"member": member,
				"deadline_override_reason": "Demo: påmelding fra 2023",
				**{k: v for k, v in r.items() if k not in ("member", "status")},
			}
		)
		reg.flags.kdf_no_email = True
		reg.insert(ignore_permissions=True)
		reg.db_set("status", r["status"])
	session.reload()
	session.status = HELD
	session.save(ignore_permissions=True)
	from kdf_app.kdf_programmes.services.registration.seats import update_counts

	update_counts(session.name)
	return session.name


def load_upcoming_session() -> str:
	"""A Topplederprogram a few months ahead, open for registration, with twelve demo members registered
	(``kdf_app/demo/data/upcoming-session.json``): the portal has a session to register for, and the workspace's
	charts a next session. Made once: a session with its title is never made again."""
	from datetime import timedelta

	from frappe.utils import getdate, nowdate

	data = json.loads((DATA / "upcoming-session.json").read_text(encoding="utf-8"))
	values = dict(data["session"])
	existing = frappe.db.get_value("Topplederprogram Session", {"session_title": values["session_title"]})
	if existing:
		return existing
	starts, ends, deadline = upcoming_session_dates(
		getdate(nowdate()), data["start_after_days"], data["deadline_days_before"], data["duration_hours"]
	)
	values["agenda"] = [
		{**item, "day": (starts + timedelta(days=item["day"])).date()} for item in values["agenda"]
	]
	# what each package includes is this session's: its dinner on a day of the session, the text written from
	# the session's own dates when it is saved (kdf_app.kdf_programmes.core.stay)
	values["stay_packages"] = [
		{
			**{k: v for k, v in p.items() if k != "dinner_day"},
			"dinner_on": (starts + timedelta(days=p["dinner_day"])).date() if "dinner_day" in p else None,
		}
		for p in values["stay_packages"]
	]
	session = frappe.get_doc(
		{
			"doctype": "Topplederprogram Session",
			**values,
			"status": OPEN,
			"starts_on": starts,
			"ends_on": ends,
			"registration_deadline": deadline,
		}
	).insert(ignore_permissions=True)
	emails = [m["email"] for m in json.loads((DATA / "members.json").read_text("utf-8"))["members"]]
	members = frappe.get_all(
		"Member",
		filters={"email": ("in", emails), "membership_status": ACTIVE},
		fields=["name", "organisation"],
		order_by="email asc",
		limit=data["registrations"],
	)
	packages = [p["stay_package"] for p in values["stay_packages"]]
	for i, m in enumerate(members):
		reference = frappe.db.get_value("Customer", m.organisation, "kdf_invoice_reference") or "DEMO"
		reg = frappe.get_doc(
			{
				"doctype": "Registration",
				"session": session.name,
				"member": m.name,
				"stay_package": packages[i % len(packages)],
				"extra_night": int(i % 4 == 0),
				"invoice_reference": reference,
			}
		)
		reg.flags.kdf_no_email = True
		reg.insert(ignore_permissions=True)
	return session.name


def load_payments() -> str:
	"""The bank's camt.054 for some of the demo's invoices (one paid in full, one in part, one without KID but
	with the invoice number in the text, a suggestion), imported once, so the dashboards, report Innbetalinger
	and Mine fakturaer show paid and unpaid. The 2023 session is invoiced first if nothing is."""
	from datetime import timedelta
	from decimal import Decimal

	from frappe.utils import flt, getdate, nowdate

	from kdf_app.kdf_billing.core.bank_file import Payment, build
	from kdf_app.kdf_billing.services import bank_import
	from kdf_app.kdf_billing.services.invoicing import create_session_invoices
	from kdf_app.shared.core.numbers import kid
	from kdf_app.shared.services.settings import get_settings

	if frappe.db.exists(bank_import.LOG, {"source": "Demo", "status": bank_import.DONE}):
		return "already imported"
	frappe.clear_document_cache("KDF Settings", "KDF Settings")  # filled in above, in this process
	settings = get_settings()
	if not (settings.company and settings.bank_account):
		return "KDF Settings lack the company or the bank account"

	def open_invoices():
		return frappe.get_all(
			"Sales Invoice",
			filters={
				"company": settings.company,
				"docstatus": 1,
				"is_return": 0,
				"outstanding_amount": (">", 0),
			},
			fields=["name", "outstanding_amount", "customer_name"],
			order_by="name asc",
			limit=3,
		)

	invoices = open_invoices()
	if not invoices:
		for session in frappe.get_all("Topplederprogram Session", {"status": HELD}, pluck="name"):
			create_session_invoices(session, submit=True)
		invoices = open_invoices()
	if not invoices:
		return "no open invoice to pay"
	day = getdate(nowdate()) - timedelta(days=1)
	payments = []
	for i, si in enumerate(invoices):
		amount = Decimal(str(flt(si.outstanding_amount, 2)))
		if i == 0:  # paid in full, with the KID
			payments.append(
				Payment(f"DEMO-{si.name}", amount, day, kid=kid(si.name), debtor_name=si.customer_name)
			)
		elif i == 1:  # half, with the KID
			half = (amount / 2).quantize(Decimal("0.01"))
			payments.append(
				Payment(f"DEMO-{si.name}", half, day, kid=kid(si.name), debtor_name=si.customer_name)
			)
		else:  # no KID: the invoice number in the free text gives a suggestion
			payments.append(
				Payment(
					f"DEMO-{si.name}", amount, day, text=f"Faktura {si.name}", debtor_name=si.customer_name
				)
			)
	data = build("054", "02", settings.bank_account, payments, message_id=f"DEMO-{nowdate()}")
	log = bank_import.import_now(data, "demo-camt054.xml", source="Demo")
	return f"{log}: {frappe.db.get_value(bank_import.LOG, log, 'status')}"
