"""The KDF workspace's number cards and charts (reads only; rules in kdf_app.kdf_app.core.dashboards)."""

import frappe
from frappe import _
from frappe.utils import flt, formatdate, getdate, now_datetime, nowdate

from kdf_app.kdf_app.core.dashboards import conflict_share, fill_rate, money_per_session
from kdf_app.kdf_members.core.members import ACTIVE, DIRECTOR_TITLES, turnover
from kdf_app.kdf_members.services.members import position_history
from kdf_app.kdf_programmes.core.sessions import CANCELLED, DRAFT

UPCOMING = 6  # sessions on the chart of next sessions
RECENT = 8  # sessions on the revenue chart
YEARS = 10  # years on the turnover chart


def _label(session) -> str:
	"""The session's date first (the chart shortens long labels), then its title."""
	title = session.session_title or session.name
	title = title if len(title) <= 40 else title[:39] + "…"
	return f"{formatdate(session.starts_on, 'dd.MM.yy')} {title}" if session.starts_on else title


def active_members() -> int:
	return frappe.db.count("Member", {"membership_status": ACTIVE})


def coverage_share() -> float:
	from kdf_app.kdf_members.services.coverage import coverage_by_county

	return flt(coverage_by_county()[1].share)


def upcoming_sessions() -> list:
	return frappe.get_all(
		"Topplederprogram Session",
		filters={"starts_on": (">=", now_datetime()), "status": ("not in", [DRAFT, CANCELLED])},
		fields=["name", "session_title", "starts_on", "capacity", "confirmed_count", "waitlist_count"],
		order_by="starts_on asc",
		limit=UPCOMING,
	)


def next_session_fill() -> dict:
	sessions = upcoming_sessions()
	if not sessions:
		return {"value": 0, "session": None}
	s = sessions[0]
	return {"value": fill_rate(s.confirmed_count, s.capacity), "session": s.name}


def upcoming_waitlist() -> int:
	return sum(s.waitlist_count or 0 for s in upcoming_sessions())


def upcoming_chart() -> dict:
	sessions = upcoming_sessions()
	return {
		"labels": [_label(s) for s in sessions],
		"datasets": [
			{"name": _("Confirmed"), "values": [s.confirmed_count or 0 for s in sessions]},
			{"name": _("Waitlisted"), "values": [s.waitlist_count or 0 for s in sessions]},
			{
				"name": _("Free Seats"),
				"values": [max((s.capacity or 0) - (s.confirmed_count or 0), 0) for s in sessions],
			},
		],
		"fill_rates": [fill_rate(s.confirmed_count, s.capacity) for s in sessions],
	}


def money_of(sessions: list[str]) -> list:
	"""Revenue (net of VAT, credit notes subtracted) and outstanding per session, in the order given."""
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_session": ("in", sessions or [""])},
		fields=["kdf_session", "net_total", "outstanding_amount"],
	)
	return money_per_session(invoices, sessions)


def revenue_chart() -> dict:
	invoiced = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_session": ("is", "set")},
		pluck="kdf_session",
		distinct=True,
	)
	sessions = frappe.get_all(
		"Topplederprogram Session",
		filters={"name": ("in", invoiced or [""])},
		fields=["name", "session_title", "starts_on"],
		order_by="starts_on desc",
		limit=RECENT,
	)[::-1]
	money = money_of([s.name for s in sessions])
	return {
		"labels": [_label(s) for s in sessions],
		"datasets": [
			{"name": _("Revenue"), "values": [m.revenue for m in money]},
			{"name": _("Outstanding"), "values": [m.outstanding for m in money]},
		],
	}


def ou_refundable(year: int) -> float:
	"""Participant fees invoiced in ``year`` for OU-approved sessions (the OU Refund Pack's figures)."""
	from kdf_app.kdf_billing.services.ou_pack import refundable_fees

	return flt(sum(r["fee"] for r in refundable_fees(None, year)), 2)


def ou_refundable_this_year() -> float:
	return ou_refundable(getdate(nowdate()).year)


def _turnover_rows() -> list:
	positions = position_history()
	first = getdate(nowdate()).year - YEARS + 1
	return [r for r in turnover(positions, titles=set(DIRECTOR_TITLES)) if r.year >= first]


def turnover_chart() -> dict:
	rows = _turnover_rows()
	return {
		"labels": [str(r.year) for r in rows],
		"datasets": [
			{"name": _("Started"), "values": [r.started for r in rows]},
			{"name": _("Left"), "values": [r.left for r in rows]},
			{"name": _("Conflict"), "values": [r.reasons.get("Konflikt", 0) for r in rows]},
		],
	}


def turnover_conflict_share() -> float:
	return conflict_share(_turnover_rows())
