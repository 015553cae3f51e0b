"""Share of kommuner and fylkeskommuner whose chief executive is an active member, per county."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column
from kdf_app.kdf_members.core.members import coverage
from kdf_app.shared.core.collation import sort_norwegian


def execute(filters=None):
	filters = frappe._dict(filters or {})
	kinds = [k for k in ("Kommune", "Fylkeskommune", "Bydel") if filters.get(k.lower(), k != "Bydel")]
	organisations = frappe.get_all(
		"Customer",
		filters={"customer_group": ("in", kinds), "disabled": 0},
		fields=["name", "customer_group as kind", "kdf_county as county"],
	)
	members = frappe.get_all("Member", fields=["organisation", "title", "membership_status"])
	rows, total = coverage(organisations, members, kinds=kinds)
	rows = sort_norwegian(rows, key=lambda r: r.group)  # counties as Norwegians read them: Østfold last
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
