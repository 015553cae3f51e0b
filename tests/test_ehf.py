"""The EHF documents we build pass the official CEN EN 16931 and Peppol BIS 3 rules (incl. NO rules)."""

from datetime import date
from decimal import Decimal

import pytest

from kdf_app.core.ehf import Address, Document, Line, Party, build, check
from kdf_app.core.i18n import DomainError
from kdf_app.core.invoicing import OU_TEXT, Participation, VatSetup, invoice_lines, ou_eligible_amount
from kdf_app.core.shared import shared_dir

RULES = shared_dir() / "peppol-bis-3" / "sch"
pytestmark = pytest.mark.skipif(not RULES.exists(), reason=f"official rules not found at {RULES}")


@pytest.fixture(scope="module")
def validator():
	from kdf_app.core.schematron import peppol_validator

	return peppol_validator(str(RULES))


def fatal(validator, xml):
	return [f for f in validator.validate(xml) if f.flag == "fatal"]


SELLER = Party("Norsk Kommunedirektørforum", "958935420", Address("Postboks 1", "Oslo", "0101"))
BUYER = Party("Bergen kommune", "964338531", Address("Rådhusgaten 10", "Bergen", "5014"))

P2023 = Participation(
	participant="Kari Nordmann",
	title="Kommunedirektør",
	session="Topplederprogram",
	dates="6.–7. september 2023",
	fee=Decimal(6000),
	fee_item="KDF-DELTAKERAVGIFT",
	package="Oppholdspakke med overnatting",
	package_price=Decimal(4000),
	package_item="KDF-OPPHOLDSPAKKE",
	accommodation_share=Decimal(55),
	discount=Decimal(300),
	extra_night_price=Decimal(2200),
	extra_night_item="KDF-EKSTRA-NATT",
)


def document(plan, seller=SELLER, kind="invoice", **kw):
	ehf_lines = kw.pop("lines", None) or tuple(
		Line(l.description, Decimal(1), l.rate, l.vat_category, l.vat_percent, l.discount, l.discount_reason)
		for l in plan
	)
	defaults = dict(
		kind=kind,
		number="1001",
		issue_date=date(2023, 9, 8),
		seller=seller,
		buyer=BUYER,
		lines=ehf_lines,
		buyer_reference="3400123",
		due_date=date(2023, 10, 8),
		note=OU_TEXT,
		account_number="86011117947",
		payment_terms="30 dager",
	)
	if kind == "credit_note" or kw.get("kind") == "credit_note":
		defaults.update(original_invoice="1000", original_issue_date=date(2023, 9, 8))
	defaults.update(kw)
	return Document(**defaults)


def mixed_lines():
	return (Line("a", Decimal(1), Decimal(10), "O"), Line("b", Decimal(1), Decimal(10), "S", Decimal(25)))


SETUPS = {
	"not registered (O)": (VatSetup(registered=False), SELLER),
	"registered, fee exempt (E + S)": (
		VatSetup(registered=True),
		Party(**{**SELLER.__dict__, "vat_registered": True}),
	),
	"registered, fee 25 %": (
		VatSetup(registered=True, fee_taxable=True),
		Party(**{**SELLER.__dict__, "vat_registered": True, "foretaksregisteret": True}),
	),
}


def test_the_official_examples_pass_and_the_rules_catch_errors(validator):
	examples = sorted((shared_dir() / "peppol-bis-3" / "examples").glob("*.xml"))
	assert len(examples) >= 5
	for f in examples:
		assert fatal(validator, f.read_bytes()) == [], f.name
	# the validator is not blind: a Norwegian VAT id with spaces breaks NO-R-001
	xml = build(
		document(
			invoice_lines(P2023, SETUPS["registered, fee exempt (E + S)"][0]),
			seller=SETUPS["registered, fee exempt (E + S)"][1],
		)
	)
	assert fatal(validator, xml.replace(b"NO958935420MVA", b"NO958 935 420MVA"))[0].rule_id == "NO-R-001"


@pytest.mark.parametrize("setup", list(SETUPS))
@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
@pytest.mark.parametrize(
	"participation",
	[
		P2023,
		Participation(
			"Ola Hansen",
			"Rådmann",
			"Topplederprogram",
			"6.–7. september 2023",
			Decimal(6000),
			"F",
			package="Oppholdspakke uten overnatting",
			package_price=Decimal(1900),
			package_item="P",
			accommodation_share=Decimal(0),
			discount=Decimal(300),
		),
		Participation(
			"Per Olsen", "Kommunedirektør", "Topplederprogram", "6.–7. september 2023", Decimal(6000), "F"
		),
	],
	ids=["full-2023", "without-overnight-with-conference", "fee-only"],
)
def test_every_setup_and_kind_passes_the_official_rules(validator, setup, kind, participation):
	vat, seller = SETUPS[setup]
	xml = build(document(invoice_lines(participation, vat), seller=seller, kind=kind))
	assert fatal(validator, xml) == []


def test_the_2023_invoice_adds_up_to_the_ore():
	from lxml import etree

	vat, seller = SETUPS["registered, fee exempt (E + S)"]
	lines = invoice_lines(P2023, vat)
	assert [(l.kind, l.rate, l.discount, l.vat_category, l.vat_percent) for l in lines] == [
		("fee", Decimal(6000), 0, "E", 0),
		("accommodation", Decimal(2200), Decimal(165), "S", 12),
		("food", Decimal(1800), Decimal(135), "S", 25),
		("extra_night", Decimal(2200), 0, "S", 12),
	]
	assert ou_eligible_amount(lines) == Decimal(6000)
	root = etree.fromstring(build(document(lines, seller=seller)))
	ns = {
		"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
		"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
	}
	total = lambda tag: Decimal(root.find(f"cac:LegalMonetaryTotal/cbc:{tag}", ns).text)  # noqa: E731
	# net 6000 + 2035 + 1665 + 2200 = 11900; VAT 12 % of 4235 = 508.20, 25 % of 1665 = 416.25
	assert total("TaxExclusiveAmount") == Decimal("11900.00")
	assert Decimal(root.find("cac:TaxTotal/cbc:TaxAmount", ns).text) == Decimal("924.45")
	assert total("PayableAmount") == Decimal("12824.45")
	assert root.find("cbc:BuyerReference", ns).text == "3400123"
	assert root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", ns).get("schemeID") == "0192"
	assert root.find("cbc:Note", ns).text == OU_TEXT


@pytest.mark.parametrize(
	"change,message",
	[
		(dict(buyer=Party("Feil kommune", "964338532")), "no valid organisation number"),
		(dict(buyer_reference=" "), "ressursnummer"),
		(dict(lines=mixed_lines()), "cannot also have VAT lines"),
		(dict(kind="credit_note", original_invoice=None), "must refer to the invoice"),
	],
)
def test_broken_input_is_caught(change, message):
	doc = document(invoice_lines(P2023, VatSetup()), **change)
	with pytest.raises(DomainError, match=message):
		check(doc)


def test_the_rules_themselves_reject_what_check_refuses(validator):
	"""Without our own check, the official rules catch the same broken documents."""
	from kdf_app.core import ehf

	doc = document(invoice_lines(P2023, VatSetup()), buyer_reference="")
	original = ehf.check
	ehf.check = lambda d: None
	try:
		no_reference = build(doc)
		mixed = build(document((), lines=mixed_lines()))
	finally:
		ehf.check = original
	assert {"PEPPOL-EN16931-R003"} <= {f.rule_id for f in fatal(validator, no_reference)}
	assert any(f.rule_id.startswith("BR-O-") for f in fatal(validator, mixed))


def test_ou_refundable_and_vat_of_line():
	from kdf_app.core.invoicing import ou_refundable, vat_of_line

	assert ou_refundable(True, "Kommunedirektør", "fee", credited=False)
	assert not ou_refundable(False, "Kommunedirektør", "fee", credited=False)
	assert not ou_refundable(True, "Kommunedirektør", "accommodation", credited=False)
	assert not ou_refundable(True, "Kommunedirektør", "fee", credited=True)
	assert not ou_refundable(True, "Økonomisjef", "fee", credited=False)
	assert vat_of_line("E", True, [Decimal(0)]) == ("E", Decimal(0))
	assert vat_of_line(None, False, [Decimal(25)]) == ("O", Decimal(0))
	assert vat_of_line(None, True, [Decimal(0), Decimal(12)]) == ("S", Decimal(12))
	assert vat_of_line(None, True, [Decimal(0)]) == ("E", Decimal(0))
