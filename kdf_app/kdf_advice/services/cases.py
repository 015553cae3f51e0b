"""Confidential cases: matching, notifications that carry no content, the read log and retention."""

import frappe
from frappe import _
from frappe.utils import getdate, today

from kdf_app.kdf_advice.core.cases import (
	ANONYMISED_FIELDS,
	CLOSED_STATUSES,
	LOAD_STATUSES,
	MentorCandidate,
	due_for_anonymisation,
	match,
)

TYPE_FLAG = {
	"Mentorordning": "offers_mentoring",
	"Veiledning": "offers_guidance",
	"Juridisk bistand": "offers_legal",
}


def member_organisations(member: str) -> set[str]:
	return set(
		frappe.get_all("Member Position", {"parent": member, "parenttype": "Member"}, pluck="organisation")
	) | {frappe.db.get_value("Member", member, "organisation")} - {None}


def suggest_mentors(case_name: str) -> dict:
	case = frappe.get_doc("Mentoring Case", case_name)
	load = {}
	for row in frappe.get_all("Mentoring Case", {"status": ("in", list(LOAD_STATUSES))}, ["mentor"]):
		load[row.mentor] = load.get(row.mentor, 0) + 1
	candidates = []
	for m in frappe.get_all(
		"Mentor", {"active": 1}, ["name", "member", "organisation", "region", "capacity", *TYPE_FLAG.values()]
	):
		orgs = member_organisations(m.member) if m.member else set()
		if m.organisation:
			orgs.add(m.organisation)
		candidates.append(
			MentorCandidate(
				m.name,
				m.member,
				frozenset(orgs),
				m.region,
				m.capacity or 0,
				load.get(m.name, 0),
				frozenset(t for t, flag in TYPE_FLAG.items() if m.get(flag)),
			)
		)
	region = (
		frappe.db.get_value(
			"Customer", frappe.db.get_value("Member", case.member, "organisation"), "kdf_county"
		)
		if case.member
		else None
	)
	ok, excluded = match(
		candidates,
		case.case_type,
		case.member,
		member_organisations(case.member) if case.member else set(),
		region,
	)
	return {
		"suggested": [s.__dict__ for s in ok],
		"excluded": [{"mentor": e.mentor, "reasons": [_(r) for r in e.reasons]} for e in excluded],
	}


def notify_assigned(case) -> None:
	"""Tell the mentor a case is waiting — only a link, never content."""
	email = frappe.db.get_value("Mentor", case.mentor, "email")
	if email:
		_send(
			[email],
			"Du har fått tildelt en sak",
			f"<p>Hei,</p><p>Du har fått tildelt en sak i Norsk Kommunedirektørforum. Logg inn for å se den: "
			f'<a href="{frappe.utils.get_url_to_form("Mentoring Case", case.name)}">åpne saken</a>.</p>',
		)


def notify_member(case) -> None:
	"""Tell the member the status changed — only a link to the portal."""
	email = frappe.db.get_value("Member", case.member, "email") if case.member else None
	if email:
		_send(
			[email],
			"Oppdatering i saken din",
			f"<p>Hei,</p><p>Det er en oppdatering i saken din hos Norsk Kommunedirektørforum. Logg inn for å se "
			f'status: <a href="{frappe.utils.get_url("/radgivning")}">medlemssidene</a>.</p>',
		)


def _send(recipients, subject, message):
	from kdf_app.shared.services.mail import sender

	try:
		frappe.sendmail(recipients=recipients, sender=sender(), subject=subject, message=message, now=False)
	except frappe.OutgoingEmailError:
		frappe.log_error(title="KDF case notification not queued")


def anonymise(case_name: str) -> None:
	"""Remove every name and free text; keep the statistics fields."""
	frappe.db.set_value(
		"Mentoring Case",
		case_name,
		{**dict.fromkeys(ANONYMISED_FIELDS), "anonymised_on": today()},
		update_modified=False,
	)
	frappe.db.delete("Case Meeting", {"parent": case_name, "parenttype": "Mentoring Case"})
	for doctype in ("Version", "Comment", "Communication", "File"):
		field = (
			"docname"
			if doctype == "Version"
			else ("reference_name" if doctype != "File" else "attached_to_name")
		)
		frappe.db.delete(doctype, {field: case_name})


def anonymise_due_cases(on=None) -> list[str]:
	"""Daily: anonymise closed cases older than the retention period in KDF Settings."""
	years = frappe.db.get_single_value("KDF Settings", "case_retention_years") or 0
	on = getdate(on or today())
	done = []
	for c in frappe.get_all(
		"Mentoring Case",
		{"status": ("in", list(CLOSED_STATUSES)), "anonymised_on": ("is", "not set")},
		["name", "end_date", "modified"],
	):
		if due_for_anonymisation(getdate(c.end_date or c.modified), on, years):
			anonymise(c.name)
			done.append(c.name)
	return done
