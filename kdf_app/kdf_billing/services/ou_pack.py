"""OU-midler: the participant fees KS refunds (OU-approved sessions, participants who are managers), per
organisation and year, from ERPNext's submitted invoices less what was credited. The OU Refund Pack report lays
them out; the KDF workspace's card sums them."""

import frappe
from frappe.utils import flt

from kdf_app.kdf_billing.core.invoicing import ou_refundable
from kdf_app.kdf_programmes.core.sessions import CONTACT_PARTICIPANT
from kdf_app.shared.core.collation import sort_key


def refundable_fees(organisation: str | None, year: int) -> list[dict]:
	from kdf_app.kdf_billing.services.invoicing import session_dates

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
	# credited per participant: an organisation's invoice lists several, a credit note may be for one of them
	credited = {
		(r.return_against, r.kdf_registration)
		for r in frappe.db.sql(
			"""select si.return_against, i.kdf_registration from `tabSales Invoice` si
			join `tabSales Invoice Item` i on i.parent = si.name
			where si.docstatus = 1 and si.is_return = 1 and si.return_against in %s""",
			[tuple(invoices)],
			as_dict=True,
		)
	}
	credited_whole = {inv for inv, reg in credited if not reg}
	items = frappe.get_all(
		"Sales Invoice Item",
		{"parent": ("in", list(invoices)), "kdf_line_kind": "fee"},
		["parent", "kdf_member", "kdf_registration", "kdf_line_kind", "net_amount"],
		order_by="parent asc, idx asc",
	)
	registrations = {
		r.name: r
		for r in frappe.get_all(
			"Registration",
			{"name": ("in", [i.kdf_registration for i in items if i.kdf_registration] or [""])},
			["name", "participant_name", "participant_title", "participant_type", "registered_by"],
		)
	}
	members = {
		m.name: m
		for m in frappe.get_all(
			"Member",
			{"name": ("in", [i.kdf_member for i in items if i.kdf_member] or [""])},
			["name", "member_name", "title"],
		)
	}
	out = []
	for item in items:
		inv = invoices[item.parent]
		session = frappe.get_cached_doc("Topplederprogram Session", inv.kdf_session)
		reg = registrations.get(item.kdf_registration)
		member = members.get(item.kdf_member)
		if member:  # a member: named and titled as in the register
			name, title, team = member.member_name, member.title, False
		elif reg and reg.participant_name:  # a non-member participant, as on the registration
			name, title = reg.participant_name, reg.participant_title
			team = reg.participant_type == CONTACT_PARTICIPANT and bool(reg.registered_by)
		else:
			continue
		was_credited = inv.name in credited_whole or (inv.name, item.kdf_registration) in credited
		if not ou_refundable(
			session.ou_approved, title, item.kdf_line_kind, was_credited, leadership_team=team
		):
			continue
		out.append(
			{
				"organisation": inv.customer,
				"invoice": inv.name,
				"posting_date": inv.posting_date,
				"session_title": session.session_title,
				"session_dates": session_dates(session),
				"participant": name,
				"title": title,
				"fee": flt(item.net_amount),
			}
		)
	# by organisation in Norwegian order (Ål after Øygarden), then date, invoice and participant
	return sorted(
		out,
		key=lambda r: (
			sort_key(r["organisation"]),
			str(r["posting_date"]),
			r["invoice"],
			sort_key(r["participant"]),
		),
	)
