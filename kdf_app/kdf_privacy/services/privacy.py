"""Privacy: what KDF holds about the logged-in member (their own data only), and the public notice's facts.

The export never takes a member argument: it is always the data of the user asking. Of the confidential
process (mentoring, guidance, legal advice) it holds only each case's type and status, never its content,
meeting notes or who the mentor is.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime

from kdf_app.kdf_members.core.newsletter import GROUP
from kdf_app.kdf_members.services.members import require_member

ACCOUNTING_YEARS = 5  # Bokføringsloven § 13: accounting records are kept for five years
PRIVACY_ROUTE = "/personvern"

MEMBER_FIELDS = [
	"name",
	"first_name",
	"last_name",
	"member_name",
	"email",
	"mobile",
	"title",
	"organisation",
	"organisation_name",
	"position_start",
	"membership_status",
	"member_since",
	"user",
	"invitation_sent_on",
	"last_portal_login",
]
REGISTRATION_FIELDS = [
	"name",
	"session",
	"session_title",
	"status",
	"waitlist_position",
	"registered_on",
	"cancelled_on",
	"paying_organisation",
	"invoice_reference",
	"stay_package",
	"extra_night",
	"with_linked_session",
	"dietary_needs",
	"total",
	"late_charge",
	"sales_invoice",
	"topic",
	"evaluation_answered",
]


def _json_safe(value):
	if isinstance(value, dict):
		return {k: _json_safe(v) for k, v in value.items()}
	if isinstance(value, list):
		return [_json_safe(v) for v in value]
	if hasattr(value, "isoformat"):
		return value.isoformat()
	return value


def my_data() -> dict:
	"""Everything KDF holds about the logged-in member, as plain JSON-ready data."""
	member = require_member(
		_("Please log in to download your data."),
		_("Only members have data here to download. Contact the secretariat."),
	)
	record = frappe.db.get_value("Member", member, MEMBER_FIELDS, as_dict=True)
	positions = frappe.get_all(
		"Member Position",
		filters={"parent": member, "parenttype": "Member"},
		fields=["organisation", "title", "from_date", "to_date", "reason"],
		order_by="from_date asc",
	)
	registrations = frappe.get_all(
		"Registration",
		filters={"member": member},
		fields=REGISTRATION_FIELDS,
		order_by="registered_on asc",
	)
	invoice_names = set()
	for reg in registrations:
		reg.price_lines = frappe.get_all(
			"Registration Price Line",
			filters={"parent": reg.name, "parenttype": "Registration"},
			fields=["code", "description", "amount"],
			order_by="idx asc",
		)
		if reg.sales_invoice:
			invoice_names.add(reg.sales_invoice)
	# invoice lines that name this member (session invoices, credit notes, dues) and the registrations' own
	invoice_names |= set(
		frappe.get_all(
			"Sales Invoice Item",
			filters={"kdf_member": member, "parenttype": "Sales Invoice"},
			pluck="parent",
		)
	)
	invoices = []
	for inv in frappe.get_all(
		"Sales Invoice",
		filters={"name": ("in", list(invoice_names) or [""]), "docstatus": ("!=", 2)},
		fields=["name", "posting_date", "customer", "is_return", "return_against", "currency", "docstatus"],
		order_by="posting_date asc",
	):
		lines = frappe.get_all(
			"Sales Invoice Item",
			filters={"parent": inv.name, "kdf_member": member},
			fields=["item_name", "amount"],
		)
		invoices.append(
			{
				"invoice": inv.name,
				"date": inv.posting_date,
				"paying_organisation": inv.customer,
				"credit_note_for": inv.return_against if inv.is_return else None,
				"submitted": bool(inv.docstatus == 1),
				"amount_for_you": flt(sum(flt(li.amount) for li in lines), 2),
				"currency": inv.currency,
			}
		)
	cases = frappe.get_all(
		"Mentoring Case",
		filters={"member": member},
		fields=["case_type", "status"],
		order_by="creation asc",
		ignore_permissions=True,  # type and status only: the member's own, as on /radgivning
	)
	# joining and reported changes (kdf_app.kdf_members.services.membership): what they gave, and their consent
	applications = frappe.get_all(
		"Membership Application",
		# by address only when there is one: an empty filter would match anonymised applications (no e-mail)
		or_filters={"member": member, **({"email": record.email} if record.email else {})},
		fields=[
			"name",
			"applicant_name",
			"email",
			"mobile",
			"title",
			"organisation",
			"start_date",
			"status",
			"reject_reason",
			"consent_on",
			"privacy_notice_version",
			"privacy_notice_date",
			"decided_on",
		],
		order_by="creation asc",
	)
	change_requests = frappe.get_all(
		"Member Change Request",
		filters={"member": member},
		fields=[
			"kind",
			"status",
			"organisation",
			"title",
			"start_date",
			"reason",
			"note",
			"reject_reason",
			"creation",
		],
		order_by="creation asc",
	)
	newsletter = frappe.db.get_value(
		"Email Group Member", {"email_group": GROUP, "email": record.email}, "unsubscribed"
	)
	consent = frappe.db.get_value("Member", member, CONSENT_FIELDS, as_dict=True)
	# named evaluation answers only: an anonymous answer holds nothing that says whose it is
	evaluations = frappe.get_all(
		"Session Evaluation",
		filters={"member": member, "anonymous": 0},
		fields=["name", "session", "session_title", "overall_score", "comments", "takeaway", "creation"],
		order_by="creation asc",
		ignore_permissions=True,  # the member's own answers; members have no desk permission on them
	)
	for ev in evaluations:
		ev.scores = frappe.get_all(
			"Session Evaluation Score",
			filters={"parent": ev.pop("name"), "parenttype": "Session Evaluation"},
			fields=["agenda_item", "score"],
			order_by="idx asc",
			ignore_permissions=True,
		)
	return _json_safe(
		{
			"exported_on": now_datetime(),
			"member": record,
			"position_history": positions,
			"registrations": registrations,
			"invoices": invoices,
			"cases": [{"type": c.case_type, "status": c.status} for c in cases],
			"membership_applications": applications,
			"change_requests": change_requests,
			"evaluations": evaluations,
			"consents": {
				"member_directory": bool(consent.directory_consent),
				"member_directory_changed_on": consent.directory_consent_on,
				"newsletter": bool(consent.newsletter_consent),
				"newsletter_changed_on": consent.newsletter_consent_on,
				"research_use": bool(consent.research_consent),
				"research_use_changed_on": consent.research_consent_on,
				"newsletter_group": GROUP,
				"receives_newsletter": newsletter is not None and not cint(newsletter),
			},
		}
	)


def retention() -> dict:
	"""The retention rules the privacy notice states (from KDF Settings where they are set there)."""
	years = cint(frappe.db.get_single_value("KDF Settings", "case_retention_years"))
	return {"case_years": years, "accounting_years": ACCOUNTING_YEARS}


def ensure_privacy_link() -> None:
	"""The portal footer links to the privacy notice (added once; the secretariat may reword it)."""
	website = frappe.get_single("Website Settings")
	if any((row.url or "").rstrip("/") == PRIVACY_ROUTE for row in website.footer_items):
		return
	website.append("footer_items", {"label": "Personvern", "url": PRIVACY_ROUTE})
	website.flags.ignore_permissions = True
	website.flags.ignore_mandatory = True
	website.save()


def remove_privacy_link() -> None:
	"""Uninstall: the footer link would lead nowhere without the app."""
	website = frappe.get_single("Website Settings")
	keep = [row for row in website.footer_items if (row.url or "").rstrip("/") != PRIVACY_ROUTE]
	if len(keep) != len(website.footer_items):
		website.set("footer_items", keep)
		website.flags.ignore_permissions = True
		website.flags.ignore_mandatory = True
		website.save()


CONSENT_FIELDS = (
	"directory_consent",
	"directory_consent_on",
	"newsletter_consent",
	"newsletter_consent_on",
	"research_consent",
	"research_consent_on",
)


def my_consent(user: str | None = None) -> dict | None:
	"""The logged-in member's consents (Min profil), or None for anyone who is not a member."""
	member = frappe.db.get_value(
		"Member", {"user": user or frappe.session.user}, ["name", "email", *CONSENT_FIELDS], as_dict=True
	)
	if not member:
		return None
	row = (
		frappe.db.get_value(
			"Email Group Member", {"email_group": GROUP, "email": member.email}, "unsubscribed"
		)
		if member.email
		else None
	)
	return {
		"directory": bool(member.directory_consent),
		"directory_on": member.directory_consent_on,
		"newsletter": bool(member.newsletter_consent),
		"newsletter_on": member.newsletter_consent_on,
		"research": bool(member.research_consent),
		"research_on": member.research_consent_on,
		"receives_newsletter": row is not None and not cint(row),
	}


def set_consent(
	directory: bool | None = None, newsletter: bool | None = None, research: bool | None = None
) -> dict:
	"""The member changes their own consents (research use: kdf_app.kdf_members.services.turnover's extract). Saying yes to newsletters here is their own new opt-in: it lifts
	an earlier unsubscribe from KDF's newsletter group (never a global unsubscribe from all e-mail)."""
	member = require_member(
		_("Please log in to change your consents."),
		_("Only members have consents here. Contact the secretariat."),
	)
	doc = frappe.get_doc("Member", member)
	if directory is not None:
		doc.directory_consent = 1 if directory else 0
	if research is not None:
		doc.research_consent = 1 if research else 0
	if newsletter is not None:
		doc.newsletter_consent = 1 if newsletter else 0
		if newsletter and doc.email:
			frappe.db.set_value(
				"Email Group Member",
				{"email_group": GROUP, "email": doc.email, "unsubscribed": 1},
				"unsubscribed",
				0,
			)
			frappe.db.delete(
				"Email Unsubscribe",
				{
					"email": doc.email,
					"reference_doctype": "Email Group",
					"reference_name": GROUP,
					"global_unsubscribe": 0,
				},
			)
	doc.flags.ignore_permissions = True  # the member's own record, on their own request
	doc.save()
	return my_consent()


def kdf_consent() -> dict | None:
	"""Jinja (hooks.py): the logged-in member's consents for the block on /min-profil."""
	return my_consent()
