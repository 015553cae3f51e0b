"""EHF (Peppol BIS Billing 3.0, UBL 2.1) invoices and credit notes from plain data.

``build(document)`` returns the XML bytes; amounts are Decimals rounded to the øre. The totals are derived
here from the lines, the document-level allowances (a header discount), the VAT amounts, the prepaid amount
(advances) and the rounding; when the document carries the invoice's own figures (``Document.expected``, from
ERPNext), :func:`problems` refuses an EHF whose totals would differ from them, so the EHF always says what the
invoice says. Validate the result with :mod:`kdf_app.kdf_billing.core.schematron`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from kdf_app.kdf_programmes.core.sessions import money
from kdf_app.shared.core.i18n import DomainError, _
from kdf_app.shared.core.numbers import PEPPOL_SCHEME_NO_ORGNR, validate_org_number, vat_id

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS = {
	"invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
	"credit_note": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
	"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
	"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# VAT categories used by KDF: S standard (25 / 12 / 15 %), E exempt, O outside the scope of VAT, Z zero rated
EXEMPTION = {
	"E": ("VATEX-EU-132-1I", "Undervisningstjenester unntatt merverdiavgift, mval. § 3-5"),
	"O": ("VATEX-EU-O", "Selger er ikke registrert i Merverdiavgiftsregisteret"),
}


@dataclass(frozen=True)
class Address:
	street: str | None = None
	city: str | None = None
	postal_code: str | None = None
	country: str = "NO"


@dataclass(frozen=True)
class Party:
	name: str
	org_number: str
	address: Address = field(default_factory=Address)
	vat_registered: bool = False
	foretaksregisteret: bool = False
	contact_email: str | None = None


@dataclass(frozen=True)
class Line:
	description: str
	quantity: Decimal
	unit_price: Decimal
	vat_category: str  # S, E, O, Z
	vat_percent: Decimal = Decimal(0)
	allowance: Decimal = Decimal(0)  # a discount on this line
	allowance_reason: str | None = None
	note: str | None = None
	# the line's net amount as the invoice has it (else quantity x price - allowance)
	amount: Decimal | None = None

	@property
	def net_amount(self) -> Decimal:
		if self.amount is not None:
			return money(self.amount)
		return money(money(self.quantity * self.unit_price) - money(self.allowance))


@dataclass(frozen=True)
class Allowance:
	"""A document-level allowance (EN 16931 BG-20), e.g. a header discount, in one VAT category."""

	amount: Decimal
	vat_category: str
	vat_percent: Decimal = Decimal(0)
	reason: str = "Rabatt"


@dataclass(frozen=True)
class Totals:
	"""The document totals (EN 16931 BG-22)."""

	line_extension: Decimal
	allowance_total: Decimal
	tax_exclusive: Decimal
	tax: Decimal
	tax_inclusive: Decimal
	prepaid: Decimal
	rounding: Decimal
	payable: Decimal


@dataclass(frozen=True)
class InvoiceFacts:
	"""What the accounting system's invoice does beyond lines, VAT and header discount: the parts an EHF
	cannot carry are refused by :func:`problems` before the invoice is submitted."""

	currency: str = "NOK"
	books_currency: str = "NOK"  # the company's currency
	party_currency: str = "NOK"  # the currency of the customer's receivable account
	cash_discount: Decimal = Decimal(0)  # a discount after VAT (not spread over the lines)
	write_off: Decimal = Decimal(0)
	paid_at_sale: Decimal = Decimal(0)  # a point-of-sale payment
	tax_included_in_price: bool = False
	other_charges: tuple[str, ...] = ()  # tax rows that are not VAT on the net total


@dataclass(frozen=True)
class Document:
	kind: str  # "invoice" | "credit_note"
	number: str
	issue_date: date
	seller: Party
	buyer: Party
	lines: tuple[Line, ...]
	buyer_reference: str | None
	due_date: date | None = None
	currency: str = "NOK"
	note: str | None = None
	account_number: str | None = None
	kid: str | None = None
	payment_terms: str | None = None
	original_invoice: str | None = None  # credit notes: the invoice they correct
	original_issue_date: date | None = None
	allowances: tuple[Allowance, ...] = ()  # document level (header discount), per VAT category
	prepaid: Decimal = Decimal(0)  # advances already paid
	rounding: Decimal = Decimal(0)  # added to reach the rounded amount due
	# VAT per category as the invoice computed it: ((category, percent, amount), ...); else taxable x rate
	vat_amounts: tuple[tuple[str, Decimal, Decimal], ...] = ()
	expected: Totals | None = None  # the invoice's own totals, which the EHF must equal
	facts: InvoiceFacts | None = None


@dataclass(frozen=True)
class VatBreakdown:
	category: str
	percent: Decimal
	taxable: Decimal
	tax: Decimal


def _percent(category: str, percent) -> Decimal:
	return money(percent) if category in ("S", "Z") else money(0)


def breakdown(doc_or_lines) -> list[VatBreakdown]:
	"""VAT per (category, percent): taxable = the lines' net amounts less the document-level allowances in
	that category; the VAT as the invoice computed it (``Document.vat_amounts``) or taxable x rate."""
	if isinstance(doc_or_lines, Document):
		lines, allowances, given = doc_or_lines.lines, doc_or_lines.allowances, doc_or_lines.vat_amounts
	else:
		lines, allowances, given = doc_or_lines, (), ()
	groups: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
	for line in lines:
		groups[(line.vat_category, _percent(line.vat_category, line.vat_percent))] += line.net_amount
	for a in allowances:
		groups[(a.vat_category, _percent(a.vat_category, a.vat_percent))] -= money(a.amount)
	taxes = {(c, _percent(c, p)): money(t) for c, p, t in given}
	return [
		VatBreakdown(c, p, money(t), taxes.get((c, p), money(t * p / 100)))
		for (c, p), t in sorted(groups.items())
	]


def totals(doc: Document) -> Totals:
	"""The EHF's totals, derived as EN 16931 says (BR-CO-10, -13, -14, -15, -16)."""
	net = money(sum((line.net_amount for line in doc.lines), Decimal(0)))
	allowance = money(sum((money(a.amount) for a in doc.allowances), Decimal(0)))
	tax = money(sum((b.tax for b in breakdown(doc)), Decimal(0)))
	exclusive = net - allowance
	inclusive = exclusive + tax
	return Totals(
		net,
		allowance,
		exclusive,
		tax,
		inclusive,
		money(doc.prepaid),
		money(doc.rounding),
		inclusive - money(doc.prepaid) + money(doc.rounding),
	)


# What each total is called when the EHF would disagree with the invoice ({0}: the EHF's, {1}: the invoice's)
MISMATCH = {
	"line_extension": _("The EHF would state the sum of the lines as {0}, but the invoice says {1}."),
	"allowance_total": _("The EHF would state the header discount as {0}, but the invoice says {1}."),
	"tax_exclusive": _("The EHF would state the total without VAT as {0}, but the invoice says {1}."),
	"tax": _("The EHF would state the VAT as {0}, but the invoice says {1}."),
	"tax_inclusive": _("The EHF would state the total with VAT as {0}, but the invoice says {1}."),
	"prepaid": _("The EHF would state the advances paid as {0}, but the invoice says {1}."),
	"rounding": _("The EHF would state the rounding as {0}, but the invoice says {1}."),
	"payable": _("The EHF would state the amount due as {0}, but the invoice says {1}."),
}


def _facts_problems(f: InvoiceFacts) -> list[DomainError]:
	"""What an EHF cannot carry, in the accounting system's terms, each saying what to do instead."""
	found = []
	if f.currency != f.books_currency or f.party_currency != f.currency:
		found.append(
			DomainError(
				_(
					"The invoice is in {0} while the books are in {1} (customer account in {2}): EHF from KDF "
					"carries one currency and its VAT in it. Invoice in {1}."
				),
				f.currency,
				f.books_currency,
				f.party_currency,
			)
		)
	if money(f.cash_discount):
		found.append(
			DomainError(
				_(
					"A cash or non-trade discount after VAT ({0}) cannot be expressed in EHF: a discount there "
					"must reduce the amount VAT is charged on. Untick it, so the discount is spread over the lines."
				),
				money(f.cash_discount),
			)
		)
	if money(f.write_off):
		found.append(
			DomainError(
				_("A write-off ({0}) cannot be expressed in EHF. Remove it, and write off after submitting."),
				money(f.write_off),
			)
		)
	if money(f.paid_at_sale):
		found.append(
			DomainError(
				_(
					"A payment at the point of sale ({0}) cannot go on an EHF invoice. Record the payment as a "
					"Payment Entry and allocate it as an advance."
				),
				money(f.paid_at_sale),
			)
		)
	if f.tax_included_in_price:
		found.append(
			DomainError(
				_(
					"VAT included in the price cannot go on an EHF invoice, whose prices are without VAT. Untick "
					"'Is this Tax included in Basic Rate?' on the taxes."
				)
			)
		)
	for row in f.other_charges:
		found.append(
			DomainError(
				_(
					"The tax row {0} is not VAT on the net total; EHF carries only VAT by category. Put the "
					"charge on an invoice line instead."
				),
				row,
			)
		)
	return found


def _figure_problems(doc: Document) -> list[DomainError]:
	"""The EHF's VAT and totals, checked against the rules and against the invoice's own figures."""
	found = []
	line_groups = {(line.vat_category, _percent(line.vat_category, line.vat_percent)) for line in doc.lines}
	for a in doc.allowances:
		key = (a.vat_category, _percent(a.vat_category, a.vat_percent))
		if key not in line_groups:
			found.append(
				DomainError(
					_("A header discount in VAT category {0} {1} % has no lines in that category."), *key
				)
			)
	for b in breakdown(doc):
		if b.taxable < 0:
			found.append(
				DomainError(
					_(
						"The header discount is larger than the lines in VAT category {0} {1} % ({2} left): EHF "
						"cannot carry a negative amount to charge VAT on."
					),
					b.category,
					b.percent,
					b.taxable,
				)
			)
		expected = money(b.taxable * b.percent / 100)
		if abs(b.tax - expected) >= 1:  # BR-CO-17 allows less than one unit of rounding
			found.append(
				DomainError(
					_(
						"The invoice charges VAT {0} on {1} in category {2} {3} %, where EHF expects {4}: the "
						"taxes do not match the VAT category of the lines."
					),
					b.tax,
					b.taxable,
					b.category,
					b.percent,
					expected,
				)
			)
	if doc.expected is not None:
		mine = totals(doc)
		for name, message in MISMATCH.items():
			ours, theirs = getattr(mine, name), money(getattr(doc.expected, name))
			if ours != theirs:
				found.append(DomainError(message, ours, theirs))
	return found


def _seller_problems(doc: Document) -> list[DomainError]:
	"""What is missing on KDF's side: its own data, kept in KDF Settings."""
	found = []
	if not (doc.seller.org_number or "").strip():
		found.append(
			DomainError(_("KDF's organisation number is missing in KDF Settings."), field="org_number")
		)
	else:
		try:
			validate_org_number(doc.seller.org_number)
		except DomainError:
			found.append(
				DomainError(
					_("KDF's organisation number {0} in KDF Settings is not valid."),
					doc.seller.org_number,
					field="org_number",
				)
			)
	if doc.kind == "invoice" and not (doc.account_number or "").strip():
		found.append(
			DomainError(
				_("KDF's bank account number is missing in KDF Settings; the buyer cannot pay without it."),
				field="bank_account",
			)
		)
	return found


def problems(doc: Document) -> list[DomainError]:
	"""Everything that keeps ``doc`` from being a valid EHF, each message saying whose data is missing
	(KDF's, in KDF Settings, or the customer's), so the desk can say it before the invoice is submitted."""
	found = _seller_problems(doc)
	try:
		validate_org_number(doc.buyer.org_number)
	except DomainError:
		found.append(
			DomainError(
				_("The buyer {0} has no valid organisation number ({1}); EHF needs one."),
				doc.buyer.name,
				doc.buyer.org_number or "—",
				field="buyer_org_number",
			)
		)
	if not (doc.buyer_reference or "").strip():
		found.append(
			DomainError(
				_(
					"EHF to {0} needs the buyer's reference (ressursnummer), on the invoice or on the customer."
				),
				doc.buyer.name,
				field="buyer_reference",
			)
		)
	if not doc.lines:
		found.append(DomainError(_("The document has no lines.")))
	categories = {line.vat_category for line in doc.lines}
	if "O" in categories and len(categories) > 1:
		found.append(
			DomainError(
				_("A document outside the VAT area (O) cannot also have VAT lines ({0})."),
				", ".join(sorted(categories - {"O"})),
			)
		)
	elif not doc.seller.vat_registered and categories - {"O"}:
		found.append(
			DomainError(_("A seller not registered for VAT can only invoice outside the VAT area (O)."))
		)
	if doc.seller.vat_registered and "O" in categories:
		found.append(DomainError(_("A VAT-registered seller cannot use category O.")))
	if doc.kind == "credit_note" and not doc.original_invoice:
		found.append(DomainError(_("A credit note must refer to the invoice it corrects.")))
	if doc.facts is not None:
		found.extend(_facts_problems(doc.facts))
	if not found:  # the figures only once the document itself is sound
		found.extend(_figure_problems(doc))
	return found


def check(doc: Document) -> None:
	"""Refuse what EHF cannot carry, with a message a secretary can act on (the first problem found)."""
	found = problems(doc)
	if found:
		raise found[0]


def build(doc: Document) -> bytes:
	check(doc)
	kind = doc.kind
	root_tag = "Invoice" if kind == "invoice" else "CreditNote"
	E = _Maker(NS[kind], root_tag)
	root = E.root
	E.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
	E.cbc(root, "ProfileID", PROFILE_ID)
	E.cbc(root, "ID", doc.number)
	E.cbc(root, "IssueDate", doc.issue_date.isoformat())
	if kind == "invoice" and doc.due_date:
		E.cbc(root, "DueDate", doc.due_date.isoformat())
	E.cbc(
		root,
		"InvoiceTypeCode" if kind == "invoice" else "CreditNoteTypeCode",
		"380" if kind == "invoice" else "381",
	)
	if doc.note:
		E.cbc(root, "Note", doc.note)
	E.cbc(root, "DocumentCurrencyCode", doc.currency)
	if (doc.buyer_reference or "").strip():
		E.cbc(root, "BuyerReference", doc.buyer_reference.strip())
	if doc.original_invoice:
		ref = E.cac(E.cac(root, "BillingReference"), "InvoiceDocumentReference")
		E.cbc(ref, "ID", doc.original_invoice)
		if doc.original_issue_date:
			E.cbc(ref, "IssueDate", doc.original_issue_date.isoformat())
	_party(E, E.cac(root, "AccountingSupplierParty"), doc.seller, seller=True)
	_party(E, E.cac(root, "AccountingCustomerParty"), doc.buyer, seller=False)
	if doc.account_number:
		pm = E.cac(root, "PaymentMeans")
		E.cbc(pm, "PaymentMeansCode", "30")
		if kind == "credit_note" and doc.due_date:
			E.cbc(pm, "PaymentDueDate", doc.due_date.isoformat())
		if doc.kid:
			E.cbc(pm, "PaymentID", doc.kid)
		account = E.cac(pm, "PayeeFinancialAccount")
		E.cbc(account, "ID", doc.account_number)
	if doc.payment_terms:
		E.cbc(E.cac(root, "PaymentTerms"), "Note", doc.payment_terms)
	for a in doc.allowances:  # document level: a header discount per VAT category (BG-20)
		ac = E.cac(root, "AllowanceCharge")
		E.cbc(ac, "ChargeIndicator", "false")
		E.cbc(ac, "AllowanceChargeReasonCode", "95")  # UNCL5189: discount
		E.cbc(ac, "AllowanceChargeReason", a.reason)
		E.amount(ac, "Amount", money(a.amount), doc.currency)
		percent = _percent(a.vat_category, a.vat_percent)
		_category(E, ac, "TaxCategory", a.vat_category, percent, with_reason=False)
	vat = breakdown(doc)
	sums = totals(doc)
	tax_total = E.cac(root, "TaxTotal")
	E.amount(tax_total, "TaxAmount", sums.tax, doc.currency)
	for b in vat:
		sub = E.cac(tax_total, "TaxSubtotal")
		E.amount(sub, "TaxableAmount", b.taxable, doc.currency)
		E.amount(sub, "TaxAmount", b.tax, doc.currency)
		_category(E, sub, "TaxCategory", b.category, b.percent, with_reason=True)
	el = E.cac(root, "LegalMonetaryTotal")
	E.amount(el, "LineExtensionAmount", sums.line_extension, doc.currency)
	E.amount(el, "TaxExclusiveAmount", sums.tax_exclusive, doc.currency)
	E.amount(el, "TaxInclusiveAmount", sums.tax_inclusive, doc.currency)
	if doc.allowances:
		E.amount(el, "AllowanceTotalAmount", sums.allowance_total, doc.currency)
	if sums.prepaid:
		E.amount(el, "PrepaidAmount", sums.prepaid, doc.currency)
	if sums.rounding:
		E.amount(el, "PayableRoundingAmount", sums.rounding, doc.currency)
	E.amount(el, "PayableAmount", sums.payable, doc.currency)
	for i, line in enumerate(doc.lines, start=1):
		el = E.cac(root, "InvoiceLine" if kind == "invoice" else "CreditNoteLine")
		E.cbc(el, "ID", str(i))
		if line.note:
			E.cbc(el, "Note", line.note)
		qty = E.cbc(el, "InvoicedQuantity" if kind == "invoice" else "CreditedQuantity", _num(line.quantity))
		qty.set("unitCode", "EA")
		E.amount(el, "LineExtensionAmount", line.net_amount, doc.currency)
		if line.allowance:
			ac = E.cac(el, "AllowanceCharge")
			E.cbc(ac, "ChargeIndicator", "false")
			E.cbc(ac, "AllowanceChargeReason", line.allowance_reason or "Rabatt")
			E.amount(ac, "Amount", money(line.allowance), doc.currency)
		item = E.cac(el, "Item")
		E.cbc(item, "Name", line.description[:100])
		percent = _percent(line.vat_category, line.vat_percent)
		_category(E, item, "ClassifiedTaxCategory", line.vat_category, percent, with_reason=False)
		E.amount(E.cac(el, "Price"), "PriceAmount", money(line.unit_price), doc.currency)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _party(E, parent, p: Party, seller: bool):
	party = E.cac(parent, "Party")
	endpoint = E.cbc(party, "EndpointID", validate_org_number(p.org_number))
	endpoint.set("schemeID", PEPPOL_SCHEME_NO_ORGNR)
	E.cbc(E.cac(party, "PartyName"), "Name", p.name)
	addr = E.cac(party, "PostalAddress")
	if p.address.street:
		E.cbc(addr, "StreetName", p.address.street)
	if p.address.city:
		E.cbc(addr, "CityName", p.address.city)
	if p.address.postal_code:
		E.cbc(addr, "PostalZone", p.address.postal_code)
	E.cbc(E.cac(addr, "Country"), "IdentificationCode", p.address.country or "NO")
	if seller and p.vat_registered:
		scheme = E.cac(party, "PartyTaxScheme")
		E.cbc(scheme, "CompanyID", vat_id(p.org_number))
		E.cbc(E.cac(scheme, "TaxScheme"), "ID", "VAT")
	if seller and p.foretaksregisteret:
		scheme = E.cac(party, "PartyTaxScheme")
		E.cbc(scheme, "CompanyID", "Foretaksregisteret")
		E.cbc(E.cac(scheme, "TaxScheme"), "ID", "TAX")
	legal = E.cac(party, "PartyLegalEntity")
	E.cbc(legal, "RegistrationName", p.name)
	E.cbc(legal, "CompanyID", validate_org_number(p.org_number)).set("schemeID", PEPPOL_SCHEME_NO_ORGNR)
	if p.contact_email:
		E.cbc(E.cac(party, "Contact"), "ElectronicMail", p.contact_email)


def _category(E, parent, tag, category, percent, with_reason):
	cat = E.cac(parent, tag)
	E.cbc(cat, "ID", category)
	if category != "O":
		E.cbc(cat, "Percent", _num(percent))
	if with_reason and category in EXEMPTION:
		code, text = EXEMPTION[category]
		E.cbc(cat, "TaxExemptionReasonCode", code)
		E.cbc(cat, "TaxExemptionReason", text)
	E.cbc(E.cac(cat, "TaxScheme"), "ID", "VAT")


def _num(value) -> str:
	d = Decimal(str(value))
	return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")


class _Maker:
	def __init__(self, default_ns, root_tag):
		self.root = etree.Element(
			f"{{{default_ns}}}{root_tag}", nsmap={None: default_ns, "cac": NS["cac"], "cbc": NS["cbc"]}
		)

	def cac(self, parent, tag):
		return etree.SubElement(parent, f"{{{NS['cac']}}}{tag}")

	def cbc(self, parent, tag, text):
		el = etree.SubElement(parent, f"{{{NS['cbc']}}}{tag}")
		el.text = str(text)
		return el

	def amount(self, parent, tag, value, currency):
		el = self.cbc(parent, tag, f"{money(value):.2f}")
		el.set("currencyID", currency)
		return el
