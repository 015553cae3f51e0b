"""Participant list of a session, with the dietary list for the hotel (print or export it)."""

import frappe
from frappe import _

from kdf_app.core.sessions import CONFIRMED, WAITLISTED


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("session"):
		return [], []
	statuses = {
		"participants": [CONFIRMED, "Deltok", "Ikke møtt"],
		"waitlist": [WAITLISTED],
		"dietary": [CONFIRMED, "Deltok", "Ikke møtt"],
	}[filters.get("view") or "participants"]
	registrations = frappe.get_all(
		"Registration",
		filters={"session": filters.session, "status": ("in", statuses)},
		fields=[
			"name",
			"member",
			"member_name",
			"member_title",
			"paying_organisation",
			"status",
			"waitlist_position",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"dietary_needs",
			"total",
		],
		order_by="waitlist_position asc, member_name asc",
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
	columns = [
		{"fieldname": "member_name", "label": _("Participant"), "fieldtype": "Data", "width": 180},
		{"fieldname": "member_title", "label": _("Title"), "fieldtype": "Data", "width": 170},
		{"fieldname": "organisation_name", "label": _("Organisation"), "fieldtype": "Data", "width": 180},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 100},
	]
	if filters.get("view") == "waitlist":
		columns.append(
			{
				"fieldname": "waitlist_position",
				"label": _("Waitlist Position"),
				"fieldtype": "Int",
				"width": 90,
			}
		)
	columns += [
		{"fieldname": "stay_package", "label": _("Stay Package"), "fieldtype": "Data", "width": 200},
		{"fieldname": "extra_night", "label": _("Extra Night Before"), "fieldtype": "Check", "width": 90},
		{
			"fieldname": "with_linked_session",
			"label": _("Also Attending the Linked Session"),
			"fieldtype": "Check",
			"width": 90,
		},
		{
			"fieldname": "dietary_needs",
			"label": _("Dietary Needs / Allergies"),
			"fieldtype": "Data",
			"width": 240,
		},
		{
			"fieldname": "name",
			"label": _("Registration"),
			"fieldtype": "Link",
			"options": "Registration",
			"width": 140,
		},
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
