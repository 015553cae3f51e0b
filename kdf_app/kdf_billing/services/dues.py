"""The annual membership dues batch: one Sales Invoice per paying organisation and year."""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate, now_datetime, today

from kdf_app.kdf_billing.services.ehf import submit_or_hold
from kdf_app.kdf_billing.services.invoicing import (
	RunResult,
	held_invoices,
	held_lines,
	new_invoice,
	tell_held,
)
from kdf_app.kdf_members.core.members import ACTIVE, plan_dues
from kdf_app.shared.services import jobs
from kdf_app.shared.services.settings import get_settings, require

DUES_JOB = "dues"


def invoiced_organisations(year: int) -> set[str]:
	return set(
		frappe.get_all(
			"Sales Invoice", filters={"kdf_dues_year": year, "docstatus": ("<", 2)}, pluck="customer"
		)
	)


def create_dues_invoices(
	year: int, submit: bool | None = None, posting_date=None, report=None, created: list | None = None
) -> list[str]:
	"""Create the year's dues invoices; organisations already invoiced for ``year`` are skipped, so running
	the batch again creates nothing new. Returns the names of the invoices created (also appended to
	``created`` as they are made); ``report(done, total)`` follows the progress. In a background job each
	invoice is committed as it is made (run_dues)."""
	created = [] if created is None else created
	year = cint(year)
	if year < 2000 or year > 2100:
		frappe.throw(_("Year {0} is not valid.").format(year), title=_("Not valid"))
	settings = get_settings()
	require(settings, "company", "membership_item", "membership_fee")
	submit = cint(settings.submit_dues_invoices) if submit is None else submit
	# Serialise concurrent batches on the singleton row so two runs cannot both see "not invoiced"; in a
	# background job each invoice is committed, which lets the lock go, so it is taken again for each one.
	lock = "select value from `tabSingles` where doctype='KDF Settings' for update"
	frappe.db.sql(lock)
	members = frappe.get_all(
		"Member",
		filters={"membership_status": ACTIVE, "organisation": ("is", "set")},
		fields=["name", "member_name", "title", "organisation", "membership_status"],
	)
	held = 0
	plans = plan_dues(members, year, invoiced_organisations(year))
	if report:
		report(0, len(plans))
	for i, plan in enumerate(plans, start=1):
		if i > 1 and jobs.in_job():
			frappe.db.sql(lock)
			if frappe.db.exists(
				"Sales Invoice", {"kdf_dues_year": year, "customer": plan.organisation, "docstatus": ("<", 2)}
			):
				continue  # another run invoiced it meanwhile
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
		if submit:  # inserted submitted in one pass, or held as a draft (kdf_app.kdf_billing.services.ehf)
			held += not submit_or_hold(si)
		else:
			si.insert()
		created.append(si.name)
		jobs.step_done()
		if report:
			report(i, len(plans))
	tell_held(held)
	return created


def record_run(year: int, created: list[str], stopped: bool = False) -> RunResult:
	"""Leave what the batch did in KDF Settings (when, the year, invoices made and held, and why)."""
	held = held_invoices({"kdf_dues_year": year})
	now = now_datetime()
	first = (
		_("The dues batch for {0} stopped after {1} invoices; see the Error Log. Run it again to carry on.")
		if stopped
		else _("Dues {0}: {1} invoices made.")
	).format(year, len(created))
	invoiced = len(invoiced_organisations(year))
	message = "\n".join(
		[first, _("{0} organisations have a dues invoice for {1}.").format(invoiced, year), *held_lines(held)]
	)
	frappe.db.set_single_value(
		"KDF Settings", {"dues_last_run_on": now, "dues_last_run": message}, update_modified=False
	)
	frappe.clear_document_cache("KDF Settings", "KDF Settings")
	return RunResult(message, len(held))


def start_dues(year: int, submit: bool | None = None) -> dict:
	"""Queue the year's dues batch (after this request commits); refuse a second one for the same year."""
	jobs.refuse_if_running(
		DUES_JOB,
		str(year),
		lambda: _("The dues batch for {0} is already running; its progress shows in the desk.").format(year),
	)
	return jobs.enqueue(
		"kdf_app.kdf_billing.services.dues.run_dues", DUES_JOB, str(year), year=year, submit=submit
	)


@jobs.in_users_language
def run_dues(year: int, submit: bool | None = None, user: str | None = None) -> list[str]:
	"""Background job: the year's dues batch with a progress bar for the user who started it, the result in
	KDF Settings and a message to that user."""
	created = []
	try:
		create_dues_invoices(year, submit, report=jobs.progress(_("Creating dues invoices")), created=created)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"KDF dues batch {year} stopped")
		result = record_run(year, created, stopped=True)
		frappe.db.commit()
		jobs.tell(user, result.message, "red", title=_("Create Dues Invoices"))
		raise
	result = record_run(year, created)
	jobs.tell(user, result.message, "orange" if result.held else "green", title=_("Create Dues Invoices"))
	return created
