"""Norwegian numbers: organisasjonsnummer, kommune-/fylkesnummer, bank account numbers, Peppol ids."""

import re

from stdnum import luhn
from stdnum.exceptions import ValidationError
from stdnum.no import kontonr, orgnr

from kdf_app.shared.core.i18n import DomainError, _

PEPPOL_SCHEME_NO_ORGNR = "0192"


def compact_org_number(value: str | None) -> str:
	"""Strip spaces, dots, a leading ``NO`` and a trailing ``MVA`` ("NO 958 935 420 MVA" -> "958935420")."""
	text = re.sub(r"[\s.\-]", "", str(value or "")).upper()
	if text.startswith("NO"):
		text = text[2:]
	if text.endswith("MVA"):
		text = text[:-3]
	return text


def validate_org_number(value: str | None) -> str:
	"""Return the compact 9-digit number or raise a DomainError saying what is wrong with it."""
	number = compact_org_number(value)
	if not number:
		raise DomainError(_("Organisation number is missing."), field="org_number")
	if not number.isdigit() or len(number) != 9:
		raise DomainError(_("Organisation number {0} must have exactly 9 digits."), value, field="org_number")
	try:
		orgnr.validate(number)
	except ValidationError:
		raise DomainError(
			_("Organisation number {0} is not valid (the MOD11 check digit does not match)."),
			value,
			field="org_number",
		) from None
	return number


def is_valid_org_number(value: str | None) -> bool:
	try:
		validate_org_number(value)
	except DomainError:
		return False
	return True


def peppol_id(org_number: str) -> str:
	"""The Peppol participant id of a Norwegian legal entity: ``0192:<orgnr>``."""
	return f"{PEPPOL_SCHEME_NO_ORGNR}:{validate_org_number(org_number)}"


def vat_id(org_number: str) -> str:
	"""The Norwegian VAT id used on invoices of VAT-registered sellers: ``NO<orgnr>MVA``."""
	return f"NO{validate_org_number(org_number)}MVA"


# kommunenummer: 4 digits, fylkesnummer: 2 digits, Oslo's bydeler: 6 digits (0301 + 2).
NUMBER_LENGTH = {"Kommune": 4, "Fylkeskommune": 2, "Bydel": 6}


def validate_area_number(kind: str, value: str | None) -> str | None:
	"""Check a kommunenummer/fylkesnummer/bydelsnummer for an organisation of ``kind``.

	Returns the cleaned number, or None when the kind has no number (e.g. "Annen")."""
	length = NUMBER_LENGTH.get(kind)
	number = str(value or "").strip()
	if length is None:
		return number or None
	if not number:
		raise DomainError(_("A {0} needs its number ({1} digits)."), kind, length, field="area_number")
	if not number.isdigit() or len(number) != length:
		raise DomainError(
			_("{0} number {1} must have exactly {2} digits."), kind, value, length, field="area_number"
		)
	return number


def validate_account_number(value: str | None) -> str:
	"""A Norwegian bank account number (11 digits, MOD11), returned compact."""
	number = re.sub(r"[\s.]", "", str(value or ""))
	if not number:
		raise DomainError(_("Bank account number is missing."), field="bank_account")
	try:
		return kontonr.validate(number)
	except ValidationError:
		raise DomainError(
			_("Bank account number {0} is not a valid Norwegian account number."), value, field="bank_account"
		) from None


KID_MAX_LENGTH = 25


def kid(reference: str) -> str:
	"""A KID (the payment reference Norwegian banks match payments on) from the digits of an invoice
	number, with a MOD10 (Luhn) check digit: "ACC-SINV-2026-00012" -> "2026000121". At most 25 digits,
	so only the last 24 digits of a longer reference are used."""
	digits = "".join(ch for ch in str(reference or "") if ch.isdigit())[-(KID_MAX_LENGTH - 1) :]
	if not digits:
		raise DomainError(_("A KID cannot be made from {0}: it has no digits."), reference, field="kid")
	return digits + luhn.calc_check_digit(digits)


def is_valid_kid(value: str | None) -> bool:
	text = str(value or "")
	return text.isdigit() and 2 <= len(text) <= KID_MAX_LENGTH and luhn.is_valid(text)
