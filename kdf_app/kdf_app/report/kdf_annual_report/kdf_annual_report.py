"""Årsmelding: the year's figures for the landsmøte, as rows of section, figure and value (print: the .html).

Every figure comes from kdf_app.kdf_app.services.annual_report, which takes it from the service or report that already
computes it. Counts and sums only: no names, no case content."""

import frappe
from frappe import _
from frappe.utils import cint, flt, fmt_money, formatdate, getdate, nowdate

from kdf_app.kdf_app.report import column
from kdf_app.kdf_app.services.annual_report import figures
from kdf_app.kdf_members.core.members import LEAVING_REASONS


def _money(value) -> str:
	return fmt_money(flt(value), precision=0, currency="NOK")


def _percent(value) -> str:
	return f"{flt(value, 1):n} %".replace(".", ",")


def rows(f: dict) -> list[dict]:
	out = []

	def add(section, figure, value, indent=0, bold=0, key=None):
		row = {"section": section, "figure": figure, "value": value, "indent": indent, "bold": bold}
		out.append({**row, "key": key} if key else row)

	m = f["membership"]
	s = _("Membership")
	add(s, _("Members at the start of the year"), m.at_start, key="at_start")
	add(s, _("New members"), m.new, key="new")
	add(s, _("Members who left"), m.left, key="left")
	add(s, _("Members at the end of the year"), m.at_end, bold=1, key="at_end")
	if m.unknown_end:
		add(s, _("Former members without a leaving date (not counted)"), m.unknown_end)
	if f["coverage"] is not None:
		add(
			s,
			_("Director coverage on {0} (Membership Coverage as of that day)").format(
				formatdate(f["coverage_on"], "dd.MM.yyyy")
			),
			_percent(f["coverage"]),
			key="coverage",
		)
	else:
		add(
			s,
			_("Director coverage today (Membership Coverage)"),
			_percent(f["coverage_today"]),
			key="coverage",
		)
	# the chief executives' year as of its 31 December: the figures of the report Tenure and Turnover
	d = f["directors"]
	s = _("Chief executives")
	add(s, _("Started in a position"), d.started, key="directors_started")
	add(s, _("Left a position"), d.left, key="directors_left")
	for reason in [*LEAVING_REASONS, "Ukjent"]:
		if d.reasons.get(reason):
			add(s, _(reason), d.reasons[reason], indent=1)
	add(s, _("Conflict share of those who left"), _percent(d.share("Konflikt")), key="conflict_share")
	add(s, _("In post during the year"), d.in_post, key="directors_in_post")
	add(s, _("Turnover rate (left / in post)"), _percent(d.rate), key="turnover_rate")
	median = d.survival.median
	add(
		s,
		_("Median tenure, Kaplan–Meier (years)"),
		_("not reached") if median is None else f"{median:n}".replace(".", ","),
		key="median_tenure",
	)
	s = _("Topplederprogram")
	add(s, _("Sessions held"), len(f["sessions"]), bold=1, key="sessions_held")
	if f["sessions_cancelled"]:
		add(s, _("Sessions cancelled"), f["sessions_cancelled"])
	if f["sessions_to_come"]:
		add(s, _("Sessions still to come this year"), f["sessions_to_come"])
	for x in f["sessions"]:
		add(
			s,
			f"{formatdate(x['starts_on'], 'dd.MM.yyyy')} {x['title']}",
			_("{0} of {1} seats ({2}), {3} attended, revenue {4}").format(
				x["seats_taken"], x["capacity"], _percent(x["fill_rate"]), x["attended"], _money(x["revenue"])
			),
			indent=1,
		)
	add(s, _("Participants (seats taken)"), sum(x["seats_taken"] for x in f["sessions"]))
	add(s, _("Revenue from sessions, net of VAT"), _money(sum(x["revenue"] for x in f["sessions"])))
	add(s, _("Participant fees refundable from OU-midler"), _money(f["ou_refundable"]), key="ou_refundable")
	s = _("Mentoring, guidance and legal advice")
	types = sorted(set(f["cases_opened"]) | set(f["cases_closed"]))
	add(s, _("Cases opened"), sum(f["cases_opened"].values()))
	for t in types:
		add(s, _(t), f["cases_opened"].get(t, 0), indent=1)
	add(s, _("Cases closed"), sum(f["cases_closed"].values()))
	for t in types:
		add(s, _(t), f["cases_closed"].get(t, 0), indent=1)
	return out


def execute(filters=None):
	filters = frappe._dict(filters or {})
	year = cint(filters.get("year")) or getdate(nowdate()).year - 1
	columns = [
		column("section", _("Section"), "Data", 200),
		column("figure", _("Figure"), "Data", 380),
		column("value", _("Value"), "Data", 300),
	]
	return columns, rows(figures(year))
