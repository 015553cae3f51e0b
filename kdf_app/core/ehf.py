"""EHF (Peppol BIS Billing 3.0, UBL 2.1) invoices and credit notes from plain data.

``build(document)`` returns the XML bytes; amounts are Decimals rounded to the øre and the totals are
derived here, so they always add up. Validate the result with :mod:`kdf_app.core.schematron`."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from kdf_app.core.i18n import DomainError, _
from kdf_app.core.numbers import PEPPOL_SCHEME_NO_ORGNR, validate_org_number, vat_id
from kdf_app.core.sessions import money

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

	@property
	def net_amount(self) -> Decimal:
		return money(money(self.quantity * self.unit_price) - money(self.allowance))


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


@dataclass(frozen=True)
class VatBreakdown:
	category: str
	percent: Decimal
	taxable: Decimal
	tax: Decimal


def breakdown(lines) -> list[VatBreakdown]:
	groups: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
	for line in lines:
		percent = money(line.vat_percent) if line.vat_category in ("S", "Z") else money(0)
		groups[(line.vat_category, percent)] += line.net_amount
	return [VatBreakdown(c, p, money(t), money(t * p / 100)) for (c, p), t in sorted(groups.items())]


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
	vat = breakdown(doc.lines)
	tax_total = E.cac(root, "TaxTotal")
	total_tax = money(sum((b.tax for b in vat), Decimal(0)))
	E.amount(tax_total, "TaxAmount", total_tax, doc.currency)
	for b in vat:
		sub = E.cac(tax_total, "TaxSubtotal")
		E.amount(sub, "TaxableAmount", b.taxable, doc.currency)
		E.amount(sub, "TaxAmount", b.tax, doc.currency)
		_category(E, sub, "TaxCategory", b.category, b.percent, with_reason=True)
	net = money(sum((line.net_amount for line in doc.lines), Decimal(0)))
	totals = E.cac(root, "LegalMonetaryTotal")
	E.amount(totals, "LineExtensionAmount", net, doc.currency)
	E.amount(totals, "TaxExclusiveAmount", net, doc.currency)
	E.amount(totals, "TaxInclusiveAmount", net + total_tax, doc.currency)
	E.amount(totals, "PayableAmount", net + total_tax, doc.currency)
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
		percent = money(line.vat_percent) if line.vat_category in ("S", "Z") else money(0)
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
