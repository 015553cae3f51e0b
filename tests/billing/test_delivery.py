"""A failed EHF send is tried again with backoff, then failed for good (kdf_app.kdf_billing.core.delivery)."""

from datetime import datetime, timedelta

from kdf_app.kdf_billing.core.delivery import (
	FAILED,
	MAX_ATTEMPTS,
	RETRYING,
	after_failure,
	retriable_http_status,
)

NOW = datetime(2026, 11, 24, 10, 0)


def test_backoff_5_min_30_min_2_h_12_h_then_failed_for_good():
	waits, attempts = [], 0
	while True:
		outcome = after_failure(attempts, NOW)
		attempts = outcome.attempts
		if outcome.status != RETRYING:
			break
		waits.append(outcome.next_try - NOW)
	assert waits == [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12)]
	assert (
		(outcome.status, outcome.attempts, outcome.next_try)
		== (FAILED, MAX_ATTEMPTS, None)
		== (FAILED, 5, None)
	)
	assert "no more tries" in outcome.message


def test_the_message_names_the_attempt_and_the_next_try():
	outcome = after_failure(1, NOW)
	assert (
		outcome.message.format(*outcome.params)
		== f"Attempt 2 of 5 failed; next try at {NOW + timedelta(minutes=30)}."
	)


def test_a_refusal_is_failed_at_once():
	outcome = after_failure(0, NOW, retriable=False)
	assert (outcome.status, outcome.attempts, outcome.next_try) == (FAILED, 1, None)
	assert "will not help" in outcome.message


def test_which_http_answers_are_worth_another_try():
	assert all(retriable_http_status(c) for c in (500, 502, 503, 504, 408, 429))
	assert not any(retriable_http_status(c) for c in (400, 401, 403, 404, 409, 422))
