"""What KDF is owed, from ERPNext's own invoices (the accountant's Accounts Receivable stays the truth): per
organisation for a session (invoiced, paid, outstanding), and in all (outstanding, overdue) for the workspace."""

import frappe
from frappe.utils import today

from kdf_app.kdf_billing.core.receivables import by_organisation, per_year, total


def session_by_organisation(session: str) -> list[dict]:
	"""One row per organisation invoiced for the session: invoiced (credit notes subtracted), paid and
	outstanding, in kroner; the organisations that owe most first (core.receivables.by_organisation)."""
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_session": session},
		fields=["customer", "customer_name", "grand_total", "outstanding_amount"],
	)
	return by_organisation(invoices)


def _open(extra: dict | None = None) -> float:
	from kdf_app.shared.services.settings import get_settings

	filters = {"docstatus": 1, "outstanding_amount": (">", 0), **(extra or {})}
	company = get_settings().company
	if company:
		filters["company"] = company
	return total(frappe.get_all("Sales Invoice", filters=filters, pluck="outstanding_amount"))


def outstanding() -> float:
	"""Everything KDF's open invoices still ask for."""
	return _open()


def overdue() -> float:
	"""What is past its due date."""
	return _open({"due_date": ("<", today())})


DUES_YEARS = 6


def dues_chart() -> dict:
	"""The membership dues of the last DUES_YEARS years: paid and outstanding per dues year (credit notes
	subtracted; core.receivables.per_year)."""
	from frappe import _

	rows = frappe.get_all(
		"Sales Invoice",
		filters={"docstatus": 1, "kdf_dues_year": ("is", "set")},
		fields=["kdf_dues_year", "grand_total", "outstanding_amount"],
	)
	shown = per_year(rows, DUES_YEARS)
	return {
		"labels": [str(y["year"]) for y in shown],
		"datasets": [
			{"name": _("Paid"), "values": [y["paid"] for y in shown]},
			{"name": _("Outstanding"), "values": [y["outstanding"] for y in shown]},
		],
	}
