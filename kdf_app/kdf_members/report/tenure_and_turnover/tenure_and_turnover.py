"""Tenure and turnover of chief executives for the secretariat and the board: per year (each as of its 31 December,
the current one as of today), or the years together per county or per kind of organisation. Started, left, in
post, turnover rate (left / in post), Kaplan–Meier median and quartiles of tenure (ongoing tenures censored) and
the reasons for leaving. Every figure from kdf_app.kdf_members.core.turnover; the årsmelding takes its year's from the same."""

from datetime import date

import frappe
from frappe import _
from frappe.utils import cint, formatdate

from kdf_app.kdf_app.report import column
from kdf_app.kdf_members.core import turnover as rules
from kdf_app.kdf_members.services.turnover import position_rows, today_
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw

YEARS = 10  # the default range: the last ten years
GROUPS = {"Year": "year", "County": "county", "Kind": "kind"}


def columns(group: str) -> list[dict]:
	label = {"year": _("Year"), "county": _("County"), "kind": _("Kind")}[group]
	return [
		column("label", label, "Data", 130),
		column("started", _("Started"), "Int", 90),
		column("left", _("Left"), "Int", 80),
		column("in_post", _("In Post"), "Int", 90),
		column("rate", _("Turnover Rate %"), "Percent", 130),
		column("in_post_at_end", _("In Post at the End"), "Int", 130),
		{**column("median", _("Median Tenure (Years)"), "Float", 160), "precision": 1},
		{**column("q1", _("Lower Quartile (Years)"), "Float", 160), "precision": 1},
		{**column("q3", _("Upper Quartile (Years)"), "Float", 160), "precision": 1},
		column("ongoing", _("Ongoing (Censored)"), "Int", 140),
	] + [column(frappe.scrub(r), _("{0} %").format(_(r)), "Percent", 120) for r in rules.REASONS]


def row(f: rules.Figures) -> dict:
	s = f.survival
	return {
		"label": f.label or _("Total"),
		"as_of": f.as_of,
		"started": f.started,
		"left": f.left,
		"in_post": f.in_post,
		"rate": f.rate,
		"in_post_at_end": f.in_post_at_end,
		"median": s.median,
		"q1": s.q1,
		"q3": s.q3,
		"ongoing": s.ongoing,
		**{frappe.scrub(r): f.share(r) for r in rules.REASONS},
		"bold": 0 if f.label else 1,
	}


def figures(filters) -> tuple[str, list[rules.Figures], rules.Figures]:
	"""The report's figures: per year, or per county or kind over the years; and the whole period's."""
	today = today_()
	try:
		first, last = rules.check_years(
			cint(filters.get("from_year")) or today.year - YEARS + 1,
			cint(filters.get("to_year")) or today.year,
			today,
		)
		group = GROUPS.get(filters.get("group_by") or "Year")
		if not group:
			raise DomainError(rules._("Group by year, county or kind."))
	except DomainError as e:
		throw(e)
	where = {"county": filters.get("county") or None, "kind": filters.get("kind") or None}
	rows = position_rows()
	total = rules.figures(rows, date(first, 1, 1), date(last, 12, 31), today, **where)
	if group == "year":
		return group, rules.by_year(rows, first, last, today, **where), total
	return group, rules.by_group(rows, first, last, today, group, **where), total


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group, found, total = figures(filters)
	data = [row(f) for f in found] + ([row(total)] if group == "year" else [])
	labels = [d["label"] for d in data if not d["bold"]]
	parts = [d for d in data if not d["bold"]]
	if group == "year":
		chart = {
			"data": {
				"labels": labels,
				"datasets": [
					{"name": _("Started"), "chartType": "bar", "values": [d["started"] for d in parts]},
					{"name": _("Left"), "chartType": "bar", "values": [d["left"] for d in parts]},
					{"name": _("Turnover Rate %"), "chartType": "line", "values": [d["rate"] for d in parts]},
				],
			},
			"type": "axis-mixed",
		}
	else:
		chart = {
			"data": {
				"labels": labels,
				"datasets": [
					{"name": _("Turnover Rate %"), "values": [d["rate"] for d in parts]},
					{"name": _("Conflict %"), "values": [d["konflikt"] for d in parts]},
				],
			},
			"type": "bar",
		}
	summary = [
		{"label": _("Left in the period"), "value": total.left, "datatype": "Int"},
		{"label": _("Turnover rate"), "value": total.rate, "datatype": "Percent"},
		{"label": _("Of them after a conflict"), "value": total.share("Konflikt"), "datatype": "Percent"},
		{
			"label": _("Median tenure on {0} (years)").format(formatdate(total.as_of, "dd.MM.yyyy")),
			"value": total.survival.median if total.survival.median is not None else _("not reached"),
			"datatype": "Float" if total.survival.median is not None else "Data",
		},
	]
	message = _(
		"A past year's figures are as the register held them on its 31 December, the current year's as of today. "
		"Turnover rate = those who left / those in post in the period. Tenure quartiles by the Kaplan–Meier "
		"method: ongoing tenures count as censored (they last at least until the date); empty when not reached."
	)
	return columns(group), data, message, chart, summary
