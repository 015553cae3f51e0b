"""Changes of mind, with the 2023 session's dates: deadline 21 August, start 6 September 09:00."""

from datetime import datetime

import pytest

from kdf_app.kdf_programmes.core.cancellation import (
	AT_DEADLINE,
	CHARGE_FULL,
	CHARGE_NOTHING,
	CHARGE_PACKAGE,
	DAYS_BEFORE,
	CancellationPolicy,
	cancellation_notice,
	charged_kinds,
	check_attendance,
	check_cancellation,
	cutoff,
	may_promote,
)
from kdf_app.kdf_programmes.core.sessions import ATTENDED, CANCELLED_REG, CONFIRMED, WAITLISTED
from kdf_app.shared.core.i18n import DomainError

DEADLINE = datetime(2023, 8, 21, 23, 59)
START = datetime(2023, 9, 6, 9, 0)
BEFORE = datetime(2023, 8, 15, 12, 0)
LATE = datetime(2023, 9, 1, 12, 0)
DURING = datetime(2023, 9, 6, 13, 0)


def test_the_cutoff_is_the_deadline_or_days_before_start():
	assert cutoff(CancellationPolicy(AT_DEADLINE), DEADLINE, START) == DEADLINE
	assert cutoff(CancellationPolicy(DAYS_BEFORE, 7), DEADLINE, START) == datetime(2023, 8, 30, 9, 0)
	assert cutoff(CancellationPolicy(AT_DEADLINE), None, START) == START  # no deadline: until the start


def test_a_member_cancels_before_the_cutoff_for_free():
	c = check_cancellation(CONFIRMED, CancellationPolicy(), DEADLINE, START, BEFORE, by_secretariat=False)
	assert (c.late, c.charge) == (False, CHARGE_NOTHING)


def test_after_the_cutoff_only_the_secretariat_cancels_and_the_policy_charges():
	with pytest.raises(DomainError, match=r"21\. august 2023 kl\. 23:59"):
		check_cancellation(CONFIRMED, CancellationPolicy(), DEADLINE, START, LATE, by_secretariat=False)
	for charge in (CHARGE_FULL, CHARGE_PACKAGE, CHARGE_NOTHING):
		c = check_cancellation(
			CONFIRMED, CancellationPolicy(charge=charge), DEADLINE, START, LATE, by_secretariat=True
		)
		assert (c.late, c.charge) == (True, charge)


def test_a_waitlist_place_never_costs_anything():
	c = check_cancellation(WAITLISTED, CancellationPolicy(), DEADLINE, START, LATE, by_secretariat=True)
	assert c.charge == CHARGE_NOTHING


def test_nobody_cancels_once_the_session_has_started_or_what_is_not_live():
	for who in (True, False):
		with pytest.raises(DomainError, match="has started"):
			check_cancellation(CONFIRMED, CancellationPolicy(), DEADLINE, START, DURING, by_secretariat=who)
	for status in (CANCELLED_REG, ATTENDED):
		with pytest.raises(DomainError, match="Only confirmed or waitlisted"):
			check_cancellation(status, CancellationPolicy(), DEADLINE, START, BEFORE, by_secretariat=True)


def test_the_portal_says_why_there_is_no_cancel_button():
	assert cancellation_notice(CONFIRMED, CancellationPolicy(), DEADLINE, START, BEFORE) is None
	# the portal's date format (Mine påmeldinger shows this to the member)
	assert "21. august 2023 kl. 23:59" in str(
		cancellation_notice(CONFIRMED, CancellationPolicy(), DEADLINE, START, LATE)
	)


def test_no_promotion_into_a_started_session():
	assert may_promote(LATE, START)
	assert not may_promote(START, START)
	assert not may_promote(DURING, START)


def test_attendance_only_from_the_start_and_only_with_a_seat():
	with pytest.raises(DomainError, match="from the start"):
		check_attendance(CONFIRMED, LATE, START)
	check_attendance(CONFIRMED, DURING, START)
	with pytest.raises(DomainError, match="Only confirmed participants"):
		check_attendance(WAITLISTED, DURING, START)


def test_what_a_late_cancellation_still_invoices():
	assert charged_kinds(CHARGE_FULL) == {"fee", "accommodation", "food", "extra_night"}
	assert charged_kinds(CHARGE_PACKAGE) == {"accommodation", "food", "extra_night"}
	assert charged_kinds(CHARGE_NOTHING) == set()
	assert charged_kinds(None) == set()


def test_a_policy_is_checked():
	with pytest.raises(DomainError):
		CancellationPolicy("Whenever")
	with pytest.raises(DomainError):
		CancellationPolicy(charge="Half")
	with pytest.raises(DomainError):
		CancellationPolicy(DAYS_BEFORE, -1)
