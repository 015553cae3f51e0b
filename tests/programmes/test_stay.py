from datetime import date

import pytest

from kdf_app.kdf_programmes.core.sessions import date_range_no
from kdf_app.kdf_programmes.core.stay import check_package, dates_named, includes_text
from kdf_app.shared.core.i18n import DomainError

SEPT = (date(2023, 9, 6), date(2023, 9, 7))  # the Topplederprogram of 6–7 September 2023 (seed 003)
JAN = (date(2027, 1, 13), date(2027, 1, 14))


def test_the_2023_texts_are_written_from_the_sessions_dates():
	assert (
		includes_text(*SEPT, nights=1, dinner_on=date(2023, 9, 6))
		== "Lunsj og kaffepauser begge dager, middag 6. september, overnatting 6.–7. september"
	)
	assert (
		includes_text(*SEPT, nights=0, dinner_on=date(2023, 9, 6))
		== "Lunsj og kaffepauser begge dager, middag 6. september, ikke overnatting"
	)


def test_another_session_gets_its_own_dates():
	text = includes_text(*JAN, nights=1, dinner_on=JAN[0])
	assert text == "Lunsj og kaffepauser begge dager, middag 13. januar, overnatting 13.–14. januar"
	assert "september" not in text
	assert includes_text(date(2026, 11, 30), date(2026, 12, 2), nights=2) == (
		"Lunsj og kaffepauser alle dager, overnatting 30. november–2. desember"
	)
	assert includes_text(date(2026, 3, 4), date(2026, 3, 4)) == "Lunsj og kaffepauser, ikke overnatting"


def test_day_range():
	assert date_range_no(date(2023, 9, 6), date(2023, 9, 7), year=False) == "6.–7. september"
	assert date_range_no(date(2026, 12, 31), date(2027, 1, 1), year=False) == "31. desember–1. januar"
	assert date_range_no(date(2026, 5, 1), date(2026, 5, 1), year=False) == "1. mai"


def test_dates_named_in_a_text():
	text = "Lunsj og kaffepauser begge dager, middag 6. september, overnatting 6.–7. september"
	assert dates_named(text, date(2023, 9, 6)) == [date(2023, 9, 6), date(2023, 9, 6), date(2023, 9, 7)]
	# the year nearest the session when none is written; a year when one is
	assert dates_named("middag 31. desember", date(2027, 1, 2)) == [date(2026, 12, 31)]
	assert dates_named("middag 6. September 2021", date(2027, 1, 2)) == [date(2021, 9, 6)]
	assert dates_named("30. november–1. desember", date(2026, 11, 30)) == [
		date(2026, 11, 30),
		date(2026, 12, 1),
	]
	assert dates_named("31. juni, 2 netter, kl. 18.30", date(2026, 6, 1)) == []
	assert dates_named(None, date(2026, 6, 1)) == []


def test_a_january_session_announcing_the_september_dinner_is_refused():
	old = "Lunsj og kaffepauser begge dager, middag 6. september, overnatting 6.–7. september"
	with pytest.raises(DomainError, match=r"6\. september.*13\.–14\. januar"):
		check_package("Oppholdspakke med overnatting", *JAN, nights=1, text=old)
	check_package("Oppholdspakke med overnatting", *SEPT, nights=1, dinner_on=SEPT[0], text=old)
	# the evening before (an arrival dinner) is allowed
	check_package("P", *JAN, text="Middag 12. januar for dem som kommer kvelden før")


def test_nights_and_dinner_within_the_session():
	with pytest.raises(DomainError, match="2 nights"):
		check_package("P", *SEPT, nights=2)
	with pytest.raises(DomainError, match="nights"):
		check_package("P", *SEPT, nights=-1)
	with pytest.raises(DomainError, match=r"dinner on 5\. september"):
		check_package("P", *SEPT, dinner_on=date(2023, 9, 5))
	check_package("P", date(2026, 11, 30), date(2026, 12, 2), nights=2, dinner_on=date(2026, 12, 1))
