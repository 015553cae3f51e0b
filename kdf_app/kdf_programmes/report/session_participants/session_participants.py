"""Participant list of a session, with the dietary list for the hotel (print or export it)."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column
from kdf_app.kdf_programmes.core.sessions import ATTENDED, CONFIRMED, NO_SHOW, WAITLISTED
from kdf_app.shared.core.collation import sort_key


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("session"):
		return [], []
	statuses = {
		"participants": [CONFIRMED, ATTENDED, NO_SHOW],
		"waitlist": [WAITLISTED],
		"dietary": [CONFIRMED, ATTENDED, NO_SHOW],
	}[filters.get("view") or "participants"]
	registrations = frappe.get_all(
		"Registration",
		filters={"session": filters.session, "status": ("in", statuses)},
		fields=[
			"name",
			"member",
			"member_name",
			"member_title",
			"participant_name",
			"participant_title",
			"participant_type",
			"paying_organisation",
			"status",
			"waitlist_position",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"dietary_needs",
			"total",
		],
	)
	if filters.get("view") == "dietary":
		registrations = [r for r in registrations if r.dietary_needs]
	orgs = {
		c.name: c.customer_name
		for c in frappe.get_all(
			"Customer",
			{"name": ("in", [r.paying_organisation for r in registrations] or [""])},
			["name", "customer_name"],
		)
	}
	for r in registrations:
		r.organisation_name = orgs.get(r.paying_organisation)
		r.member_name = r.participant_name or r.member_name  # members and non-members alike
		r.member_title = r.participant_title or r.member_title
	# the waitlist in its order, every other list by name in Norwegian order (Å after Ø; the database sorts it
	# with A)
	registrations.sort(key=lambda r: (r.waitlist_position or 0, sort_key(r.member_name)))
	columns = [
		column("member_name", _("Participant"), "Data", 180),
		column("member_title", _("Title"), "Data", 170),
		column("organisation_name", _("Organisation"), "Data", 180),
		column("status", _("Status"), "Data", 100),
	]
	if filters.get("view") == "waitlist":
		columns.append(column("waitlist_position", _("Waitlist Position"), "Int", 90))
	columns += [
		column("stay_package", _("Stay Package"), "Data", 200),
		column("extra_night", _("Extra Night Before"), "Check", 90),
		column("with_linked_session", _("Also Attending the Linked Session"), "Check", 90),
		column("dietary_needs", _("Dietary Needs / Allergies"), "Data", 240),
		column("name", _("Registration"), "Link", 140, options="Registration"),
	]
	counts = frappe.db.get_value(
		"Topplederprogram Session",
		filters.session,
		["capacity", "confirmed_count", "waitlist_count", "free_seats"],
		as_dict=True,
	)
	summary = [
		{"label": _("Confirmed"), "value": counts.confirmed_count or 0, "indicator": "Green"},
		{"label": _("Waitlisted"), "value": counts.waitlist_count or 0, "indicator": "Orange"},
		{
			"label": _("Free Seats"),
			"value": counts.free_seats if counts.free_seats is not None else counts.capacity,
			"indicator": "Blue",
		},
	]
	return columns, registrations, None, None, summary
