from datetime import datetime, timedelta

import pytest

from kdf_app.kdf_programmes.core.evaluation import (
	MIN_ANONYMOUS_ANSWERS,
	agenda_items,
	check_answer,
	check_not_answered,
	check_open,
	due_reminder,
	is_open,
	key_hash,
	new_key,
	results,
)
from kdf_app.shared.core.i18n import DomainError

END = datetime(2026, 9, 7, 15, 0)
ITEMS = ["Oppstart", "Et liv på toppen", "Middag"]


def test_keys_are_random_and_only_their_hash_is_kept():
	keys = {new_key() for _ in range(50)}
	assert len(keys) == 50
	k = next(iter(keys))
	assert len(k) >= 40
	assert key_hash(k) == key_hash(k) and key_hash(k) != k and len(key_hash(k)) == 64
	assert key_hash(k) != key_hash(k + "x")


def test_open_from_the_end_for_the_window():
	assert not is_open(END, 14, END - timedelta(minutes=1))
	assert is_open(END, 14, END)
	assert is_open(END, 14, END + timedelta(days=14))
	assert not is_open(END, 14, END + timedelta(days=14, seconds=1))
	assert not is_open(END, 0, END + timedelta(days=1))
	assert not is_open(None, 14, END)


def test_check_open_says_why():
	with pytest.raises(DomainError, match="opens when"):
		check_open(END, 14, END - timedelta(hours=1))
	with pytest.raises(DomainError, match=r"closed on 21\. september 2026"):
		check_open(END, 14, END + timedelta(days=15))
	with pytest.raises(DomainError, match="no evaluation"):
		check_open(END, 0, END)
	check_open(END, 14, END + timedelta(days=1))


def test_one_reminder_after_the_days_to_those_who_have_not_answered():
	sent = END + timedelta(days=1)
	assert not due_reminder(sent, None, False, 4, sent + timedelta(days=3))
	assert due_reminder(sent, None, False, 4, sent + timedelta(days=4))
	assert not due_reminder(sent, None, True, 4, sent + timedelta(days=5))
	assert not due_reminder(sent, sent + timedelta(days=4), False, 4, sent + timedelta(days=6))
	assert not due_reminder(None, None, False, 4, sent + timedelta(days=6))
	assert not due_reminder(sent, None, False, 0, sent + timedelta(days=6))


def test_valid_answer_and_skipped_items():
	a = check_answer(ITEMS, "4", {"Oppstart": "5", "Middag": ""}, "Bra", "Nettverk")
	assert a.overall == 4 and a.scores == {"Oppstart": 5} and a.takeaway == "Nettverk"


@pytest.mark.parametrize("overall", [0, 6, "x", None, "", 3.5])
def test_overall_must_be_one_to_five(overall):
	with pytest.raises(DomainError, match="score from 1 to 5"):
		check_answer(ITEMS, overall, {}, "", "")


def test_item_scores_must_be_one_to_five_and_on_the_agenda():
	with pytest.raises(DomainError, match="Et liv på toppen"):
		check_answer(ITEMS, 3, {"Et liv på toppen": 9}, "", "")
	with pytest.raises(DomainError, match="not on the agenda"):
		check_answer(ITEMS, 3, {"Noe annet": 3}, "", "")
	with pytest.raises(DomainError, match="too long"):
		check_answer(ITEMS, 3, {}, "x" * 2001, "")


def test_second_answer_refused():
	check_not_answered(False)
	with pytest.raises(DomainError, match="already answered"):
		check_not_answered(True)


def test_results_per_item_overall_and_answer_rate():
	answers = [(5, {"Oppstart": 4, "Middag": 5}), (3, {"Oppstart": 2}), (4, {})]
	r = results(ITEMS, answers, invited=4, anonymous=False)
	assert r.answered == 3 and r.answer_rate == 75.0
	assert r.overall.average == 4.0 and r.overall.answers == 3
	assert [(i.item, i.average, i.answers) for i in r.items] == [
		("Oppstart", 3.0, 2),
		("Et liv på toppen", None, 0),
		("Middag", 5.0, 1),
	]
	assert results(ITEMS, [], invited=0, anonymous=False).answer_rate == 0.0


def test_anonymous_results_hidden_below_the_minimum():
	few = [(5, {"Oppstart": 5})] * (MIN_ANONYMOUS_ANSWERS - 1)
	r = results(ITEMS, few, invited=10, anonymous=True)
	assert not r.shown and r.overall.average is None and r.items[0].average is None
	assert r.answered == MIN_ANONYMOUS_ANSWERS - 1  # the rate is still shown
	enough = [(5, {"Oppstart": 5})] * MIN_ANONYMOUS_ANSWERS
	assert results(ITEMS, enough, invited=10, anonymous=True).overall.average == 5.0


def test_agenda_items_in_order_once_without_empty_titles():
	rows = [("Oppstart", "08:30"), ("", "09:00"), ("Middag", "19:30"), ("Oppstart", "08:30"), (None, None)]
	assert agenda_items(rows) == ["Oppstart", "Middag"]


def test_anonymous_results_wait_until_the_evaluation_has_closed():
	# while open, results before and after one more answer would single that answer out
	enough = [(4, {ITEMS[0]: 4})] * MIN_ANONYMOUS_ANSWERS
	assert not results(ITEMS, enough, invited=10, anonymous=True, closed=False).shown
	assert results(ITEMS, enough, invited=10, anonymous=True, closed=True).overall.average == 4.0
	# a named evaluation shows its results at once
	assert results(ITEMS, enough[:1], invited=10, anonymous=False, closed=False).shown
