"""OU-midler refund pack: per organisation and year, the participant fees KS refunds (OU-approved sessions,
participants who are managers), with invoice numbers, sessions, dates and names — to attach to the
municipality's «Anmodning om utbetaling»."""

import frappe
from frappe import _
from frappe.utils import cint

from kdf_app.kdf_app.report import column
from kdf_app.kdf_billing.services.ou_pack import refundable_fees


def execute(filters=None):
	filters = frappe._dict(filters or {})
	year = cint(filters.get("year"))
	columns = [
		column("organisation", _("Organisation"), "Link", 180, options="Customer"),
		column("invoice", _("Invoice"), "Link", 150, options="Sales Invoice"),
		column("posting_date", _("Invoice Date"), "Date", 100),
		column("session_title", _("Session"), "Data", 260),
		column("session_dates", _("Dates"), "Data", 150),
		column("participant", _("Participant"), "Data", 170),
		column("title", _("Title"), "Data", 160),
		column("fee", _("Participant Fee (refundable)"), "Currency", 150),
	]
	return columns, refundable_fees(filters.get("organisation"), year)
