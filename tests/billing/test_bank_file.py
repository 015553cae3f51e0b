"""Reading the bank's camt.054/camt.053 files (kdf_app.kdf_billing.core.bank_file), files built from the message definitions."""

from datetime import date
from decimal import Decimal

import pytest

from kdf_app.kdf_billing.core.bank_file import Batch, Payment, bban, build, parse, same_account
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.core.numbers import kid

KDF = "86011117947"
OTHER = "15030000002"
DAY = date(2026, 3, 2)
VERSIONS = [("054", "02"), ("054", "08"), ("053", "02"), ("053", "08")]


def pay(ref, amount, **kw):
	return Payment(reference=ref, amount=Decimal(amount), booking_date=kw.pop("booking_date", DAY), **kw)


@pytest.mark.parametrize("kind,version", VERSIONS)
def test_reads_each_field_of_a_kid_payment(kind, version):
	data = build(
		kind,
		version,
		KDF,
		[
			pay(
				"REF-1",
				"1500.00",
				kid=kid("ACC-SINV-2026-00012"),
				text="Deltakeravgift",
				debtor_name="Bergen kommune",
				debtor_org_number="964338531",
				debtor_account="15030000010",
			)
		],
	)
	f = parse(data, KDF)
	assert (f.kind, f.version) == (f"camt.{kind}", f"001.{version}")
	assert f.message_id == "KDF-TEST-1"
	(e,) = f.entries
	assert e.reference == "REF-1"
	assert e.booking_date == DAY and e.value_date == DAY
	assert e.amount == Decimal("1500.00") and e.currency == "NOK" and e.credit
	assert e.kid == "2026000121"
	assert e.text == "Deltakeravgift"
	assert (e.debtor_name, e.debtor_org_number, e.debtor_account) == (
		"Bergen kommune",
		"964338531",
		"15030000010",
	)
	assert bban(f.account) == KDF


@pytest.mark.parametrize("kind,version", VERSIONS)
def test_a_batch_entry_gives_one_entry_per_payment_with_its_own_reference(kind, version):
	batch = Batch(
		"BATCH-7", (pay("TX-1", "100.00", kid="0000000018"), pay("TX-2", "250.50", kid="0000000026"))
	)
	f = parse(build(kind, version, KDF, [batch, pay("SINGLE", "10.00")]), KDF)
	assert [(e.reference, e.amount, e.kid, e.position) for e in f.entries] == [
		("TX-1", Decimal("100.00"), "0000000018", 1),
		("TX-2", Decimal("250.50"), "0000000026", 1),
		("SINGLE", Decimal("10.00"), None, 2),
	]


def test_a_batch_without_references_per_payment_numbers_the_entry_reference():
	batch = Batch("B", (pay("x", "1.00"), pay("y", "2.00")))
	data = (
		build("054", "08", KDF, [batch])
		.replace(b"<AcctSvcrRef>x</AcctSvcrRef>", b"")
		.replace(b"<AcctSvcrRef>y</AcctSvcrRef>", b"")
	)
	assert [e.reference for e in parse(data, KDF).entries] == ["B/1", "B/2"]


def test_debits_are_read_as_debits_and_pending_entries_are_not_imported():
	data = build("053", "08", KDF, [pay("OUT", "99.00", credit=False), pay("PDNG-1", "5.00", status="PDNG")])
	f = parse(data, KDF)
	assert [(e.reference, e.credit) for e in f.entries] == [("OUT", False)]
	assert f.not_booked == 1
	assert f.credits == ()


def test_the_same_reference_twice_in_a_file_counts_once():
	f = parse(build("053", "02", KDF, [pay("R", "1.00"), pay("R", "1.00")]), KDF)
	assert len(f.entries) == 1 and f.duplicates == 1


def test_the_account_may_be_named_by_iban_or_bban_and_written_either_way():
	for account_as in ("IBAN", "BBAN"):
		data = build("054", "02", KDF, [pay("R", "1.00")], account_as=account_as)
		assert parse(data, "8601.11.17947").entries
		assert parse(data, "NO93 8601 1117 947").entries
	assert same_account("NO9386011117947", "8601 11 17947")
	assert not same_account("", "")


def refused(data, account=KDF) -> str:
	with pytest.raises(DomainError) as e:
		parse(data, account)
	return str(e.value)


def test_a_file_for_another_account_is_refused_whole():
	message = refused(build("054", "02", OTHER, [pay("R", "1.00")]))
	assert "not KDF's account" in message and KDF in message


def test_another_currency_is_refused_whole():
	data = build("054", "08", KDF, [pay("A", "1.00"), pay("B", "2.00", currency="EUR")])
	assert "EUR" in refused(data) and "nothing was imported" in refused(data)


def test_truncated_xml_is_refused():
	data = build("054", "02", KDF, [pay("A", "1.00"), pay("B", "2.00")])
	assert "not complete" in refused(data[: len(data) // 2])


@pytest.mark.parametrize(
	"data,fragment",
	[
		(b"", "empty"),
		(b"NY000010000080080000000000000000000000000000000000000000000000000000000000000000\n", "OCR giro"),
		(b"Dato;Beskrivelse;Inn\n", "not a bank file"),
		(b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl"/>', "not a bank file"),
		(
			b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt/></Document>',
			"not a bank file",
		),
		(
			b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.13"><BkToCstmrDbtCdtNtfctn/>'
			b"</Document>",
			"not supported",
		),
	],
)
def test_what_is_not_a_camt_file_is_refused_with_a_reason(data, fragment):
	assert fragment in refused(data)


def test_an_entry_without_a_bank_reference_refuses_the_file():
	data = build("054", "02", KDF, [pay("A", "1.00"), pay("GONE", "2.00")])
	data = data.replace(b"<NtryRef>GONE</NtryRef>", b"").replace(b"<AcctSvcrRef>GONE</AcctSvcrRef>", b"")
	assert "Entry 2 has no reference" in refused(data)


def test_a_batch_whose_payments_do_not_add_up_refuses_the_file():
	data = build("054", "08", KDF, [Batch("B", (pay("x", "1.00"), pay("y", "2.00")))])
	data = data.replace(b'<Amt Ccy="NOK">3.00</Amt>', b'<Amt Ccy="NOK">4.00</Amt>')
	assert "add up to 3.00, not to the entry's amount 4.00" in refused(data)


@pytest.mark.parametrize(
	"old,new,fragment",
	[
		(b'<Amt Ccy="NOK">1.00</Amt>', b'<Amt Ccy="NOK">en krone</Amt>', "not a valid amount"),
		(b'<Amt Ccy="NOK">1.00</Amt>', b'<Amt Ccy="NOK">-1.00</Amt>', "not a valid amount"),
		(b"<Dt>2026-03-02</Dt>", b"<Dt>2. mars</Dt>", "not a date"),
		(b"<CdtDbtInd>CRDT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>", "neither credit nor debit"),
	],
)
def test_a_broken_entry_refuses_the_file_naming_it(old, new, fragment):
	data = build("054", "02", KDF, [pay("A", "1.00")])
	assert old in data
	message = refused(data.replace(old, new, 1))
	assert fragment in message and "Entry 1" in message


def test_no_external_entities_are_read():
	data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + build(
		"054", "02", KDF, [pay("A", "1.00", text="&x;")]
	).split(b"?>", 1)[1].replace(b"&amp;x;", b"&x;")
	f = parse(data, KDF)
	assert "root:" not in f.entries[0].text
