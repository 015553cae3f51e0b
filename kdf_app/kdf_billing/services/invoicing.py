"""Invoices after a session: one Sales Invoice per paying organisation (and invoice reference) per session,
each participant by name on their own lines."""

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import add_days, cint, flt, format_datetime, getdate, now_datetime, today

from kdf_app.kdf_billing.core.invoicing import (
	DONE,
	OU_TEXT,
	QUEUED,
	RUNNING,
	STOPPED,
	Participation,
	VatSetup,
	invoice_lines,
)
from kdf_app.kdf_billing.services.ehf import FEILET, submit_or_hold
from kdf_app.kdf_billing.services.taxes import item_tax_template, sales_taxes_template
from kdf_app.kdf_programmes.core.cancellation import CHARGE_FULL, CHARGE_PACKAGE, charged_kinds
from kdf_app.kdf_programmes.core.sessions import ATTENDED, CANCELLED_REG, CONFIRMED, NO_SHOW, date_range_no
from kdf_app.shared.services import jobs
from kdf_app.shared.services.settings import get_settings, require

RATE_OF = {("S", 25): "25", ("S", 12): "12", ("E", 0): "0"}
SESSION = "Topplederprogram Session"
INVOICING_JOB = "invoicing"
# the session's invoicing status (record_run): kdf_app.kdf_billing.core.invoicing.INVOICING_STATUSES


def vat_setup(settings=None) -> VatSetup:
	settings = settings or get_settings()
	return VatSetup(registered=settings.vat_setup == "VAT registered", fee_taxable=settings.fee_vat == "25 %")


def due_statuses(settings=None) -> list[str]:
	settings = settings or get_settings()
	return [
		s
		for s, flag in (
			(CONFIRMED, settings.invoice_confirmed),
			(ATTENDED, settings.invoice_attended),
			(NO_SHOW, settings.invoice_no_show),
		)
		if cint(flag)
	]


def new_invoice(settings=None):
	"""A Sales Invoice in KDF's company and its currency with KDF's own price list from settings: never the
	site's default price list (maybe in another currency, which makes ERPNext look up an exchange rate) and
	no pricing rule another app may have left on the site; KDF's amounts are set on each line."""
	settings = settings or get_settings()
	require(settings, "company", "price_list")
	si = frappe.new_doc("Sales Invoice")
	si.company = settings.company
	si.currency = frappe.get_cached_value("Company", settings.company, "default_currency")
	si.conversion_rate = 1
	si.selling_price_list = settings.price_list
	si.price_list_currency = frappe.get_cached_value("Price List", settings.price_list, "currency")
	if si.price_list_currency != si.currency:
		frappe.throw(
			_(
				"KDF's company {0} keeps its books in {1}, but KDF's price list {2} is in {3}. Choose a company in {3} or a price list in {1} in KDF Settings."
			).format(settings.company, si.currency, settings.price_list, si.price_list_currency),
			title=_("KDF Settings incomplete"),
		)
	si.plc_conversion_rate = 1
	si.ignore_pricing_rule = 1
	return si


def session_cost_center(session) -> str:
	"""Each session is a cost center under the company's main one, so P&L per session works."""
	if session.cost_center:
		return session.cost_center
	settings = get_settings()
	company = settings.company
	abbr = frappe.get_cached_value("Company", company, "abbr")
	name = f"{session.name} - {abbr}"
	if not frappe.db.exists("Cost Center", name):
		parent = frappe.db.get_value(
			"Cost Center", {"company": company, "is_group": 1}, "name", order_by="lft asc"
		)
		frappe.get_doc(
			{
				"doctype": "Cost Center",
				"cost_center_name": session.name,
				"company": company,
				"parent_cost_center": parent,
				"is_group": 0,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_value("Topplederprogram Session", session.name, "cost_center", name, update_modified=False)
	session.cost_center = name
	return name


def session_dates(session) -> str:
	"""The session's dates on the invoice lines, in Norwegian whoever invoices (kdf_app.kdf_programmes.core.sessions)."""
	return date_range_no(getdate(session.starts_on), getdate(session.ends_on or session.starts_on))


def create_session_invoices(
	session_name: str, submit: bool | None = None, report=None, created: list | None = None
) -> list[str]:
	"""Invoice every due registration of the session that has no invoice yet. Running it again creates none;
	a run that stopped half way carries on. In a background job each invoice is committed as it is made.
	``created`` (a list) gets each invoice's name as it is made, so the caller knows them if it stops."""
	created = [] if created is None else created
	settings = get_settings()
	require(settings, "company", "participant_fee_item", "stay_package_item", "extra_night_item")
	session = frappe.get_doc("Topplederprogram Session", session_name)
	submit = cint(settings.submit_session_invoices) if submit is None else submit
	groups = invoice_groups(due_registrations(session_name, settings))
	held = 0
	if report:
		report(0, len(groups))
	for i, names in enumerate(groups, start=1):
		# under the registrations' locks: another run may have invoiced some meanwhile
		names = [
			n
			for n in names
			if not frappe.db.sql("select sales_invoice from `tabRegistration` where name = %s for update", n)[
				0
			][0]
		]
		if not names:
			continue
		regs = [frappe.get_doc("Registration", n) for n in names]
		si = make_invoice(regs, session, settings, insert=not submit)
		# inserted submitted in one pass, which links the registrations (kdf_app.kdf_billing.services.invoice_links), or
		# a draft (held: its EHF would fail, kdf_app.kdf_billing.services.ehf), whose registrations are linked here
		if not (submit and submit_or_hold(si)):
			held += bool(submit)
			for reg in regs:
				frappe.db.set_value("Registration", reg.name, "sales_invoice", si.name)
		created.append(si.name)
		jobs.step_done()
		if report:
			report(i, len(groups))
	tell_held(held)
	return created


def due_registrations(session_name: str, settings=None) -> list[str]:
	"""Registrations of the session still to invoice: the due statuses from settings, and seats cancelled
	after the cut-off that are still charged (kdf_app.kdf_programmes.core.cancellation)."""
	settings = settings or get_settings()
	due = frappe.get_all(
		"Registration",
		filters={
			"session": session_name,
			"status": ("in", due_statuses(settings)),
			"sales_invoice": ("is", "not set"),
		},
		fields=["name", "registered_on"],
	)
	late = frappe.get_all(
		"Registration",
		filters={
			"session": session_name,
			"status": CANCELLED_REG,
			"late_charge": ("in", [CHARGE_FULL, CHARGE_PACKAGE]),
			"sales_invoice": ("is", "not set"),
		},
		fields=["name", "registered_on"],
	)
	return [r.name for r in sorted(due + late, key=lambda r: (r.registered_on, r.name))]


def invoice_groups(names: list[str]) -> list[list[str]]:
	"""The due registrations per invoice: one per paying organisation and invoice reference (the EHF's buyer
	reference is per invoice), each group in arrival order."""
	if not names:
		return []
	keys = {
		r.name: (r.paying_organisation, r.invoice_reference or "")
		for r in frappe.get_all(
			"Registration",
			{"name": ("in", names)},
			["name", "paying_organisation", "invoice_reference"],
		)
	}
	groups: dict = {}
	for name in names:
		groups.setdefault(keys[name], []).append(name)
	return list(groups.values())


class RunResult(NamedTuple):
	message: str
	held: int


def held_invoices(filters: dict) -> list:
	"""Drafts a batch kept back because their EHF would fail (kdf_app.kdf_billing.services.ehf.submit_or_hold)."""
	return frappe.get_all(
		"Sales Invoice",
		filters={**filters, "docstatus": 0, "is_return": 0, "kdf_ehf_status": FEILET},
		fields=["name", "customer_name", "kdf_ehf_message"],
		order_by="name asc",
	)


def held_lines(held: list) -> list[str]:
	if not held:
		return []
	return [
		_("{0} held as drafts because their EHF would fail (the reason is under Delivery on each):").format(
			len(held)
		),
		*(f"{h.name} ({h.customer_name}): {(h.kdf_ehf_message or '').replace(chr(10), '; ')}" for h in held),
	]


def record_run(session_name: str, created: list[str], stopped: bool = False) -> RunResult:
	"""Leave what the run did on the session (status, when, invoices made and held, and why), for the desk
	after the message is gone. The counts are the session's as they are now: earlier runs' drafts too."""
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"kdf_session": session_name, "docstatus": ("<", 2), "is_return": 0},
		fields=["docstatus"],
	)
	held = held_invoices({"kdf_session": session_name})
	submitted = sum(1 for i in invoices if i.docstatus == 1)
	now = now_datetime()
	first = (
		_("Invoicing stopped after {0} invoices; see the Error Log. Run it again to carry on.").format(
			len(created)
		)
		if stopped
		else _("{0} invoices made on {1}.").format(len(created), format_datetime(now, "dd.MM.yyyy HH:mm"))
	)
	lines = [
		first,
		_("The session has {0} invoices: {1} submitted, {2} drafts.").format(
			len(invoices), submitted, len(invoices) - submitted
		),
		*held_lines(held),
	]
	message = "\n".join(lines)
	frappe.db.set_value(
		SESSION,
		session_name,
		{
			"invoicing_status": STOPPED if stopped else DONE,
			"invoiced_on": now,
			"invoices_made": len(created),
			"invoices_held": len(held),
			"invoicing_result": message,
		},
		update_modified=False,
	)
	frappe.clear_document_cache(SESSION, session_name)
	return RunResult(message, len(held))


def start_invoicing(session: str) -> dict:
	"""Queue the session's invoicing (after this request commits); refuse a second run while one runs."""
	jobs.refuse_if_running(
		INVOICING_JOB,
		session,
		lambda: _("Invoicing of {0} is already running; its progress shows on the session.").format(session),
	)
	set_invoicing_status(session, QUEUED)  # shown on the session until the job says otherwise
	return jobs.enqueue(
		"kdf_app.kdf_billing.services.invoicing.run_invoicing", INVOICING_JOB, session, session=session
	)


def set_invoicing_status(session: str, status: str) -> None:
	frappe.db.set_value(SESSION, session, "invoicing_status", status, update_modified=False)
	frappe.clear_document_cache(SESSION, session)


@jobs.in_users_language
def run_invoicing(session: str, user: str | None = None) -> list[str]:
	"""Background job: invoice the session with a progress bar on it, and leave the result there."""
	set_invoicing_status(session, RUNNING)
	jobs.step_done()
	created = []
	try:
		create_session_invoices(
			session, report=jobs.progress(_("Creating invoices"), SESSION, session), created=created
		)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"KDF invoicing of {session} stopped")
		result = record_run(session, created, stopped=True)
		jobs.tell(user, result.message, "red", doctype=SESSION, name=session)
		frappe.db.commit()
		raise
	result = record_run(session, created)
	jobs.tell(user, result.message, "orange" if result.held else "green", doctype=SESSION, name=session)
	return created


def tell_held(held: int) -> None:
	if held:
		frappe.msgprint(
			_(
				"{0} invoices were kept as drafts because their EHF would fail; the reason is under Delivery on each."
			).format(held),
			indicator="orange",
		)


def participation_of(reg, session, settings) -> Participation:
	package = frappe.get_cached_doc("Stay Package", reg.stay_package) if reg.stay_package else None
	lines_by_code = {l.code: l.amount for l in reg.price_lines}
	name, title = reg.participant_name, reg.participant_title
	if reg.member and not name:  # a registration from before participants were copied onto it
		name, title = frappe.db.get_value("Member", reg.member, ["member_name", "title"])
	return Participation(
		participant=name,
		title=title or "",
		session=session.session_title,
		dates=session_dates(session),
		fee=lines_by_code.get("fee", 0),
		fee_item=settings.participant_fee_item,
		package=reg.stay_package,
		package_price=lines_by_code.get("package", 0),
		package_item=(package.item if package else None) or settings.stay_package_item,
		accommodation_share=package.accommodation_share if package else 0,
		discount=-flt(lines_by_code.get("combination_discount", 0)),
		extra_night_price=lines_by_code.get("extra_night", 0),
		extra_night_item=settings.extra_night_item,
	)


def make_invoice(regs, session, settings, insert: bool = True):
	"""One invoice to the registrations' paying organisation: each participant's lines, the fee naming them
	(the OU refund needs names; only the fee is refundable, so the package and night are lines of their own).
	Inserted as a draft, or (``insert=False``) returned new for the caller to submit in one pass."""
	regs = regs if isinstance(regs, list | tuple) else [regs]
	reg = regs[0]
	vat = vat_setup(settings)
	cost_center = session_cost_center(session)
	si = new_invoice(settings)
	si.customer = reg.paying_organisation
	si.posting_date = today()
	si.set_posting_time = 1
	si.po_no = reg.invoice_reference  # the customer's reference: EHF BuyerReference
	si.kdf_session = session.name
	si.cost_center = cost_center
	if settings.payment_terms_template:
		si.payment_terms_template = settings.payment_terms_template
	else:
		si.due_date = add_days(today(), 30)
	if session.ou_approved:
		si.terms = OU_TEXT
	for reg in regs:
		add_lines(si, reg, invoice_lines(participation_of(reg, session, settings), vat), vat, settings)
	if vat.registered:
		si.taxes_and_charges = sales_taxes_template(settings.company)
		si.set_taxes()
	si.flags.ignore_permissions = True
	if insert:
		si.insert()
	return si


def add_lines(si, reg, lines, vat, settings) -> None:
	cost_center = si.cost_center
	if reg.status == CANCELLED_REG:  # cancelled late: only what is still charged
		kinds = charged_kinds(reg.late_charge)
		lines = [line for line in lines if line.kind in kinds]
		if not lines:
			frappe.throw(_("Registration {0} was cancelled and has nothing to invoice.").format(reg.name))
	for line in lines:
		row = {
			"item_code": line.item,
			"qty": 1,
			"rate": flt(line.net_amount),
			"description": line.description,
			"income_account": settings.event_income_account or None,
			"cost_center": cost_center,
			"kdf_member": reg.member,
			"kdf_registration": reg.name,
			"kdf_line_kind": line.kind,
			"kdf_vat_category": line.vat_category,
		}
		if line.discount:
			row.update(
				{
					"price_list_rate": flt(line.rate),
					"discount_amount": flt(line.discount),
					"description": f"{line.description} (−{flt(line.discount):.0f}: {line.discount_reason})",
				}
			)
		if vat.registered:
			row["item_tax_template"] = item_tax_template(
				settings.company, RATE_OF[(line.vat_category, int(line.vat_percent))]
			)
		si.append("items", row)


def credit_registration(reg, keep: frozenset[str] = frozenset()) -> str | None:
	"""A cancelled registration that was invoiced gets a credit note (a Sales Invoice return) for its lines,
	less the kinds of line it is still charged for (``keep``, a late cancellation)."""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	from kdf_app.kdf_billing.services.invoice_links import invoice_in_force

	in_force = invoice_in_force(reg.sales_invoice)
	if in_force and in_force != reg.sales_invoice:  # never a cancelled invoice: its amendment in force
		reg.sales_invoice = in_force
		frappe.db.set_value("Registration", reg.name, "sales_invoice", in_force)
	if not reg.sales_invoice or frappe.db.get_value("Sales Invoice", reg.sales_invoice, "docstatus") != 1:
		return None
	existing = frappe.db.sql(
		"""select si.name from `tabSales Invoice` si join `tabSales Invoice Item` i on i.parent = si.name
		where si.return_against = %s and si.docstatus = 1 and i.kdf_registration = %s limit 1""",
		(reg.sales_invoice, reg.name),
	)
	if existing:
		return existing[0][0]
	credit = make_sales_return(reg.sales_invoice)
	# settle against the invoice it credits (ERPNext turns this back on by itself, with a message, when that
	# invoice's outstanding is smaller than the credit, e.g. after a payment)
	credit.update_outstanding_for_self = 0
	# only this participant's lines (an organisation's invoice lists its other participants too)
	all_items = len(credit.items)
	credit.set(
		"items",
		[
			i
			for i in credit.items
			if i.kdf_line_kind not in keep and i.kdf_registration in (reg.name, None, "")
		],
	)
	if not credit.items:
		return None  # charged in full: nothing to credit
	if keep or len(credit.items) != all_items:
		credit.run_method("calculate_taxes_and_totals")
	credit.posting_date = today()
	credit.set_posting_time = 1
	credit.flags.ignore_permissions = True
	credit.flags.kdf_record_ehf_failure = True  # a cancellation is never held up by the EHF
	credit.insert()
	credit.submit()
	frappe.msgprint(_("Credit note {0} created for {1}.").format(credit.name, reg.sales_invoice), alert=True)
	return credit.name
