"""OU-midler refund pack: per organisation and year, the participant fees KS refunds (OU-approved sessions,
participants who are managers), with invoice numbers, sessions, dates and names — to attach to the
municipality's «Anmodning om utbetaling»."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from kdf_app.core.invoicing import ou_refundable


def execute(filters=None):
	filters = frappe._dict(filters or {})
	year = cint(filters.get("year"))
	columns = [
		{
			"fieldname": "organisation",
			"label": _("Organisation"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{
			"fieldname": "invoice",
			"label": _("Invoice"),
			"fieldtype": "Link",
			"options": "Sales Invoice",
			"width": 150,
		},
		{"fieldname": "posting_date", "label": _("Invoice Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "session_title", "label": _("Session"), "fieldtype": "Data", "width": 260},
		{"fieldname": "session_dates", "label": _("Dates"), "fieldtype": "Data", "width": 150},
		{"fieldname": "participant", "label": _("Participant"), "fieldtype": "Data", "width": 170},
		{"fieldname": "title", "label": _("Title"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "fee",
			"label": _("Participant Fee (refundable)"),
			"fieldtype": "Currency",
			"width": 150,
		},
	]
	return columns, rows(filters.get("organisation"), year)


def rows(organisation: str | None, year: int) -> list[dict]:
	from kdf_app.services.invoicing import session_dates

	conditions = {"docstatus": 1, "kdf_session": ("is", "set"), "is_return": 0}
	if organisation:
		conditions["customer"] = organisation
	if year:
		conditions["posting_date"] = ("between", [f"{year}-01-01", f"{year}-12-31"])
	invoices = {
		i.name: i
		for i in frappe.get_all(
			"Sales Invoice", filters=conditions, fields=["name", "customer", "posting_date", "kdf_session"]
		)
	}
	if not invoices:
		return []
	credited = set(
		frappe.get_all(
			"Sales Invoice",
			{"docstatus": 1, "is_return": 1, "return_against": ("in", list(invoices))},
			pluck="return_against",
		)
	)
	items = frappe.get_all(
		"Sales Invoice Item",
		{"parent": ("in", list(invoices)), "kdf_line_kind": "fee"},
		["parent", "kdf_member", "kdf_line_kind", "net_amount"],
	)
	members = {
		m.name: m
		for m in frappe.get_all(
			"Member",
			{"name": ("in", [i.kdf_member for i in items] or [""])},
			["name", "member_name", "title"],
		)
	}
	out = []
	for item in items:
		inv = invoices[item.parent]
		session = frappe.get_cached_doc("Topplederprogram Session", inv.kdf_session)
		member = members.get(item.kdf_member)
		if not member or not ou_refundable(
			session.ou_approved, member.title, item.kdf_line_kind, inv.name in credited
		):
			continue
		out.append(
			{
				"organisation": inv.customer,
				"invoice": inv.name,
				"posting_date": inv.posting_date,
				"session_title": session.session_title,
				"session_dates": session_dates(session),
				"participant": member.member_name,
				"title": member.title,
				"fee": flt(item.net_amount),
			}
		)
	return sorted(out, key=lambda r: (r["organisation"], str(r["posting_date"]), r["invoice"]))
