"""Share of kommuner and fylkeskommuner whose chief executive is an active member, per county."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column
from kdf_app.kdf_members.services.coverage import DEFAULT_KINDS, KINDS, coverage_by_county


def execute(filters=None):
	filters = frappe._dict(filters or {})
	kinds = [k for k in KINDS if filters.get(k.lower(), k in DEFAULT_KINDS)]
	rows, total = coverage_by_county(kinds)
	columns = [
		column("county", _("County"), "Data", 200),
		column("organisations", _("Organisations"), "Int", 130),
		column("covered", _("Director is Member"), "Int", 150),
		column("share", _("Coverage %"), "Percent", 120),
	]
	data = [
		{"county": r.group, "organisations": r.organisations, "covered": r.covered, "share": r.share}
		for r in rows
	]
	data.append(
		{
			"county": _("Total"),
			"organisations": total.organisations,
			"covered": total.covered,
			"share": total.share,
			"bold": 1,
		}
	)
	summary = [
		{
			"label": _("Coverage"),
			"value": total.share,
			"datatype": "Percent",
			"indicator": "Green" if total.share >= 90 else "Orange",
		}
	]
	chart = {
		"data": {
			"labels": [r.group for r in rows],
			"datasets": [{"name": _("Coverage %"), "values": [r.share for r in rows]}],
		},
		"type": "bar",
		"fieldtype": "Percent",
	}
	return columns, data, None, chart, summary
