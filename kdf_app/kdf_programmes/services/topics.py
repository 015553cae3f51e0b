"""Topics in advance ("innmeldte tema"): what each participant wants to raise, per session, for the opening
reflection. The registration's ``topic`` is at permission level 1 (the secretariat and the member, not the
accountant); the list per session is the secretariat's only, on every path: the report *Session Topics* is
theirs, and the print format *Innmeldte tema* renders what this returns, which is nothing for anyone else."""

import frappe

from kdf_app.kdf_programmes.core.sessions import ATTENDED, CONFIRMED, NO_SHOW, WAITLISTED
from kdf_app.permissions import sees_participant_list
from kdf_app.shared.core.collation import sort_norwegian


def session_topics(session: str, with_waitlist: bool = False) -> list[dict]:
	"""Participant, title, organisation and topic of each registration with a topic, by name (Norwegian order)."""
	if not sees_participant_list():
		return []
	statuses = [CONFIRMED, ATTENDED, NO_SHOW] + ([WAITLISTED] if with_waitlist else [])
	rows = frappe.get_all(
		"Registration",
		filters={"session": session, "status": ("in", statuses), "topic": ("is", "set")},
		fields=[
			"name",
			"participant_name",
			"participant_title",
			"member_name",
			"member_title",
			"paying_organisation",
			"status",
			"topic",
		],
	)
	names = dict(
		frappe.get_all(
			"Customer",
			filters={
				"name": ("in", list({r.paying_organisation for r in rows if r.paying_organisation}) or [""])
			},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	for r in rows:
		r.organisation_name = names.get(r.paying_organisation, r.paying_organisation or "")
		r.member_name = r.participant_name or r.member_name  # members and non-members alike
		r.member_title = r.participant_title or r.member_title
	# read by people: Norwegian order (Å after Ø)
	return sort_norwegian([r for r in rows if (r.topic or "").strip()], key=lambda r: r.member_name)
