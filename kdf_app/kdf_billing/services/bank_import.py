"""Who has paid: the bank's camt.054/camt.053 file becomes ERPNext's own records.

Every payment of the file becomes a submitted Bank Transaction on KDF's Bank Account, keyed by the bank's
reference (``transaction_id``, unique): importing the same file again, or a statement that overlaps it, creates
nothing new. A payment whose KID belongs to one open Sales Invoice becomes a submitted Payment Entry allocated to
it (an overpayment's rest stays unallocated on the customer: an advance), and the Bank Transaction is reconciled
with it (the Bank Reconciliation Tool's own allocation: ``Bank Transaction.payment_entries``, which clears the
Payment Entry). Everything else is listed with the reason (kdf_app.kdf_billing.core.payments); a suggestion is booked only
when the secretariat confirms it (:func:`confirm`).

One file is one unit of work: it is imported whole or not at all (a refused file, or an error half way, leaves
no Bank Transaction and no Payment Entry); the Bank File Import log says what happened either way.
"""

import hashlib
import os
import shutil
from contextlib import contextmanager
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from kdf_app.kdf_billing.core import bank_file, payments
from kdf_app.kdf_billing.core.payments import ALREADY, CONFIRMED, DONE, FAILED, QUEUED, REFUSED, RUNNING
from kdf_app.kdf_billing.services.bank_account import kdf_bank_account, own_account
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services import jobs
from kdf_app.shared.services.settings import get_settings

LOG = "Bank File Import"
# its statuses and its rows' (kdf_app.kdf_billing.core.payments.IMPORT_STATUSES, ROW_STATUSES)
WHOLE_FILE = "Whole file"
PROGRESS_EVERY = 10


@contextmanager
def booked_by_the_system():
	"""ERPNext's Payment Entry reads the chart of accounts with the user's permissions (get_account_details), which
	the secretariat does not have. The import and a confirmation are started only by the secretariat (the API's
	require_roles) or by the scheduler; only the writing of a Payment Entry or Bank Transaction runs as the
	system (reading the file, matching and the log run as the user who started it, who stays its owner)."""
	user = frappe.session.user
	if user == "Administrator":
		yield
		return
	frappe.set_user("Administrator")
	try:
		yield
	finally:
		frappe.set_user(user)


# Starting an import -------------------------------------------------------------------------------------------


def start(
	content: bytes,
	file_name: str,
	bank_account: str | None = None,
	source: str = "Desk",
	file_url: str | None = None,
) -> str:
	"""Log the file and import it in the background (progress on the log's form); returns the log's name."""
	bank_account = bank_account or kdf_bank_account()
	if not frappe.db.get_value("Bank Account", bank_account, "is_company_account"):
		frappe.throw(_("{0} is not one of KDF's own bank accounts.").format(bank_account))
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"bank_account": bank_account,
			"file": file_url,
			"file_name": file_name,
			"source": source,
			"status": QUEUED,
			"unit_of_work": _(WHOLE_FILE),
		}
	).insert(ignore_permissions=True)
	frappe.enqueue(
		"kdf_app.kdf_billing.services.bank_import.run",
		queue="long",
		timeout=3600,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		log=log.name,
		content=None if file_url else content,
		user=frappe.session.user,
	)
	return log.name


def import_now(content: bytes, file_name: str, bank_account: str | None = None, source: str = "Demo") -> str:
	"""Import a file in this process (the demo, the folder job): the log's name."""
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"bank_account": bank_account or kdf_bank_account(),
			"file_name": file_name,
			"source": source,
			"status": QUEUED,
			"unit_of_work": _(WHOLE_FILE),
		}
	).insert(ignore_permissions=True)
	run(log.name, content)
	return log.name


def _file_content(file_url: str) -> bytes:
	return frappe.get_doc("File", {"file_url": file_url}).get_content() or b""


@jobs.in_users_language
def run(log: str, content: bytes | None = None, user: str | None = None) -> str:
	"""The job: read, match and book the file as one unit of work; the log says what happened (its reasons and
	the progress in the language of who started it; Frappe's worker sets the user, not their language)."""
	doc = frappe.get_doc(LOG, log)
	if doc.status != QUEUED:  # a job run twice (a retried or duplicated queue entry) does nothing again
		return doc.status
	# a new modified time: the open form reloads on it (Frappe ignores an update with the same timestamp)
	doc.db_set("status", RUNNING, notify=True)
	_commit()
	if content is None and doc.file:
		content = _file_content(doc.file)
	if isinstance(content, str):
		content = content.encode("utf-8")
	frappe.db.savepoint("kdf_bank_import")
	try:
		import_file(doc, content or b"")
		doc.status = DONE
	except DomainError as e:
		frappe.db.rollback(save_point="kdf_bank_import")
		_reset(doc)
		doc.status, doc.error = REFUSED, e.render(_)
	except Exception:
		frappe.db.rollback(save_point="kdf_bank_import")
		_reset(doc)
		doc.status = FAILED
		doc.error = _("The import stopped on an error and nothing of the file was imported: {0}").format(
			frappe.get_traceback(with_context=False).strip().splitlines()[-1]
		)
		frappe.log_error(title=f"Bank file import {log}")
	doc.imported_on = now_datetime()
	doc.save(ignore_permissions=True)
	_commit()
	_tell(doc, user)
	return doc.status


def _reset(doc) -> None:
	doc.rows = []
	for field in ("entries", "already_imported", "not_booked", "matched", "suggested", "unmatched"):
		doc.set(field, 0)
	for field in ("amount_matched", "amount_suggested", "amount_unmatched"):
		doc.set(field, 0)


def _commit() -> None:
	if getattr(frappe.local, "job", None):
		frappe.db.commit()


def _tell(doc, user: str | None) -> None:
	frappe.publish_realtime(
		"kdf_bank_import_done", {"name": doc.name}, doctype=LOG, docname=doc.name, after_commit=True
	)
	if not user or user == "Guest":
		return
	if doc.status == DONE:
		message = _("{0}: {1} matched, {2} suggested, {3} unmatched, {4} already imported.").format(
			doc.file_name, doc.matched, doc.suggested, doc.unmatched, doc.already_imported
		)
		indicator = "green" if not (doc.suggested or doc.unmatched) else "orange"
	else:
		message, indicator = f"{doc.file_name}: {doc.error}", "red"
	frappe.publish_realtime(
		"msgprint",
		{"message": frappe.utils.escape_html(message), "indicator": indicator, "title": _(LOG)},
		user=user,
		after_commit=True,
	)


# The import itself --------------------------------------------------------------------------------------------


def ledger(company: str) -> payments.Ledger:
	"""Every Sales Invoice of the company a KID or an invoice number may point to, with its customer's
	organisation number and whether a credit note settled it."""
	rows = frappe.get_all(
		"Sales Invoice",
		filters={"company": company},
		fields=[
			"name",
			"customer",
			"outstanding_amount",
			"grand_total",
			"docstatus",
			"is_return",
			"return_against",
		],
		order_by=None,
	)
	credited = {
		r.return_against: r.name for r in rows if r.is_return and r.return_against and r.docstatus == 1
	}
	orgs = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ("in", list({r.customer for r in rows}) or [""])},
			fields=["name", "kdf_org_number"],
			as_list=True,
		)
	)
	return payments.Ledger(
		{
			r.name: payments.Invoice(
				name=r.name,
				customer=r.customer,
				outstanding=_money(r.outstanding_amount),
				grand_total=_money(r.grand_total),
				docstatus=r.docstatus,
				is_return=bool(r.is_return),
				credited_by=credited.get(r.name),
				org_number=orgs.get(r.customer),
			)
			for r in rows
		}
	)


def _money(value) -> Decimal:
	return Decimal(str(flt(value, 2))).quantize(Decimal("0.01"))


def import_file(doc, content: bytes) -> None:
	settings = get_settings()
	company = frappe.db.get_value("Bank Account", doc.bank_account, "company") or settings.company
	parsed = bank_file.parse(content, own_account(doc.bank_account))
	doc.message_kind = f"{parsed.kind} ({parsed.version})"
	doc.message_id = parsed.message_id
	doc.entries = len(parsed.entries) + parsed.duplicates
	doc.not_booked = parsed.not_booked
	known = set(
		frappe.get_all(
			"Bank Transaction",
			filters={
				"transaction_id": ("in", [e.reference for e in parsed.entries] or [""]),
				"docstatus": ("!=", 2),
			},
			pluck="transaction_id",
		)
	)
	books = ledger(company)
	context = _Context(company, doc.bank_account)
	report = _progress(doc)
	total = len(parsed.entries)
	for i, entry in enumerate(parsed.entries, start=1):
		if entry.reference in known:
			doc.already_imported += 1
			doc.append("rows", _row(entry, ALREADY, _("Imported before.")))
		else:
			_book(doc, entry, books, context)
		if i % PROGRESS_EVERY == 0 or i == total:
			report(i, total)
	doc.already_imported += parsed.duplicates


def _progress(doc):
	"""frappe.publish_progress, naming the record in the message: the open form reloads once on its first one if it
	still says Queued (the Running update may come before the form has joined the record's live updates)."""

	def report(done: int, total: int) -> None:
		frappe.publish_realtime(
			"progress",
			{
				"percent": max(int(done * 100 / total) if total else 100, 1),
				"title": _("Importing {0}").format(doc.file_name or doc.name),
				"description": _("{0} of {1}").format(done, total),
				"doctype": LOG,
				"docname": doc.name,
			},
			doctype=LOG,
			docname=doc.name,
		)

	return report


class _Context:
	def __init__(self, company: str, bank_account: str):
		self.company = company
		self.bank_account = bank_account
		self.gl_account = frappe.db.get_value("Bank Account", bank_account, "account")
		if not self.gl_account:
			frappe.throw(_("Bank Account {0} has no ledger account.").format(bank_account))
		self.receivable = frappe.get_cached_value("Company", company, "default_receivable_account")
		self.debit_to: dict[str, str] = {}

	def receivable_of(self, invoice: str | None) -> str:
		if not invoice:
			return self.receivable
		if invoice not in self.debit_to:
			self.debit_to[invoice] = frappe.db.get_value("Sales Invoice", invoice, "debit_to")
		return self.debit_to[invoice]


def _row(
	entry: bank_file.BankEntry, status: str, reason: str, decision: payments.Decision | None = None
) -> dict:
	return {
		"status": status,
		"reference": entry.reference,
		"booking_date": entry.booking_date,
		"amount": entry.amount,
		"credit": int(entry.credit),
		"kid": entry.kid,
		"payer": entry.debtor_name,
		"payer_org_number": entry.debtor_org_number,
		"text": entry.text,
		"reason": reason,
		"sales_invoice": decision.invoice if decision else None,
		"customer": decision.customer if decision else None,
		"allocated": decision.allocated if decision else 0,
		"advance": decision.advance if decision else 0,
	}


def _book(doc, entry: bank_file.BankEntry, books: payments.Ledger, context: _Context) -> None:
	decision = payments.decide(
		payments.Payment(entry.amount, entry.credit, entry.kid, entry.text, entry.debtor_org_number), books
	)
	row = _row(entry, decision.status, decision.render(_), decision)
	payment_entry = None
	if decision.status == payments.MATCHED:
		payment_entry = make_payment_entry(
			context,
			entry.reference,
			entry.booking_date,
			entry.amount,
			decision.customer,
			decision.invoice,
			decision.allocated,
		)
		books.book(decision.invoice, decision.allocated)
		row["payment_entry"] = payment_entry
	row["bank_transaction"] = make_bank_transaction(context, entry, decision, payment_entry)
	doc.append("rows", row)
	field = {payments.MATCHED: "matched", payments.SUGGESTED: "suggested"}.get(decision.status, "unmatched")
	doc.set(field, (doc.get(field) or 0) + 1)
	doc.set(f"amount_{field}", flt(doc.get(f"amount_{field}")) + flt(entry.amount))


def make_payment_entry(
	context: _Context, reference: str, posting_date, amount, customer: str, invoice: str | None, allocated
) -> str:
	"""A submitted Payment Entry of ``amount`` from ``customer`` into KDF's bank: ``allocated`` to
	``invoice``, the rest unallocated (an advance on the customer)."""
	pe = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": context.company,
			"posting_date": getdate(posting_date),
			"party_type": "Customer",
			"party": customer,
			"paid_from": context.receivable_of(invoice),
			"paid_to": context.gl_account,
			"bank_account": context.bank_account,
			"paid_amount": flt(amount),
			"received_amount": flt(amount),
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": reference,
			"reference_date": getdate(posting_date),
			"references": [
				{
					"reference_doctype": "Sales Invoice",
					"reference_name": invoice,
					"allocated_amount": flt(allocated),
				}
			]
			if invoice and flt(allocated)
			else [],
		}
	)
	pe.flags.ignore_permissions = True
	with booked_by_the_system():
		pe.submit()  # inserted submitted in one pass (Frappe's submit() of a new document), as KDF's batches do
	return pe.name


def make_bank_transaction(
	context: _Context, entry: bank_file.BankEntry, decision: payments.Decision, payment_entry: str | None
) -> str:
	"""The bank's entry as a submitted Bank Transaction, reconciled with ``payment_entry`` when there is one."""
	description = " ".join(p for p in (f"KID {entry.kid}" if entry.kid else "", entry.text) if p)
	bt = frappe.get_doc(
		{
			"doctype": "Bank Transaction",
			"date": entry.booking_date,
			"bank_account": context.bank_account,
			"company": context.company,
			"currency": entry.currency,
			"deposit": flt(entry.amount) if entry.credit else 0,
			"withdrawal": 0 if entry.credit else flt(entry.amount),
			"transaction_id": entry.reference,
			"reference_number": entry.kid or entry.reference,
			"description": description or None,
			"bank_party_name": entry.debtor_name,
			"bank_party_account_number": entry.debtor_account,
			"party_type": "Customer" if decision.customer else None,
			"party": decision.customer,
			"payment_entries": [
				{"payment_document": "Payment Entry", "payment_entry": payment_entry, "allocated_amount": 0}
			]
			if payment_entry
			else [],
		}
	)
	bt.flags.ignore_permissions = True
	with booked_by_the_system():
		bt.submit()  # in one pass; before_submit allocates and clears the Payment Entry (allocate_payment_entries)
	return bt.name


# Confirming a suggestion --------------------------------------------------------------------------------------


def confirm(log: str, row_name: str) -> str:
	"""Book a suggested payment as the secretariat confirmed it: the invoice as far as it is still open (the
	rest as an advance), or the whole amount as an advance on the customer; the Bank Transaction reconciled.
	Returns the Payment Entry."""
	doc = frappe.get_doc(LOG, log)
	row = next((r for r in doc.rows if r.name == row_name), None)
	if not row:
		frappe.throw(_("Payment {0} is not in import {1}.").format(row_name, log))
	if row.status != payments.SUGGESTED:
		frappe.throw(_("Only a suggestion can be confirmed; this payment is {0}.").format(_(row.status)))
	if not row.customer:
		frappe.throw(_("The suggestion names no customer."))
	bt = frappe.get_doc("Bank Transaction", row.bank_transaction)
	if flt(bt.unallocated_amount) <= 0:
		frappe.throw(_("Bank Transaction {0} is already reconciled.").format(bt.name))
	allocated = Decimal(0)
	if row.sales_invoice:
		si = frappe.db.get_value(
			"Sales Invoice", row.sales_invoice, ["docstatus", "outstanding_amount"], as_dict=True
		)
		if si and si.docstatus == 1 and flt(si.outstanding_amount) > 0:
			allocated, _advance = payments.allocate(_money(row.amount), _money(si.outstanding_amount))
	context = _Context(
		(doc.bank_account and frappe.db.get_value("Bank Account", doc.bank_account, "company"))
		or get_settings().company,
		doc.bank_account,
	)
	with booked_by_the_system():
		pe = make_payment_entry(
			context,
			row.reference,
			row.booking_date,
			row.amount,
			row.customer,
			row.sales_invoice if allocated else None,
			allocated,
		)
		bt.add_payment_entries([{"payment_doctype": "Payment Entry", "payment_name": pe}])
		bt.validate_duplicate_references()
		bt.allocate_payment_entries()
		bt.update_allocated_amount()
		bt.set_status()
		bt.party_type, bt.party = "Customer", row.customer
		bt.flags.ignore_permissions = True
		bt.save()
	row.db_set(
		{
			"status": CONFIRMED,
			"payment_entry": pe,
			"allocated": flt(allocated),
			"advance": flt(row.amount) - flt(allocated),
		}
	)
	doc.db_set(
		{
			"suggested": max((doc.suggested or 0) - 1, 0),
			"matched": (doc.matched or 0) + 1,
			"amount_suggested": flt(doc.amount_suggested) - flt(row.amount),
			"amount_matched": flt(doc.amount_matched) + flt(row.amount),
		}
	)
	return pe


# The bank's folder --------------------------------------------------------------------------------------------


def folder_path(folder: str) -> str:
	return folder if os.path.isabs(folder) else frappe.get_site_path(folder)


def import_folder() -> list[str]:
	"""Scheduled: import each file the bank dropped into the folder (KDF Settings), then move it to imported/
	or refused/ beside it. Returns the logs."""
	settings = get_settings()
	if not settings.bank_import_folder:
		return []
	folder = folder_path(settings.bank_import_folder)
	if not os.path.isdir(folder):
		return []
	logs = []
	for name in sorted(os.listdir(folder)):
		path = os.path.join(folder, name)
		if not os.path.isfile(path) or name.startswith("."):
			continue
		with open(path, "rb") as f:
			content = f.read()
		log = frappe.get_doc(
			{
				"doctype": LOG,
				"bank_account": kdf_bank_account(),
				"file_name": f"{name} ({hashlib.sha256(content).hexdigest()[:12]})",
				"source": "Folder",
				"status": QUEUED,
				"unit_of_work": _(WHOLE_FILE),
			}
		).insert(ignore_permissions=True)
		status = run(log.name, content)
		target = os.path.join(folder, "imported" if status == DONE else "refused")
		os.makedirs(target, exist_ok=True)
		shutil.move(path, os.path.join(target, name))
		logs.append(log.name)
		_commit()
	return logs
