from datetime import date

import pytest

from kdf_app.kdf_members.core.members import (
	Position,
	coverage,
	current_position,
	move_to,
	plan_dues,
	turnover,
	validate_positions,
)
from kdf_app.shared.core.i18n import DomainError


def test_move_closes_the_open_row_and_opens_a_new_one():
	history = [
		Position("Alta", "Rådmann", date(2015, 1, 1), date(2019, 12, 31), "Ny stilling"),
		Position("Hammerfest", "Kommunedirektør", date(2020, 1, 1)),
	]
	moved = move_to(history, "Tromsø", "Kommunedirektør", date(2024, 3, 1), "Konflikt")
	assert history[1].to_date is None  # input unchanged
	assert moved[1] == Position(
		"Hammerfest", "Kommunedirektør", date(2020, 1, 1), date(2024, 2, 29), "Konflikt"
	)
	assert current_position(moved) == Position("Tromsø", "Kommunedirektør", date(2024, 3, 1))
	assert len(moved) == 3


def test_move_defaults_reason_and_works_for_first_position():
	first = move_to([], "Alta", "Rådmann", date(2015, 1, 1))
	assert first == [Position("Alta", "Rådmann", date(2015, 1, 1))]
	second = move_to(first, "Bodø", "Kommunedirektør", date(2016, 1, 1))
	assert second[0].reason == "Ny stilling"


@pytest.mark.parametrize(
	"kwargs,fragment",
	[
		({"organisation": "", "title": "Rådmann", "start": date(2021, 1, 1)}, "organisation"),
		({"organisation": "Bodø", "title": "Sjef", "start": date(2021, 1, 1)}, "Unknown title"),
		({"organisation": "Bodø", "title": "Rådmann", "start": date(2019, 1, 1)}, "must start after"),
		({"organisation": "Bodø", "title": "Rådmann", "start": date(2021, 1, 1), "reason": "Lei"}, "reason"),
	],
)
def test_bad_moves_are_refused(kwargs, fragment):
	with pytest.raises(DomainError) as e:
		move_to([Position("Alta", "Rådmann", date(2020, 1, 1))], **kwargs)
	assert fragment in str(e.value)


@pytest.mark.parametrize(
	"rows,fragment",
	[
		(
			[Position("A", "Rådmann", date(2020, 1, 1)), Position("B", "Rådmann", date(2021, 1, 1))],
			"Only one",
		),
		(
			[
				Position("A", "Rådmann", date(2020, 1, 1), date(2021, 6, 1)),
				Position("B", "Rådmann", date(2021, 1, 1)),
			],
			"overlap",
		),
		([Position("A", "Rådmann", date(2020, 1, 1), date(2019, 1, 1))], "ends"),
		([Position("A", "Rådmann", date(2020, 1, 1), None, "Pensjon")], "no end date"),
	],
)
def test_invalid_histories(rows, fragment):
	with pytest.raises(DomainError) as e:
		validate_positions(rows)
	assert fragment in str(e.value)


MEMBERS = [
	{
		"name": "M1",
		"member_name": "Kari",
		"title": "Kommunedirektør",
		"organisation": "Oslo",
		"membership_status": "Aktiv",
	},
	{
		"name": "M2",
		"member_name": "Ola",
		"title": "Assisterende kommunedirektør",
		"organisation": "Oslo",
		"membership_status": "Aktiv",
	},
	{
		"name": "M3",
		"member_name": "Per",
		"title": "Rådmann",
		"organisation": "Alta",
		"membership_status": "Utmeldt",
	},
	{
		"name": "M4",
		"member_name": "Liv",
		"title": "Fylkeskommunedirektør",
		"organisation": "Agder fk",
		"membership_status": "Aktiv",
	},
	{
		"name": "M5",
		"member_name": "Ane",
		"title": "Kommunedirektør",
		"organisation": None,
		"membership_status": "Aktiv",
	},
]


def test_dues_one_invoice_per_paying_organisation_and_skips_invoiced():
	plan = plan_dues(MEMBERS, 2026)
	assert [(i.organisation, [line.member for line in i.lines]) for i in plan] == [
		("Agder fk", ["M4"]),
		("Oslo", ["M1", "M2"]),
	]
	assert plan_dues(MEMBERS, 2026, already_invoiced=["Oslo", "Agder fk"]) == []


def test_coverage_counts_only_active_chief_executives():
	orgs = [
		{"name": "Oslo", "kind": "Kommune", "county": "Oslo"},
		{"name": "Alta", "kind": "Kommune", "county": "Finnmark"},
		{"name": "Vardø", "kind": "Kommune", "county": "Finnmark"},
		{"name": "Agder fk", "kind": "Fylkeskommune", "county": "Agder"},
		{"name": "Bydel Frogner", "kind": "Bydel", "county": "Oslo"},
	]
	rows, total = coverage(orgs, MEMBERS)
	assert [(r.group, r.organisations, r.covered, r.share) for r in rows] == [
		("Agder", 1, 1, 100.0),
		("Finnmark", 2, 0, 0.0),
		("Oslo", 1, 1, 100.0),
	]
	assert (total.organisations, total.covered, total.share) == (4, 2, 50.0)


def test_turnover_per_year_with_reasons():
	rows = turnover(
		[
			{
				"title": "Rådmann",
				"from_date": date(2019, 1, 1),
				"to_date": date(2023, 2, 1),
				"reason": "Konflikt",
			},
			{"title": "Kommunedirektør", "from_date": date(2023, 3, 1), "to_date": None, "reason": None},
			{
				"title": "Kommunedirektør",
				"from_date": date(2020, 1, 1),
				"to_date": date(2023, 6, 30),
				"reason": "Pensjon",
			},
			{"title": "Annen toppleder", "from_date": date(2023, 1, 1), "to_date": None, "reason": None},
		]
	)
	assert [(r.year, r.started, r.left, r.reasons) for r in rows] == [
		(2019, 1, 0, {}),
		(2020, 1, 0, {}),
		(2023, 1, 2, {"Konflikt": 1, "Pensjon": 1}),
	]


def test_reconcile_moves_only_when_organisation_or_title_changes():
	from kdf_app.kdf_members.core.members import reconcile

	today = date(2024, 6, 1)
	history = [Position("Alta", "Rådmann", date(2020, 1, 1))]
	same, changed = reconcile(history, "Alta", "Rådmann", date(2020, 1, 1), today)
	assert (same, changed) == (history, False)
	moved, changed = reconcile(history, "Bodø", "Kommunedirektør", date(2024, 3, 1), today, "Konflikt")
	assert changed and moved[0].to_date == date(2024, 2, 29) and moved[0].reason == "Konflikt"
	# a start not after the current row's start (or none) means today
	assert reconcile(history, "Bodø", "Kommunedirektør", date(2019, 1, 1), today)[0][1].from_date == today
	assert reconcile(history, "Bodø", "Kommunedirektør", None, today)[0][1].from_date == today
	assert reconcile([], None, "Rådmann", None, today) == ([], False)


def test_a_change_confirmed_ahead_holds_from_its_first_day():
	from kdf_app.kdf_members.core.members import coming_position, in_force, position_on, reconcile

	today = date(2024, 6, 1)
	history = [Position("Alta", "Rådmann", date(2020, 1, 1))]
	moved, changed = reconcile(
		history, "Bodø", "Kommunedirektør", date(2024, 9, 1), today, "Konflikt", stored=("Alta", "Rådmann")
	)
	assert changed and moved[0] == Position(
		"Alta", "Rådmann", date(2020, 1, 1), date(2024, 8, 31), "Konflikt"
	)
	# until its first day the old position is the one in force, and the new one is coming
	assert in_force(moved, today) == moved[0] and position_on(moved, today) == moved[0]
	assert coming_position(moved, today) == moved[1]
	assert in_force(moved, date(2024, 9, 1)) == moved[1] and coming_position(moved, date(2024, 9, 1)) is None
	# a later save that changes neither organisation nor title is no move, before or on the first day
	for day in (today, date(2024, 9, 1)):
		assert reconcile(moved, "Alta", "Rådmann", date(2020, 1, 1), day, stored=("Alta", "Rådmann")) == (
			moved,
			False,
		)
	# a first position that starts later is the one in force; none once every position has ended
	later = [Position("Alta", "Rådmann", date(2024, 7, 1))]
	assert in_force(later, today) == later[0]
	assert in_force([Position("Alta", "Rådmann", date(2020, 1, 1), date(2024, 5, 31))], today) is None


def test_due_updates_are_the_members_whose_position_began_or_ended():
	from kdf_app.kdf_members.core.members import due_updates

	day = date(2024, 9, 1)
	positions = [
		{
			"parent": "moved",
			"organisation": "Alta",
			"title": "Rådmann",
			"from_date": date(2020, 1, 1),
			"to_date": date(2024, 8, 31),
		},
		{
			"parent": "moved",
			"organisation": "Bodø",
			"title": "Kommunedirektør",
			"from_date": day,
			"to_date": None,
		},
		{
			"parent": "waiting",
			"organisation": "Alta",
			"title": "Rådmann",
			"from_date": date(2020, 1, 1),
			"to_date": date(2024, 9, 30),
		},
		{
			"parent": "waiting",
			"organisation": "Bodø",
			"title": "Rådmann",
			"from_date": date(2024, 10, 1),
			"to_date": None,
		},
		{
			"parent": "left",
			"organisation": "Alta",
			"title": "Rådmann",
			"from_date": date(2020, 1, 1),
			"to_date": date(2024, 8, 31),
		},
		{
			"parent": "gone",
			"organisation": "Alta",
			"title": "Rådmann",
			"from_date": date(2020, 1, 1),
			"to_date": date(2023, 1, 1),
		},
	]
	members = [
		{"name": "moved", "organisation": "Alta", "title": "Rådmann"},
		{"name": "waiting", "organisation": "Alta", "title": "Rådmann"},
		{"name": "left", "organisation": "Alta", "title": "Rådmann"},
		{"name": "gone", "organisation": None, "title": "Rådmann"},
		{"name": "no history", "organisation": "Alta", "title": "Rådmann"},
	]
	assert due_updates(members, positions, day) == ["left", "moved"]


def test_position_rows_are_what_the_members_position_table_takes():
	from datetime import date

	from kdf_app.kdf_members.core.members import Position, position_rows

	history = [
		Position("Oslo kommune", "Kommunedirektør", date(2020, 1, 1)),
		Position("Ål kommune", "Rådmann", date(2015, 1, 1), date(2019, 12, 31), "Ny stilling"),
	]
	assert position_rows(history) == [
		{
			"organisation": "Oslo kommune",
			"title": "Kommunedirektør",
			"from_date": date(2020, 1, 1),
			"to_date": None,
			"reason": None,
		},
		{
			"organisation": "Ål kommune",
			"title": "Rådmann",
			"from_date": date(2015, 1, 1),
			"to_date": date(2019, 12, 31),
			"reason": "Ny stilling",
		},
	]
