"""Who has paid: a bank entry matched to KDF's invoices, as pure rules.

:func:`decide` says what to do with one incoming payment, from plain facts the service layer reads:

- ``matched``: the KID belongs to one open invoice: book a Payment Entry allocated to it (the whole amount on a
  part payment or an exact one; on an overpayment the outstanding amount, the rest an unallocated advance).
- ``suggested``: something points to an invoice or a customer but is no proof: the invoice number or a KID in the
  free text, the payer's organisation number and the amount, a KID with a bad check digit or one that fits no
  invoice, an invoice that is already paid or was credited (then the advance on its customer). The secretariat
  confirms with one click; nothing is booked before.
- ``unmatched``: nothing points anywhere, or it is an outgoing payment: listed with the reason.

Every decision carries a ``reason`` (an English template marked for translation, with ``params``)."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from kdf_app.shared.core.i18n import _
from kdf_app.shared.core.numbers import is_valid_kid, kid

MATCHED, SUGGESTED, UNMATCHED = "Matched", "Suggested", "Unmatched"
# a row of a Bank File Import: the decision, then what the secretariat or an earlier import made of it
CONFIRMED, ALREADY = "Confirmed", "Already Imported"
ROW_STATUSES = (MATCHED, SUGGESTED, UNMATCHED, CONFIRMED, ALREADY)
# a Bank File Import (one file, imported whole or not at all)
IMPORT_STATUSES = QUEUED, RUNNING, DONE, REFUSED, FAILED = ("Queued", "Running", "Done", "Refused", "Failed")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Invoice:
	name: str
	customer: str
	outstanding: Decimal
	grand_total: Decimal
	docstatus: int = 1
	is_return: bool = False
	credited_by: str | None = None  # a submitted credit note against it
	org_number: str | None = None  # the customer's


Reason = tuple[str, tuple]  # (English template marked for translation, its parameters)


@dataclass(frozen=True)
class Decision:
	status: str  # Matched | Suggested | Unmatched
	reasons: tuple[Reason, ...]
	invoice: str | None = None
	customer: str | None = None
	allocated: Decimal = ZERO  # to the invoice
	advance: Decimal = ZERO  # unallocated, on the customer

	def render(self, translate=lambda s: s) -> str:
		return " ".join(translate(t).format(*p) for t, p in self.reasons)


@dataclass(frozen=True)
class Payment:
	amount: Decimal
	credit: bool = True
	kid: str | None = None
	text: str = ""
	debtor_org_number: str | None = None


@dataclass
class Ledger:
	"""What the service knows about KDF's invoices: every invoice a KID or number may point to (submitted,
	cancelled, drafts), by name. Build it once per file; :meth:`book` keeps it true while the file is read
	(two payments for one invoice in the same file)."""

	invoices: dict[str, Invoice] = field(default_factory=dict)

	def __post_init__(self):
		self._by_kid: dict[str, list[str]] = defaultdict(list)
		self._by_number: dict[str, list[str]] = defaultdict(list)
		for name in self.invoices:
			try:
				self._by_kid[kid(name)].append(name)
			except ValueError:
				continue
			for key in number_keys(name):
				self._by_number[key].append(name)

	def by_kid(self, value: str) -> list[Invoice]:
		return [self.invoices[n] for n in self._by_kid.get(value, ())]

	def by_number(self, key: str) -> list[Invoice]:
		return [self.invoices[n] for n in self._by_number.get(key, ())]

	def open_of(self, org_number: str) -> list[Invoice]:
		return sorted(
			(
				i
				for i in self.invoices.values()
				if i.org_number == org_number and i.docstatus == 1 and not i.is_return and i.outstanding > 0
			),
			key=lambda i: i.name,
		)

	def book(self, name: str, allocated: Decimal) -> None:
		inv = self.invoices[name]
		self.invoices[name] = Invoice(**{**inv.__dict__, "outstanding": inv.outstanding - allocated})


def allocate(amount: Decimal, outstanding: Decimal) -> tuple[Decimal, Decimal]:
	"""(to the invoice, advance): a part payment or an exact one all to the invoice, an overpayment the
	outstanding amount and the rest as an advance."""
	if amount <= outstanding:
		return amount, ZERO
	return outstanding, amount - outstanding


def number_keys(name: str) -> set[str]:
	"""How a payer may write an invoice number in the free text: the whole number, the part after the series'
	letters ("2026-00012"), and its digits ("202600012"); upper case, for whole-word search."""
	upper = name.upper()
	keys = {upper}
	tail = re.sub(r"^[A-Z\-]*?(?=\d)", "", upper)
	if tail and tail != upper:
		keys.add(tail)
	digits = "".join(ch for ch in upper if ch.isdigit())
	if len(digits) >= 5:
		keys.add(digits)
	return keys


TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-]*[A-Z0-9]|\d")


def tokens(text: str) -> list[str]:
	"""Words of the free text that may be an invoice number or a KID: runs of letters, digits and hyphens;
	a KID written with spaces ("2026 0001 21") joined too."""
	upper = (text or "").upper()
	found = TOKEN.findall(upper)
	joined = re.findall(r"\d[\d ]{3,}\d", upper)
	return found + [j.replace(" ", "") for j in joined]


def decide(payment: Payment, ledger: Ledger) -> Decision:
	if not payment.credit:
		return Decision(
			UNMATCHED, ((_("Outgoing payment: reconcile it in the Bank Reconciliation Tool."), ()),)
		)
	if payment.amount <= 0:
		return Decision(UNMATCHED, ((_("The amount is zero."), ()),))
	if not payment.kid:
		return _fallback(payment, ledger, (_("The payment has no KID."), ()))
	if not is_valid_kid(payment.kid):
		return _fallback(payment, ledger, (_("KID {0} has a wrong check digit."), (payment.kid,)))
	invoices = [i for i in ledger.by_kid(payment.kid) if not i.is_return]
	live = [i for i in invoices if i.docstatus == 1]
	if len(live) > 1:
		why = (_("KID {0} fits several invoices ({1})."), (payment.kid, ", ".join(i.name for i in live)))
		return _fallback(payment, ledger, why)
	if not live:
		if invoices:  # a draft or a cancelled invoice
			why = (
				_("KID {0} belongs to invoice {1}, which is not submitted."),
				(payment.kid, invoices[0].name),
			)
			return _fallback(payment, ledger, why)
		return _fallback(payment, ledger, (_("KID {0} fits no invoice of KDF."), (payment.kid,)))
	return _for_invoice(payment, live[0])


def _for_invoice(payment: Payment, invoice: Invoice, why: tuple[Reason, ...] = ()) -> Decision:
	"""Book on the KID (no ``why``), or suggest the invoice found another way (``why``: how)."""
	if invoice.outstanding <= 0:
		if invoice.credited_by:
			reason = (
				_(
					"Invoice {0} was credited (credit note {1}): keep the payment as an advance for {2}, "
					"or pay it back."
				),
				(invoice.name, invoice.credited_by, invoice.customer),
			)
		else:
			reason = (
				_("Invoice {0} is already paid: keep the payment as an advance for {1}, or pay it back."),
				(invoice.name, invoice.customer),
			)
		return Decision(SUGGESTED, (*why, reason), None, invoice.customer, ZERO, payment.amount)
	allocated, advance = allocate(payment.amount, invoice.outstanding)
	if advance:
		reason = (
			_("Invoice {0}: overpaid by {1}, kept as an advance for {2}."),
			(invoice.name, advance, invoice.customer),
		)
	elif allocated < invoice.outstanding:
		reason = (
			_("Invoice {0}: part payment, {1} still outstanding."),
			(invoice.name, invoice.outstanding - allocated),
		)
	else:
		reason = (_("Invoice {0}: paid in full."), (invoice.name,))
	status = SUGGESTED if why else MATCHED
	return Decision(status, (*why, reason), invoice.name, invoice.customer, allocated, advance)


def _fallback(payment: Payment, ledger: Ledger, why: Reason) -> Decision:
	"""No booking on the KID: look for a suggestion in the free text, then in the payer's organisation number
	and the amount."""
	found: list[Invoice] = []
	for word in tokens(payment.text):
		candidates = ledger.by_number(word)
		if is_valid_kid(word) and word != payment.kid:
			candidates = candidates + ledger.by_kid(word)
		for inv in candidates:
			if inv.docstatus == 1 and not inv.is_return and inv not in found:
				found.append(inv)
	if len(found) == 1:
		return _for_invoice(payment, found[0], (why, (_("The text names invoice {0}."), (found[0].name,))))
	if len(found) > 1:
		names = ", ".join(i.name for i in found)
		return Decision(UNMATCHED, (why, (_("The text names several invoices ({0})."), (names,))))
	if payment.debtor_org_number:
		same_amount = [
			i for i in ledger.open_of(payment.debtor_org_number) if i.outstanding == payment.amount
		]
		if len(same_amount) == 1:
			inv = same_amount[0]
			how = (
				_("Payer {0} owes exactly this amount on invoice {1}."),
				(payment.debtor_org_number, inv.name),
			)
			return _for_invoice(payment, inv, (why, how))
		if same_amount:
			names = ", ".join(i.name for i in same_amount)
			how = (
				_("Payer {0} owes this amount on several invoices ({1})."),
				(payment.debtor_org_number, names),
			)
			return Decision(UNMATCHED, (why, how))
	return Decision(UNMATCHED, (why, (_("Nothing else in the payment points to an invoice."), ())))


PAID_NO, NOT_PAID_NO, CREDITED_NO = "Betalt", "Ikke betalt", "Kreditert"


def member_payment_status(status: str) -> str:
	"""What Mine fakturaer says of an invoice's status (kdf_app.kdf_members.core.membership.invoice_status): Betalt,
	Kreditert, or Ikke betalt (sent, partly paid, overdue), which the page shows with the due date."""
	return status if status in (PAID_NO, CREDITED_NO) else NOT_PAID_NO
