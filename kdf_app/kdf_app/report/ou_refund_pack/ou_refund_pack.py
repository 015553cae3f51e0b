"""OU-midler refund pack: per organisation and year, the participant fees KS refunds (OU-approved sessions,
participants who are managers), with invoice numbers, sessions, dates and names — to attach to the
municipality's «Anmodning om utbetaling»."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from kdf_app.core.invoicing import ou_refundable
from kdf_app.kdf_app.report import column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	year = cint(filters.get("year"))
	columns = [
		column("organisation", _("Organisation"), "Link", 180, options="Customer"),
		column("invoice", _("Invoice"), "Link", 150, options="Sales Invoice"),
		column("posting_date", _("Invoice Date"), "Date", 100),
		column("session_title", _("Session"), "Data", 260),
		column("session_dates", _("Dates"), "Data", 150),
		column("participant", _("Participant"), "Data", 170),
		column("title", _("Title"), "Data", 160),
		column("fee", _("Participant Fee (refundable)"), "Currency", 150),
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
