"""A group's rows as the desk's Register a Group and the portal's colleague form send them: a half-filled or
empty row is refused with its number, never left out."""

import pytest

from kdf_app.kdf_programmes.core.sessions import GroupRow, check_group
from kdf_app.shared.core.i18n import DomainError

ME = GroupRow("Leder", "leder@k.no", "Kommune A", is_self=True)


def test_an_empty_row_is_refused_by_its_number():
	rows = [ME, GroupRow("Kari", "kari@k.no", row=1), GroupRow("", "", row=2)]
	with pytest.raises(DomainError) as e:
		check_group(rows, "Kommune A")
	assert e.value.render() == "Row 2 has no name or e-mail address: fill it in, or remove the row."


def test_a_half_filled_row_names_its_number_and_what_is_there():
	with pytest.raises(DomainError) as e:
		check_group([ME, GroupRow("Kari", "", row=1)], "Kommune A")
	assert e.value.render() == "Row 1 (Kari): give a valid e-mail address."
	with pytest.raises(DomainError) as e:
		check_group([GroupRow("Per", "per@k.no", row=1), GroupRow("  ", "ola@k.no", row=2)], "Kommune A")
	assert e.value.render() == "Row 2 (ola@k.no): give the participant's name."


def test_full_rows_pass():
	check_group([ME, GroupRow("Kari", "kari@k.no", row=1), GroupRow("Per", "per@k.no", row=2)], "Kommune A")
