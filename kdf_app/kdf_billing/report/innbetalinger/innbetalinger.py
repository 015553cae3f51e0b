"""Innbetalinger: every payment of the imported bank files, matched, suggested or unmatched, with the reason
and what it became (Payment Entry, Bank Transaction), per import (kdf_app.kdf_billing.services.bank_import)."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column


def execute(filters=None):
	filters = frappe._dict(filters or {})
	frappe.has_permission("Bank File Import", "read", throw=True)
	conditions = {"parenttype": "Bank File Import"}
	if filters.get("bank_file_import"):
		conditions["parent"] = filters.bank_file_import
	if filters.get("status"):
		conditions["status"] = filters.status
	if filters.get("from_date") and filters.get("to_date"):
		conditions["booking_date"] = ("between", [filters.from_date, filters.to_date])
	elif filters.get("from_date"):
		conditions["booking_date"] = (">=", filters.from_date)
	elif filters.get("to_date"):
		conditions["booking_date"] = ("<=", filters.to_date)
	rows = frappe.get_all(
		"Bank File Import Row",
		filters=conditions,
		fields=[
			"name as row",
			"parent as bank_file_import",
			"status",
			"booking_date",
			"reference",
			"amount",
			"kid",
			"payer",
			"payer_org_number",
			"text",
			"reason",
			"sales_invoice",
			"customer",
			"allocated",
			"advance",
			"payment_entry",
			"bank_transaction",
		],
		order_by="booking_date desc, parent desc, idx asc",
	)
	for r in rows:
		r["status_label"] = _(r["status"])
		r["currency"] = "NOK"  # KDF's account (kdf_app.kdf_billing.core.bank_file refuses any other)
	columns = [
		column("bank_file_import", _("Bank File Import"), "Link", 150, options="Bank File Import"),
		column("booking_date", _("Booking Date"), "Date", 100),
		column("status_label", _("Status"), "Data", 190),
		column("amount", _("Amount"), "Currency", 110, options="currency"),
		column("kid", _("KID"), "Data", 120),
		column("payer", _("Payer"), "Data", 160),
		column("sales_invoice", _("Sales Invoice"), "Link", 160, options="Sales Invoice"),
		# plain text: a Link column would ask for Customer permission, which the KDF Sekretariat role alone lacks
		column("customer", _("Customer"), "Data", 160),
		column("reason", _("Reason"), "Data", 380),
		column("allocated", _("Allocated to the Invoice"), "Currency", 110, options="currency"),
		column("advance", _("Advance"), "Currency", 100, options="currency"),
		column("payment_entry", _("Payment Entry"), "Link", 150, options="Payment Entry"),
		column("bank_transaction", _("Bank Transaction"), "Link", 150, options="Bank Transaction"),
		column("reference", _("Bank Reference"), "Data", 150),
		column("text", _("Payment Text"), "Data", 200),
		{**column("status", "status", "Data", 0), "hidden": 1},
		{**column("row", "row", "Data", 0), "hidden": 1},
		{**column("currency", "currency", "Data", 0), "hidden": 1},
	]
	return columns, rows
