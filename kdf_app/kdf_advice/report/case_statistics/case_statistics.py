"""For the board: counts of cases per type, status and year and the conflict-related share. No names."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column


def execute(filters=None):
	rows = frappe.db.sql(
		"""select `year`, case_type, status, count(*) as cases, sum(conflict_related) as conflict_related
		from `tabMentoring Case` group by `year`, case_type, status order by `year` desc, case_type, status""",
		as_dict=True,
	)
	for r in rows:
		r.conflict_share = round(100.0 * (r.conflict_related or 0) / r.cases, 1) if r.cases else 0
	columns = [
		column("year", _("Year"), "Int", 80),
		column("case_type", _("Type"), "Data", 160),
		column("status", _("Status"), "Data", 140),
		column("cases", _("Cases"), "Int", 90),
		column("conflict_related", _("Conflict-related"), "Int", 130),
		column("conflict_share", _("Conflict-related %"), "Percent", 130),
	]
	return columns, rows
