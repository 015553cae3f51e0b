"""Chief executives who started and left a position per year, with the reasons for leaving."""

import frappe
from frappe import _
from frappe.utils import cint

from kdf_app.kdf_app.report import column
from kdf_app.kdf_members.core.members import DIRECTOR_TITLES, LEAVING_REASONS, TITLES, turnover
from kdf_app.kdf_members.services.members import position_history

UNKNOWN = "Ukjent"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	titles = TITLES if cint(filters.get("all_titles")) else DIRECTOR_TITLES
	positions = position_history()
	rows = turnover(positions, titles=set(titles))
	if filters.get("from_year"):
		rows = [r for r in rows if r.year >= cint(filters.from_year)]
	if filters.get("to_year"):
		rows = [r for r in rows if r.year <= cint(filters.to_year)]
	reasons = [*LEAVING_REASONS, UNKNOWN]
	columns = [
		column("year", _("Year"), "Data", 80),
		column("started", _("Started"), "Int", 100),
		column("left", _("Left"), "Int", 100),
	] + [column(frappe.scrub(r), _(r), "Int", 110) for r in reasons]
	data = [
		{
			"year": str(r.year),
			"started": r.started,
			"left": r.left,
			**{frappe.scrub(k): r.reasons.get(k, 0) for k in reasons},
		}
		for r in rows
	]
	chart = {
		"data": {
			"labels": [d["year"] for d in data],
			"datasets": [
				{"name": _("Started"), "values": [d["started"] for d in data]},
				{"name": _("Left"), "values": [d["left"] for d in data]},
			],
		},
		"type": "bar",
	}
	return columns, data, None, chart
