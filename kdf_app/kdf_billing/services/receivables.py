"""What KDF is owed, from ERPNext's own invoices (the accountant's Accounts Receivable stays the truth): per
organisation for a session (invoiced, paid, outstanding), and in all (outstanding, overdue) for the workspace."""

import frappe
from frappe.utils import flt, today


def session_by_organisation(session: str) -> list[dict]:
	"""One row per organisation invoiced for the session: invoiced (credit notes subtracted), paid and
	outstanding, in kroner; the organisations that owe most first."""
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_session": session},
		fields=["customer", "customer_name", "grand_total", "outstanding_amount", "is_return"],
	)
	rows: dict[str, dict] = {}
	for si in invoices:
		row = rows.setdefault(
			si.customer,
			{"customer": si.customer, "customer_name": si.customer_name, "invoiced": 0.0, "outstanding": 0.0},
		)
		row["invoiced"] += flt(si.grand_total)
		row["outstanding"] += flt(si.outstanding_amount)
	for row in rows.values():
		row["invoiced"] = flt(row["invoiced"], 2)
		row["outstanding"] = flt(row["outstanding"], 2)
		row["paid"] = flt(row["invoiced"] - row["outstanding"], 2)
	return sorted(rows.values(), key=lambda r: (-r["outstanding"], r["customer_name"] or ""))


def _open(extra: dict | None = None) -> float:
	from kdf_app.shared.services.settings import get_settings

	filters = {"docstatus": 1, "outstanding_amount": (">", 0), **(extra or {})}
	company = get_settings().company
	if company:
		filters["company"] = company
	return flt(
		sum(flt(v) for v in frappe.get_all("Sales Invoice", filters=filters, pluck="outstanding_amount")), 2
	)


def outstanding() -> float:
	"""Everything KDF's open invoices still ask for."""
	return _open()


def overdue() -> float:
	"""What is past its due date."""
	return _open({"due_date": ("<", today())})


DUES_YEARS = 6


def dues_chart() -> dict:
	"""The membership dues of the last years: paid and outstanding per dues year (credit notes subtracted)."""
	from frappe import _

	rows = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_dues_year": ("is", "set")},
		fields=["kdf_dues_year", "grand_total", "outstanding_amount"],
	)
	years: dict[int, list[float]] = {}
	for r in rows:
		invoiced_outstanding = years.setdefault(int(r.kdf_dues_year), [0.0, 0.0])
		invoiced_outstanding[0] += flt(r.grand_total)
		invoiced_outstanding[1] += flt(r.outstanding_amount)
	shown = sorted(years)[-DUES_YEARS:]
	return {
		"labels": [str(y) for y in shown],
		"datasets": [
			{"name": _("Paid"), "values": [flt(years[y][0] - years[y][1], 2) for y in shown]},
			{"name": _("Outstanding"), "values": [flt(years[y][1], 2) for y in shown]},
		],
	}
