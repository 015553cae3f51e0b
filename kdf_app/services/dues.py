"""The annual membership dues batch: one Sales Invoice per paying organisation and year."""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, today

from kdf_app.core.members import ACTIVE, plan_dues
from kdf_app.services.ehf import submit_or_hold
from kdf_app.services.invoicing import new_invoice, tell_held
from kdf_app.services.settings import get_settings, require


def invoiced_organisations(year: int) -> set[str]:
	return set(
		frappe.get_all(
			"Sales Invoice", filters={"kdf_dues_year": year, "docstatus": ("<", 2)}, pluck="customer"
		)
	)


def create_dues_invoices(year: int, submit: bool | None = None, posting_date=None) -> list[str]:
	"""Create the year's dues invoices; organisations already invoiced for ``year`` are skipped, so running
	the batch again creates nothing new. Returns the names of the invoices created."""
	year = cint(year)
	if year < 2000 or year > 2100:
		frappe.throw(_("Year {0} is not valid.").format(year), title=_("Not valid"))
	settings = get_settings()
	require(settings, "company", "membership_item", "membership_fee")
	submit = cint(settings.submit_dues_invoices) if submit is None else submit
	# Serialise concurrent batches on the singleton row so two runs cannot both see "not invoiced".
	frappe.db.sql("select value from `tabSingles` where doctype='KDF Settings' for update")
	members = frappe.get_all(
		"Member",
		filters={"membership_status": ACTIVE, "organisation": ("is", "set")},
		fields=["name", "member_name", "title", "organisation", "membership_status"],
	)
	created, held = [], 0
	for plan in plan_dues(members, year, invoiced_organisations(year)):
		si = new_invoice(settings)
		si.customer = plan.organisation
		si.posting_date = posting_date or today()
		si.set_posting_time = 1
		si.kdf_dues_year = year
		if settings.payment_terms_template:
			si.payment_terms_template = settings.payment_terms_template
		else:
			si.due_date = frappe.utils.add_days(getdate(si.posting_date), 30)
		for line in plan.lines:
			si.append(
				"items",
				{
					"item_code": settings.membership_item,
					"qty": 1,
					"rate": flt(settings.membership_fee),
					"description": f"Medlemskontingent {year}: {line.member_name}, {line.title}",
					"income_account": settings.membership_income_account or None,
					"kdf_member": line.member,
				},
			)
		si.flags.ignore_permissions = True
		si.insert()
		if submit:
			held += not submit_or_hold(si)
		created.append(si.name)
	tell_held(held)
	return created
