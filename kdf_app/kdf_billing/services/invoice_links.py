"""A registration's link to its Sales Invoice follows the invoice through cancel and amend.

- A session invoice (its lines carry ``kdf_registration``) that is cancelled frees its registrations: they
  lose the link, get a note on their timeline, and the next **Create Invoices** invoices them again.
- An amendment of it, once submitted, links them again (and so would any invoice made for them by hand).
- An invoice is refused before submit when one of its registrations is already on another invoice that is
  not cancelled: a registration is never invoiced twice.
- A registration is credited on the invoice in force: :func:`invoice_in_force` follows the amendments of a
  cancelled invoice.
- A cancelled credit note leaves a note on the registration (the invoice is owed again).
- Dues invoices need nothing here: the dues batch skips only organisations with an invoice that is not
  cancelled (kdf_app.kdf_billing.services.dues), so a cancelled one is made again on the next run."""

import frappe
from frappe import _

SI = "Sales Invoice"


def registrations_of(si) -> list[str]:
	"""The registrations an invoice's lines are for, in line order, each once."""
	return list(dict.fromkeys(i.kdf_registration for i in si.get("items") or [] if i.get("kdf_registration")))


def invoice_in_force(name: str | None) -> str | None:
	"""The submitted invoice that stands for ``name``: itself, or the submitted amendment of a cancelled
	one (following amended_from); None when it was cancelled and not replaced, or is still a draft."""
	seen = set()
	while name and name not in seen:
		seen.add(name)
		docstatus = frappe.db.get_value(SI, name, "docstatus")
		if docstatus == 1:
			return name
		if docstatus != 2:
			return None
		name = frappe.db.get_value(SI, {"amended_from": name, "docstatus": ("<", 2)}, "name") or (
			frappe.db.get_value(SI, {"amended_from": name}, "name")
		)
	return None


def refuse_double_invoicing(si) -> None:
	"""Before submit: none of the invoice's registrations is on another invoice that is not cancelled."""
	if si.is_return:
		return
	for reg in registrations_of(si):
		linked = frappe.db.get_value("Registration", reg, "sales_invoice")
		if linked and linked != si.name and frappe.db.get_value(SI, linked, "docstatus") in (0, 1):
			frappe.throw(
				_(
					"Registration {0} is already invoiced on {1}. Cancel {1} first, or remove the registration's "
					"lines from this invoice."
				).format(reg, linked),
				title=_("Already invoiced"),
			)


def link_submitted(si) -> list[str]:
	"""On submit (an amendment, or an invoice made by hand for a registration): its registrations point to
	it. Returns the registrations linked anew."""
	if si.is_return:
		return []
	linked = []
	for reg in registrations_of(si):
		current = frappe.db.get_value("Registration", reg, "sales_invoice")
		if current == si.name:
			continue
		frappe.db.set_value("Registration", reg, "sales_invoice", si.name)
		note(
			reg,
			_("Invoiced on {0} (amending {1}).").format(si.name, si.amended_from)
			if si.amended_from
			else _("Invoiced on {0}.").format(si.name),
		)
		linked.append(reg)
	return linked


def release_cancelled(si) -> list[str]:
	"""On cancel: the registrations of a cancelled invoice lose their link, so they can be invoiced again
	(or are linked to its amendment when that is submitted). A cancelled credit note only leaves a note.
	Returns the registrations released."""
	regs = registrations_of(si)
	if si.is_return:
		for reg in regs:
			note(
				reg,
				_("Credit note {0} (for {1}) was cancelled: the registration is owed in full again.").format(
					si.name, si.return_against
				),
			)
		return []
	released = []
	for reg in regs:
		if frappe.db.get_value("Registration", reg, "sales_invoice") != si.name:
			continue
		frappe.db.set_value("Registration", reg, "sales_invoice", None)
		note(
			reg,
			_(
				"Invoice {0} was cancelled. The registration is no longer invoiced: amend the invoice, or press "
				"Create Invoices on the session to invoice it again."
			).format(si.name),
		)
		released.append(reg)
	if released:
		frappe.msgprint(
			_(
				"{0} registrations are no longer invoiced: {1}. Amend this invoice, or press Create Invoices on "
				"the session to invoice them again."
			).format(len(released), ", ".join(released)),
			alert=True,
		)
	return released


def note(registration: str, text: str) -> None:
	"""A line on the registration's timeline (as ``Document.add_comment`` writes it, without loading the
	registration: a batch notes every registration it invoices)."""
	frappe.get_doc(
		{
			"doctype": "Comment",
			"comment_type": "Info",
			"comment_email": frappe.session.user,
			"reference_doctype": "Registration",
			"reference_name": registration,
			"content": text,
		}
	).insert(ignore_permissions=True)


def relink_existing() -> None:
	"""Patch for sites that cancelled or amended invoices before this existed: each registration points to
	its invoice in force, or to none."""
	for reg, invoice in frappe.get_all(
		"Registration", {"sales_invoice": ("is", "set")}, ["name", "sales_invoice"], as_list=True
	):
		if frappe.db.get_value(SI, invoice, "docstatus") != 2:
			continue
		frappe.db.set_value(
			"Registration", reg, "sales_invoice", invoice_in_force(invoice), update_modified=False
		)
