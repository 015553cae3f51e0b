from datetime import date

from kdf_app.kdf_app.core.annual_report import cases, membership
from kdf_app.kdf_privacy.core.retention import (
	books_kept_until,
	books_need,
	decide,
	due,
	leaving_date,
	placeholder,
)


def test_only_former_members_have_a_leaving_date():
	ends = [date(2010, 5, 31)]
	assert leaving_date("Aktiv", date(2015, 1, 1), ends) is None
	assert leaving_date(None, date(2015, 1, 1), ends) is None
	assert leaving_date("Utmeldt", None, ends) == date(2010, 5, 31)
	assert leaving_date("Avsluttet", date(2012, 3, 1), ends) == date(2012, 3, 1)


def test_leaving_date_is_the_later_of_membership_end_and_last_position():
	# retired in 2016 but the membership was ended in the register only in 2018
	assert leaving_date("Utmeldt", date(2018, 2, 1), [date(2012, 1, 31), date(2016, 6, 30)]) == date(
		2018, 2, 1
	)
	# membership ended, then the last position ended later
	assert leaving_date("Utmeldt", date(2016, 1, 1), [date(2016, 6, 30)]) == date(2016, 6, 30)
	# a position still open does not count (they still work there): only the membership's end
	assert leaving_date("Utmeldt", date(2016, 1, 1), [date(2012, 1, 31), None]) == date(2016, 1, 1)
	# nothing known: no leaving date, never anonymised
	assert leaving_date("Utmeldt", None, [None]) is None
	assert leaving_date("Utmeldt", None, []) is None


def test_due_after_the_set_number_of_years_and_never_when_switched_off():
	left = date(2020, 2, 29)
	assert not due(left, date(2025, 2, 27), 5)
	assert due(left, date(2025, 2, 28), 5)
	assert not due(left, date(2040, 1, 1), 0)
	assert not due(left, date(2040, 1, 1), None)
	assert not due(None, date(2040, 1, 1), 5)


def test_books_are_kept_to_the_end_of_the_fifth_year_after_the_invoice_year():
	assert books_kept_until(date(2019, 3, 15), 5) == date(2024, 12, 31)
	assert books_kept_until(date(2019, 3, 15), None) == date(2024, 12, 31)  # the law's 5 when unset
	assert books_need([date(2019, 3, 15)], date(2024, 12, 31), 5)
	assert not books_need([date(2019, 3, 15)], date(2025, 1, 1), 5)
	assert books_need([date(2010, 1, 1), date(2022, 6, 1)], date(2025, 1, 1), 5)
	assert not books_need([None], date(2025, 1, 1), 5)
	assert not books_need([], date(2025, 1, 1), 5)


def test_decision_per_member():
	today = date(2026, 6, 1)
	assert decide("M1", "Utmeldt", date(2015, 1, 1), [], today, 10).action == "anonymise"
	assert decide("M2", "Utmeldt", date(2020, 1, 1), [], today, 10).action == "not yet"
	assert decide("M3", "Avsluttet", None, [None], today, 10).action == "no leaving date"
	assert decide("M4", "Aktiv", date(2000, 1, 1), [], today, 10).action == "no leaving date"
	assert decide("M1", "Utmeldt", date(2015, 1, 1), [], today, 10).left_on == date(2015, 1, 1)
	assert placeholder("KDF-M-00012") == "anonymisert-kdf-m-00012@kdf.invalid"


def _m(since, status="Aktiv", ended=None):
	return {"member_since": since, "membership_status": status, "membership_ended_on": ended}


def test_membership_over_the_year_adds_up():
	members = [
		_m(date(2010, 1, 1)),  # there all year
		_m(date(2025, 1, 1)),  # new on 1 January
		_m(date(2025, 6, 1), "Utmeldt", date(2025, 9, 1)),  # new and left in the year
		_m(date(2012, 1, 1), "Utmeldt", date(2025, 12, 31)),  # left on the last day
		_m(date(2012, 1, 1), "Avsluttet", date(2024, 12, 31)),  # left the year before
		_m(date(2012, 1, 1), "Utmeldt", None),  # end unknown: not counted
		_m(date(2026, 1, 1)),  # joined the year after
	]
	m = membership(members, 2025)
	assert (m.at_start, m.new, m.left, m.at_end, m.unknown_end) == (2, 2, 2, 2, 1)
	assert m.at_start + m.new - m.left == m.at_end


def test_cases_are_counted_per_type_opened_and_closed():
	rows = [
		{"case_type": "Veiledning", "status": "Aktiv", "year": 2025, "end_date": None},
		{"case_type": "Veiledning", "status": "Avsluttet", "year": 2024, "end_date": date(2025, 3, 1)},
		{"case_type": "Juridisk bistand", "status": "Avvist", "year": 2025, "end_date": date(2025, 2, 1)},
		{"case_type": "Juridisk bistand", "status": "Aktiv", "year": 2024, "end_date": None},
	]
	c = cases(rows, 2025)
	assert c.opened == {"Veiledning": 1, "Juridisk bistand": 1}
	assert c.closed == {"Veiledning": 1, "Juridisk bistand": 1}
	assert cases(rows, 2023).opened == {}


def test_membership_ended_on_follows_the_status():
	from kdf_app.kdf_privacy.core.retention import membership_ended_on

	today = date(2026, 3, 1)
	assert membership_ended_on("Aktiv", "Utmeldt", None, today) == today
	assert membership_ended_on(None, "Avsluttet", None, today) == today  # a new record saved as former
	assert membership_ended_on("Aktiv", "Utmeldt", date(2025, 12, 31), today) == date(2025, 12, 31)
	assert membership_ended_on("Utmeldt", "Aktiv", date(2025, 12, 31), today) is None
	assert membership_ended_on("Utmeldt", "Avsluttet", None, today) is None  # unknown stays unknown
	assert membership_ended_on("Aktiv", "Aktiv", None, today) is None


def test_dietary_needs_are_kept_for_the_session_only():
	from kdf_app.kdf_privacy.core.retention import DEFAULT_DIETARY_DAYS, dietary_due

	ended = date(2026, 9, 7)
	assert not dietary_due(ended, date(2026, 10, 7), 30)
	assert dietary_due(ended, date(2026, 10, 8), 30)
	assert not dietary_due(ended, date(2030, 1, 1), 0)  # switched off
	assert not dietary_due(None, date(2030, 1, 1), 30)
	# a site that never saved the setting gets the default
	assert DEFAULT_DIETARY_DAYS == 30
	assert not dietary_due(ended, date(2026, 10, 7), None)
	assert dietary_due(ended, date(2026, 10, 8), None)
