"""For the board: counts of cases per type, status and year and the conflict-related share. No names."""

import frappe
from frappe import _


def execute(filters=None):
	rows = frappe.db.sql(
		"""select `year`, case_type, status, count(*) as cases, sum(conflict_related) as conflict_related
		from `tabMentoring Case` group by `year`, case_type, status order by `year` desc, case_type, status""",
		as_dict=True,
	)
	for r in rows:
		r.conflict_share = round(100.0 * (r.conflict_related or 0) / r.cases, 1) if r.cases else 0
	columns = [
		{"fieldname": "year", "label": _("Year"), "fieldtype": "Int", "width": 80},
		{"fieldname": "case_type", "label": _("Type"), "fieldtype": "Data", "width": 160},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 140},
		{"fieldname": "cases", "label": _("Cases"), "fieldtype": "Int", "width": 90},
		{"fieldname": "conflict_related", "label": _("Conflict-related"), "fieldtype": "Int", "width": 130},
		{
			"fieldname": "conflict_share",
			"label": _("Conflict-related %"),
			"fieldtype": "Percent",
			"width": 130,
		},
	]
	return columns, rows
