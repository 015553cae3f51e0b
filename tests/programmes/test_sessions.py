from datetime import datetime
from decimal import Decimal

import pytest

from kdf_app.kdf_programmes.core.sessions import (
	CANCELLED,
	CONFIRMED,
	FULL,
	OPEN,
	WAITLISTED,
	Seats,
	SessionPrices,
	check_capacity,
	check_open_for_registration,
	check_schedule,
	check_status_change,
	clean_text,
	format_nok,
	place,
	price_registration,
	renumber,
	session_status,
	split_package,
	to_promote,
)
from kdf_app.shared.core.i18n import DomainError

# The Topplederprogram of 6–7 September 2023 (seed 003)
PRICES_2023 = SessionPrices(
	participant_fee=Decimal(6000),
	packages={
		"Oppholdspakke med overnatting": Decimal(4000),
		"Oppholdspakke uten overnatting": Decimal(1900),
	},
	extra_night=Decimal(2200),
	combination_discount=Decimal(300),
	has_linked_session=True,
)


@pytest.mark.parametrize(
	"package,extra,both,total",
	[
		(None, False, False, 6000),
		("Oppholdspakke med overnatting", False, False, 10000),
		("Oppholdspakke uten overnatting", False, False, 7900),
		("Oppholdspakke med overnatting", True, False, 12200),
		("Oppholdspakke med overnatting", True, True, 11900),
		("Oppholdspakke uten overnatting", False, True, 7600),
		(None, False, True, 6000),  # the discount is on the package: none without one
	],
)
def test_2023_prices(package, extra, both, total):
	lines, amount = price_registration(PRICES_2023, package, extra, both)
	assert amount == Decimal(total)
	assert sum(line.amount for line in lines) == amount
	assert lines[0].code == "fee" and lines[0].amount == Decimal(6000)


def test_discount_line_is_negative_and_never_exceeds_the_package():
	lines, _ = price_registration(PRICES_2023, "Oppholdspakke med overnatting", with_linked_session=True)
	assert [(line.code, line.amount) for line in lines][-1] == ("combination_discount", Decimal(-300))
	cheap = SessionPrices(
		Decimal(100), {"P": Decimal(50)}, combination_discount=Decimal(300), has_linked_session=True
	)
	assert price_registration(cheap, "P", with_linked_session=True)[1] == Decimal(100)


def test_unknown_and_not_offered_packages():
	with pytest.raises(DomainError, match="Unknown stay package"):
		price_registration(PRICES_2023, "Luksus", known_packages=["Oppholdspakke med overnatting"])
	with pytest.raises(DomainError, match="not offered in this session"):
		price_registration(PRICES_2023, "Weekendpakke", known_packages=["Weekendpakke"])
	no_link = SessionPrices(Decimal(6000), {})
	with pytest.raises(DomainError, match="no linked session"):
		price_registration(no_link, with_linked_session=True)
	with pytest.raises(DomainError, match="no extra night"):
		price_registration(no_link, extra_night=True)


def test_package_split_adds_up_to_the_ore():
	assert split_package(Decimal(4000), 55) == (Decimal("2200.00"), Decimal("1800.00"))
	acc, food = split_package(Decimal("1900"), Decimal("33.33"))
	assert acc + food == Decimal("1900.00") and acc == Decimal("633.27")


def test_registration_window():
	deadline = datetime(2023, 8, 21, 23, 59)
	check_open_for_registration(OPEN, deadline, datetime(2023, 8, 21, 12))
	check_open_for_registration(FULL, deadline, datetime(2023, 8, 1))  # goes on the waitlist
	with pytest.raises(DomainError, match="deadline has passed"):
		check_open_for_registration(OPEN, deadline, datetime(2023, 8, 22))
	check_open_for_registration(OPEN, deadline, datetime(2023, 8, 22), override_reason="Ringte inn")
	with pytest.raises(DomainError, match="deadline has passed"):
		check_open_for_registration("Påmelding stengt", None, datetime(2023, 8, 1), override_reason="  ")
	with pytest.raises(DomainError, match="cancelled"):
		check_open_for_registration("Avlyst", None, datetime(2023, 8, 1), override_reason="x")
	with pytest.raises(DomainError, match="not open"):
		check_open_for_registration("Utkast", None, datetime(2023, 8, 1))


def test_seats_and_waitlist():
	assert place(Seats(35, 34, 0)) == (CONFIRMED, None)
	assert place(Seats(35, 35, 0)) == (WAITLISTED, 1)
	assert place(Seats(35, 35, 4)) == (WAITLISTED, 5)
	with pytest.raises(DomainError):
		place(Seats(0, 0, 0))
	assert to_promote([("c", 3), ("a", 1), ("b", 2)], 2) == ["a", "b"]
	assert to_promote([("a", 1)], 0) == []
	assert renumber([("c", 7), ("b", 3)]) == {"b": 1, "c": 2}
	assert session_status(OPEN, Seats(2, 2, 0)) == FULL
	assert session_status(FULL, Seats(2, 1, 0)) == OPEN
	assert session_status("Avlyst", Seats(2, 0, 0)) == "Avlyst"


def test_free_text_is_neutralised():
	assert clean_text("Glutenfri <script>alert('x')</script>og laktosefri") == "Glutenfri og laktosefri"
	assert clean_text("<b>Nøtter</b> &amp; skalldyr") == "Nøtter & skalldyr"
	assert clean_text("Glutenfri <script>x</script> og laktosefri") == "Glutenfri og laktosefri"
	assert clean_text("<img src=x onerror=alert(1)>") == ""
	with pytest.raises(DomainError, match="too long"):
		clean_text("x" * 2001)


def test_ehf_payers_need_an_invoice_reference():
	from kdf_app.kdf_programmes.core.sessions import check_invoice_reference

	check_invoice_reference("Bergen kommune", True, "RES-1", "Bekreftet")
	check_invoice_reference("KS", False, None, "Bekreftet")
	check_invoice_reference("Bergen kommune", True, None, "Avmeldt")  # a cancelled one is not invoiced
	with pytest.raises(DomainError, match="ressursnummer"):
		check_invoice_reference("Bergen kommune", True, "  ", "Venteliste")


def test_capacity_may_grow_but_not_drop_below_the_confirmed_seats():
	check_capacity(35, 35)
	check_capacity(40, 35)
	with pytest.raises(DomainError) as e:
		check_capacity(30, 35)
	assert e.value.field == "capacity"
	assert "35" in str(e.value) and "30" in str(e.value)
	for bad in (0, None, -1):
		with pytest.raises(DomainError):
			check_capacity(bad, 0)


def test_cancelling_a_session_needs_a_reason_and_is_final():
	check_status_change(OPEN, FULL, None)
	check_status_change(OPEN, CANCELLED, "Hotellet er stengt")
	check_status_change(CANCELLED, CANCELLED, None)  # saving a cancelled session again
	with pytest.raises(DomainError) as e:
		check_status_change(OPEN, CANCELLED, "  ")
	assert e.value.field == "cancellation_reason"
	with pytest.raises(DomainError) as e:
		check_status_change(CANCELLED, OPEN, "oops")
	assert e.value.field == "status"


def test_a_session_ends_after_it_starts_closes_registration_before_and_offers_each_package_once():
	start, end = datetime(2023, 9, 6, 10), datetime(2023, 9, 7, 12)
	check_schedule(start, end, datetime(2023, 8, 21, 23, 59), "TLP-1", "TLP-2", ["Med", "Uten"])
	check_schedule(start, end, None)
	for args, field in (
		((start, start, None), "ends_on"),
		((start, end, datetime(2023, 9, 6, 11)), "registration_deadline"),
		((start, end, None, "TLP-1", "TLP-1"), "linked_session"),
		((start, end, None, "TLP-1", None, ["Med", "Med"]), "stay_packages"),
	):
		with pytest.raises(DomainError) as e:
			check_schedule(*args)
		assert e.value.field == field


def test_agenda_sorts_by_day_then_time_value_and_shows_hh_mm():
	from datetime import date, time, timedelta

	from kdf_app.kdf_programmes.core.sessions import agenda_by_day

	day1, day2 = date(2023, 9, 6), date(2023, 9, 7)
	items = [
		{"day": day2, "time": timedelta(hours=9), "title": "Dag 2"},
		{"day": day1, "time": timedelta(hours=12), "title": "Lunsj"},
		{"day": day1, "time": timedelta(hours=8, minutes=30), "title": "Registrering"},  # "8:30:00" as text
		{"day": day1, "time": "10:15:00", "title": "Foredrag"},
		{"day": day1, "time": time(19, 0), "title": "Middag"},
		{"day": day1, "time": None, "title": "Uten tid"},
	]
	days = agenda_by_day(items)
	assert [d["day"] for d in days] == [day1, day2]
	assert [i["title"] for i in days[0]["items"]] == [
		"Registrering",
		"Foredrag",
		"Lunsj",
		"Middag",
		"Uten tid",
	]
	assert [i["time_display"] for i in days[0]["items"]] == ["08:30", "10:15", "12:00", "19:00", ""]
	assert days[1]["items"][0]["time_display"] == "09:00"


def test_seats_after_placing_count_the_new_registration():
	from kdf_app.kdf_programmes.core.sessions import seats_after

	before = Seats(35, 34, 0)
	status, _ = place(before)
	assert seats_after(before, status) == Seats(35, 35, 0)
	full = Seats(35, 35, 2)
	status, position = place(full)
	assert (status, position) == (WAITLISTED, 3)
	assert seats_after(full, status) == Seats(35, 35, 3)


def test_format_nok_is_norwegian_with_no_break_spaces():
	assert format_nok(12200) == "kr\u00a012\u00a0200,00"
	assert format_nok(Decimal("1234567.005")) == "kr\u00a01\u00a0234\u00a0567,01"  # half up
	assert format_nok(-300) == "kr\u00a0-300,00"
	assert format_nok(None) == "kr\u00a00,00"


def test_registration_state_is_the_rule_of_the_registration_check():
	"""The portal's programme list and session page show registration_state; the registration check refuses
	(without a secretariat's reason) exactly when that state is not open or full: one rule, not two."""
	from kdf_app.kdf_programmes.core.sessions import (
		CLOSED,
		DRAFT,
		HELD,
		REG_CANCELLED,
		REG_CLOSED,
		REG_FULL,
		REG_NOT_OPEN,
		REG_OPEN,
		REG_PAST,
		SESSION_STATUSES,
		TAKES_REGISTRATIONS,
		registration_state,
	)

	deadline, ends = datetime(2026, 11, 10, 23, 59), datetime(2026, 11, 26, 16)
	before, late, after = datetime(2026, 11, 1), datetime(2026, 11, 20), datetime(2026, 12, 2)
	assert registration_state(OPEN, deadline, before, ends) == REG_OPEN
	assert registration_state(FULL, deadline, before, ends) == REG_FULL
	assert registration_state(OPEN, deadline, late, ends) == REG_CLOSED  # the status still says open
	assert registration_state(FULL, deadline, late, ends) == REG_CLOSED
	assert registration_state(CLOSED, deadline, before, ends) == REG_CLOSED
	assert registration_state(OPEN, deadline, after, ends) == REG_PAST  # nobody set it to held
	assert registration_state(HELD, deadline, before, ends) == REG_PAST
	assert registration_state(CANCELLED, deadline, before, ends) == REG_CANCELLED
	assert registration_state(DRAFT, deadline, before, ends) == REG_NOT_OPEN
	for status in SESSION_STATUSES:
		for now in (before, late, after):
			state = registration_state(status, deadline, now)
			try:
				check_open_for_registration(status, deadline, now)
				refused = False
			except DomainError:
				refused = True
			assert refused == (state not in TAKES_REGISTRATIONS), (status, now, state)
			# what the list says with the end date never takes registrations the check refuses
			if registration_state(status, deadline, now, ends) in TAKES_REGISTRATIONS:
				assert not refused


def test_portal_dates_are_norwegian_whatever_the_site_format():
	from datetime import date

	from kdf_app.kdf_programmes.core.sessions import format_date_no

	assert format_date_no(date(2026, 12, 2)) == "2. desember 2026"
	assert format_date_no("2026-12-02") == "2. desember 2026"
	assert format_date_no("2026-09-03 10:05:00", time=True) == "3. september 2026 kl. 10:05"
	assert (
		format_date_no(datetime(2026, 9, 3, 10, 5), weekday=True, time=True)
		== "torsdag 3. september 2026 kl. 10:05"
	)
	assert format_date_no(date(2026, 1, 31), year=False) == "31. januar"
	assert format_date_no(None) == "" and format_date_no("") == ""
