"""The participant list of a session: names, organisations, packages and dietary needs (health data).

Only the secretariat sees it, on every path: the print format Deltakerliste renders what this returns, and it
returns nothing to anyone else, whatever record permissions the print view was opened with."""

import frappe

from kdf_app.kdf_programmes.core.sessions import ATTENDED, CONFIRMED, NO_SHOW, WAITLISTED
from kdf_app.permissions import sees_participant_list
from kdf_app.shared.core.collation import sort_key, sort_norwegian


def participant_list(session: str) -> list[dict]:
	if not sees_participant_list():
		return []
	rows = frappe.get_all(
		"Registration",
		filters={"session": session, "status": ["in", [CONFIRMED, ATTENDED, NO_SHOW]]},
		fields=[
			"participant_name",
			"participant_type",
			"member_name",
			"member_title",
			"participant_title",
			"paying_organisation",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"dietary_needs",
			"status",
		],
	)
	names = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ["in", list({r.paying_organisation for r in rows if r.paying_organisation})]},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	for r in rows:
		r.organisation_name = names.get(r.paying_organisation, "")
		# members and non-members alike (a registration from before participants were copied: the member's)
		r.member_name = r.participant_name or r.member_name
		r.member_title = r.participant_title or r.member_title
	# the list and the badges are read by people: Norwegian order (Å after Ø), not the database's
	return sort_norwegian(rows, key=lambda r: r.member_name)


def participants_by_organisation(session: str) -> list[dict]:
	"""The session's participants (seats and waitlist) grouped by paying organisation, for the session form:
	organisation, then each participant's name, title, member or not, status and who registered them.
	Secretariat only (empty for anyone else); no dietary needs."""
	if not sees_participant_list():
		return []
	rows = frappe.get_all(
		"Registration",
		filters={"session": session, "status": ["in", [CONFIRMED, ATTENDED, NO_SHOW, WAITLISTED]]},
		fields=[
			"name",
			"participant_name",
			"participant_title",
			"participant_type",
			"member_name",
			"paying_organisation",
			"status",
			"waitlist_position",
			"registered_by",
		],
		order_by="registered_on asc, name asc",
	)
	names = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ["in", list({r.paying_organisation for r in rows if r.paying_organisation})]},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	groups: dict = {}
	for r in rows:
		r.participant_name = r.participant_name or r.member_name
		groups.setdefault(r.paying_organisation or "", []).append(r)
	return [
		{"organisation": org, "organisation_name": names.get(org, org), "participants": regs}
		for org, regs in sorted(groups.items(), key=lambda g: sort_key(names.get(g[0], g[0])))
	]
