"""The made-up demo members (kdf_app.demo.people)."""

from datetime import date, timedelta

import pytest

from kdf_app.demo.people import TITLES, fictitious_members

ORGS = [("Kommune", f"{n:04d}") for n in range(3001, 3301)] + [
	("Fylkeskommune", f"{n:02d}") for n in range(10, 25)
]


def test_members_fill_up_to_the_share_without_doubling_an_organisation():
	covered = {("Kommune", "3001"), ("Kommune", "3002"), ("Fylkeskommune", "10")}
	members = fictitious_members(ORGS, covered, 0.94)
	orgs = [(m["organisation"]["type"], m["organisation"]["number"]) for m in members]
	assert len(orgs) == len(set(orgs))
	assert not set(orgs) & covered
	assert len(set(orgs) | covered) == round(0.94 * len(ORGS))
	assert len({m["email"] for m in members}) == len(members)
	for m in members:
		kind = m["organisation"]["type"]
		assert m["title"] in (TITLES[kind], "Rådmann")
		assert m["email"].isascii() and m["email"].endswith("@demo.kommunedirektor.no")
		assert m["member_since"][:4] <= m["position_start"][:4] <= "2025"
	# some held another post before: it ended the day before the current one began, with a reason
	earlier = [(m, p) for m in members for p in m["previous_positions"]]
	assert 0.3 * len(members) < len(earlier) < 0.5 * len(members)
	for m, p in earlier:
		assert p["from_date"] < p["to_date"] < m["position_start"]
		assert date.fromisoformat(p["to_date"]) + timedelta(days=1) == date.fromisoformat(m["position_start"])
		assert p["reason"] in ("Ny stilling", "Konflikt", "Annet") and p["title"] == m["title"]
		assert (
			p["organisation"] != m["organisation"] and p["organisation"]["type"] == m["organisation"]["type"]
		)


def test_the_same_input_gives_the_same_members_and_nothing_when_covered():
	assert fictitious_members(ORGS, set(), 0.94) == fictitious_members(ORGS, set(), 0.94)
	assert fictitious_members(ORGS, set(ORGS), 0.94) == []
	assert fictitious_members(ORGS[:10], set(), 1.0)[0]["organisation"] == {
		"type": "Kommune",
		"number": "3001",
	}


def test_the_upcoming_session_is_a_wednesday_after_its_deadline():
	from datetime import date, datetime

	from kdf_app.demo.people import upcoming_session_dates

	starts, ends, deadline = upcoming_session_dates(date(2026, 11, 24), 75, 21, 26)
	assert starts == datetime(2027, 2, 10, 10, 0) and starts.weekday() == 2
	assert ends == datetime(2027, 2, 11, 12, 0)
	assert deadline == datetime(2027, 1, 20, 23, 59)
	# loaded on a Wednesday: that Wednesday, 75 days ahead, is kept
	assert upcoming_session_dates(date(2026, 11, 25), 70, 21, 26)[0] == datetime(2027, 2, 3, 10, 0)
	with pytest.raises(ValueError):
		upcoming_session_dates(date(2026, 11, 24), 10, 21, 26)
