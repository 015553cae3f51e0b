"""Joining KDF (public), the member's own profile and change requests, and the member's own invoices."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from kdf_app.kdf_members.services import membership as service

# a kommune's network may put several people behind one address: ten applications an hour per address
APPLY_LIMIT, APPLY_WINDOW = 10, 60 * 60


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=APPLY_LIMIT, seconds=APPLY_WINDOW, methods=["POST"])
def apply(
	first_name: str,
	last_name: str,
	email: str,
	title: str,
	organisation: str,
	start_date: str,
	consent: int | str = 0,
	mobile: str | None = None,
	research_consent: int | str = 0,
) -> dict:
	"""A membership application from /bli-medlem (guests). Returns only a receipt: nothing of the register."""
	service.submit_application(
		{
			"first_name": first_name,
			"last_name": last_name,
			"email": email,
			"mobile": mobile,
			"title": title,
			"organisation": organisation,
			"start_date": start_date,
			"consent": consent,
			"research_consent": research_consent,
		}
	)
	return {"ok": True, "message": _("Thank you! The secretariat will answer your application by e-mail.")}


@frappe.whitelist(allow_guest=True, methods=["GET"])
def organisations() -> list[dict]:
	"""The official list one may apply from (kommuner, fylkeskommuner, bydeler): name and org number only."""
	return service.official_organisations()


@frappe.whitelist(methods=["POST"])
def update_profile(mobile: str | None = None, email: str | None = None, title: str | None = None) -> dict:
	"""The logged-in member's own mobile, e-mail and title."""
	return service.update_profile(mobile, email, title)


@frappe.whitelist(methods=["POST"])
def request_change(
	kind: str,
	start_date: str,
	organisation: str | None = None,
	title: str | None = None,
	reason: str | None = None,
	note: str | None = None,
) -> dict:
	"""The logged-in member reports a new position or leaving; the secretariat confirms it."""
	name = service.request_change(
		{
			"kind": kind,
			"start_date": start_date,
			"organisation": organisation,
			"title": title,
			"reason": reason,
			"note": note,
		}
	)
	return {"name": name, "message": _("Thank you! The secretariat will update your position history.")}


@frappe.whitelist()
def my_change_requests() -> list[dict]:
	return service.my_change_requests()


@frappe.whitelist()
def my_invoices() -> list[dict]:
	"""The invoices of the logged-in member's own registrations. Takes no member: always the caller's own."""
	return service.my_invoices()


@frappe.whitelist()
def invoice_pdf(invoice: str) -> None:
	"""The PDF of one of the caller's own invoices; anyone else's is refused."""
	pdf = service.my_invoice_pdf(invoice)
	frappe.local.response.filename = f"{invoice}.pdf"
	frappe.local.response.filecontent = pdf
	frappe.local.response.type = "pdf"
