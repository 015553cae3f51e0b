import pytest

from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.core.numbers import (
	compact_org_number,
	is_valid_kid,
	is_valid_org_number,
	kid,
	peppol_id,
	validate_account_number,
	validate_area_number,
	validate_org_number,
	vat_id,
)


@pytest.mark.parametrize(
	"raw", ["958935420", "958 935 420", "NO 958 935 420 MVA", "958.935.420", " 958935420 "]
)
def test_org_number_forms_compact_to_nine_digits(raw):
	assert validate_org_number(raw) == "958935420"


def test_known_org_numbers_from_the_register():
	for n in ("958935420", "964338531", "942110464"):  # Oslo, Bergen, Trondheim
		assert is_valid_org_number(n)


@pytest.mark.parametrize(
	"raw,fragment",
	[
		("", "missing"),
		(None, "missing"),
		("95893542", "9 digits"),
		("9589354200", "9 digits"),
		("95893542X", "9 digits"),
		("958935421", "MOD11"),
	],
)
def test_bad_org_numbers_say_why(raw, fragment):
	with pytest.raises(DomainError) as e:
		validate_org_number(raw)
	assert fragment in str(e.value)
	assert e.value.field == "org_number"


def test_error_renders_through_a_translator():
	with pytest.raises(DomainError) as e:
		validate_org_number("958935421")
	nb = {
		"Organisation number {0} is not valid (the MOD11 check digit does not match).": "Organisasjonsnummer {0} er ugyldig (kontrollsifferet stemmer ikke)."
	}
	assert (
		e.value.render(lambda s: nb.get(s, s))
		== "Organisasjonsnummer 958935421 er ugyldig (kontrollsifferet stemmer ikke)."
	)


def test_peppol_and_vat_ids():
	assert peppol_id("958 935 420") == "0192:958935420"
	assert vat_id("958935420") == "NO958935420MVA"
	with pytest.raises(DomainError):
		peppol_id("123")
	assert compact_org_number("no958935420mva") == "958935420"


def test_area_numbers():
	assert validate_area_number("Kommune", "0301") == "0301"
	assert validate_area_number("Fylkeskommune", "46") == "46"
	assert validate_area_number("Bydel", "030101") == "030101"
	assert validate_area_number("Annen", "") is None
	for kind, bad in [("Kommune", "301"), ("Fylkeskommune", "460"), ("Kommune", ""), ("Kommune", "03O1")]:
		with pytest.raises(DomainError):
			validate_area_number(kind, bad)


def test_account_numbers():
	assert validate_account_number("8601 11 17947") == "86011117947"
	with pytest.raises(DomainError):
		validate_account_number("86011117948")
	with pytest.raises(DomainError):
		validate_account_number("")


def test_kid_is_the_invoice_digits_with_a_luhn_check_digit():
	# 79927398713 is the textbook Luhn example
	assert kid("7992739871") == "79927398713"
	assert kid("ACC-SINV-2026-00012") == "2026000121"
	assert is_valid_kid(kid("ACC-SINV-2026-00012"))
	assert not is_valid_kid("2026000125")  # one digit wrong
	assert not is_valid_kid("1")
	long = kid("SINV-" + "1234567890" * 3)
	assert len(long) == 25 and is_valid_kid(long)
	with pytest.raises(DomainError):
		kid("SINV-ABC")
