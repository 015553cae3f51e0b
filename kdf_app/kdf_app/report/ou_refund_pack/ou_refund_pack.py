"""OU-midler refund pack: per organisation and year, the participant fees KS refunds (OU-approved sessions,
participants who are managers), with invoice numbers, sessions, dates and names — to attach to the
municipality's «Anmodning om utbetaling»."""

import frappe
from frappe import _
from frappe.utils import cint, flt

from kdf_app.core.members import TITLES

# Every KDF title is a top manager; the list is explicit so a new non-manager title is not refunded by accident.
MANAGER_TITLES = set(TITLES)


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

	conditions = {"docstatus": 1, "kdf_session": ("is", "set")}
	if organisation:
		conditions["customer"] = organisation
	if year:
		conditions["posting_date"] = ("between", [f"{year}-01-01", f"{year}-12-31"])
	invoices = frappe.get_all(
		"Sales Invoice",
		filters=conditions,
		fields=["name", "customer", "posting_date", "kdf_session", "is_return", "return_against"],
	)
	credited = {i.return_against for i in invoices if i.is_return}
	credited |= set(
		frappe.get_all(
			"Sales Invoice",
			{"docstatus": 1, "is_return": 1, "return_against": ("in", [i.name for i in invoices] or [""])},
			pluck="return_against",
		)
	)
	out = []
	for inv in invoices:
		if inv.is_return or inv.name in credited:
			continue
		session = frappe.get_cached_doc("Topplederprogram Session", inv.kdf_session)
		if not session.ou_approved:
			continue
		for item in frappe.get_all(
			"Sales Invoice Item", {"parent": inv.name, "kdf_line_kind": "fee"}, ["kdf_member", "net_amount"]
		):
			member = frappe.db.get_value("Member", item.kdf_member, ["member_name", "title"], as_dict=True)
			if not member or member.title not in MANAGER_TITLES:
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
