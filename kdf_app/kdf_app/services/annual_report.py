"""The annual report (årsmelding) for the landsmøte: the year's figures, each from the service or report that
already computes it (no second source of truth). Counts and sums only: no names, no case content."""

import frappe
from frappe.utils import get_datetime, getdate, now_datetime

from kdf_app.kdf_app.core.annual_report import cases, members_on, membership
from kdf_app.kdf_app.core.dashboards import fill_rate
from kdf_app.kdf_app.services import dashboards
from kdf_app.kdf_members.core.turnover import coverage_on, year_figures
from kdf_app.kdf_members.services.turnover import position_rows, today_
from kdf_app.kdf_privacy.core.retention import leaving_date
from kdf_app.kdf_privacy.services.retention import position_ends
from kdf_app.kdf_programmes.core.sessions import ATTENDED, CANCELLED, DRAFT


def _sessions(year: int) -> list:
	return frappe.get_all(
		"Topplederprogram Session",
		filters={
			"starts_on": ("between", [get_datetime(f"{year}-01-01"), get_datetime(f"{year}-12-31 23:59:59")]),
			"status": ("!=", DRAFT),
		},
		fields=["name", "session_title", "kind", "starts_on", "status", "capacity", "confirmed_count"],
		order_by="starts_on asc",
	)


def coverage(members: list, positions: list, day):
	"""Membership Coverage's share as the register held it on ``day``: the kommuner and fylkeskommuner whose
	chief executive then was a member then (kdf_app.kdf_members.core.turnover.coverage_on)."""
	organisations = frappe.get_all(
		"Customer",
		filters={"customer_group": ("in", ["Kommune", "Fylkeskommune"]), "disabled": 0},
		fields=["name", "customer_group as kind", "kdf_county as county"],
	)
	_rows, total = coverage_on(organisations, positions, members_on(members, day), day)
	return total  # share, organisations, covered


def figures(year: int) -> dict:
	year = int(year)
	members = frappe.get_all(
		"Member", fields=["name", "member_since", "membership_status", "membership_ended_on"]
	)
	ends = position_ends()
	for m in members:
		m.member_since = getdate(m.member_since) if m.member_since else None
		# a former member left on their leaving date (kdf_app.kdf_privacy.core.retention), the one retention counts from
		m.membership_ended_on = leaving_date(
			m.membership_status,
			getdate(m.membership_ended_on) if m.membership_ended_on else None,
			ends.get(m.name, []),
		)
	# the chief executives' year as the register held it on 31 December (the report Tenure and Turnover's figures)
	positions = position_rows()
	directors = year_figures(positions, year, today_())
	past_coverage = coverage(members, positions, directors.as_of) if year < today_().year else None
	all_sessions = _sessions(year)
	now = now_datetime()
	live = [s for s in all_sessions if s.status != CANCELLED]
	held = [
		s for s in live if get_datetime(s.starts_on) <= now
	]  # the current year's later ones are still to come
	money = {m.session: m for m in dashboards.money_of([s.name for s in held])}
	attended = dict(
		frappe.get_all(
			"Registration",
			filters={"session": ("in", [s.name for s in held] or [""]), "status": ATTENDED},
			fields=["session", "count(name) as n"],
			group_by="session",
			as_list=True,
		)
	)
	case_rows = frappe.get_all(
		"Mentoring Case", fields=["case_type", "status", "year", "end_date"]
	)  # the four name-free fields only
	for c in case_rows:
		c.end_date = getdate(c.end_date) if c.end_date else None
	case_counts = cases(case_rows, year)
	return {
		"year": year,
		"membership": membership(members, year),
		# a past year's coverage on its 31 December; the current year's is today's (Membership Coverage)
		"coverage": past_coverage.share if past_coverage else None,
		"coverage_counts": (past_coverage.covered, past_coverage.organisations) if past_coverage else None,
		"coverage_today": dashboards.coverage_share() if year >= today_().year else None,
		"coverage_on": directors.as_of,
		"directors": directors,
		"directors_left": directors.left,
		"directors_started": directors.started,
		"leaving_reasons": directors.reasons,
		"conflict_share": directors.share("Konflikt"),
		"sessions": [
			{
				"session": s.name,
				"title": s.session_title,
				"kind": s.kind,
				"starts_on": s.starts_on,
				"capacity": s.capacity or 0,
				"seats_taken": s.confirmed_count or 0,
				"attended": attended.get(s.name, 0),
				"fill_rate": fill_rate(s.confirmed_count, s.capacity),
				"revenue": money[s.name].revenue,
				"outstanding": money[s.name].outstanding,
			}
			for s in held
		],
		"sessions_cancelled": len(all_sessions) - len(live),
		"sessions_to_come": len(live) - len(held),
		"ou_refundable": dashboards.ou_refundable(year),
		"cases_opened": case_counts.opened,
		"cases_closed": case_counts.closed,
	}
