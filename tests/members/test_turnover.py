"""Tenure and turnover figures as of a date, Kaplan–Meier, and the k-anonymous research extract."""

import random
from collections import defaultdict
from datetime import date

import pytest

from kdf_app.kdf_members.core import research_extract as rx
from kdf_app.kdf_members.core import turnover as t
from kdf_app.shared.core.i18n import DomainError

TODAY = date(2026, 6, 15)


def pos(
	person, start, end=None, reason=None, county="Agder", kind="Kommune", title="Kommunedirektør", org=None
):
	return {
		"person": person,
		"title": title,
		"from_date": date.fromisoformat(start),
		"to_date": date.fromisoformat(end) if end else None,
		"reason": reason,
		"county": county,
		"kind": kind,
		"organisation": org or f"{county}-{person}",
	}


# --- as of a date ----------------------------------------------------------------------------------------------
def test_the_register_as_it_stood_on_a_date():
	rows = [
		pos("a", "2018-03-01", "2021-05-31", "Konflikt"),
		pos("b", "2021-06-01"),  # started after the date: not there yet
		pos("c", "2015-01-01", "2020-12-31", "Pensjon"),
		pos("d", "2016-01-01", title="Assisterende kommunedirektør"),  # not a chief executive
	]
	(a, c) = sorted(t.tenures(rows, date(2020, 12, 31)), key=lambda x: x.person)
	# a's end (in 2021) was not known on 31.12.2020: open, no reason yet
	assert (a.person, a.end, a.reason) == ("a", None, None)
	assert (c.end, c.reason) == (date(2020, 12, 31), "Pensjon")
	assert {x.person for x in t.tenures(rows, date(2021, 12, 31))} == {"a", "b", "c"}
	# an end without a reason is Ukjent
	(x,) = t.tenures([pos("x", "2010-01-01", "2012-01-01")], TODAY)
	assert x.reason == t.UNKNOWN


def test_a_past_year_is_as_of_its_31_december_and_the_current_year_as_of_today():
	rows = [
		pos("a", "2018-03-01", "2021-05-31", "Konflikt"),
		pos("b", "2021-06-01", "2026-03-31", "Ny stilling"),
		pos("c", "2019-01-01", "2020-06-30", "Pensjon"),
		pos("d", "2020-02-01"),
		pos("e", "2026-09-01"),  # confirmed ahead: not in post today
		pos("f", "2026-01-01", "2026-12-31", "Annet"),  # a last day ahead: still in post today
	]
	y2020 = t.year_figures(rows, 2020, TODAY)
	assert y2020.as_of == date(2020, 12, 31)
	assert (y2020.started, y2020.left, y2020.in_post, y2020.in_post_at_end) == (1, 1, 3, 2)
	assert y2020.reasons == {"Pensjon": 1}
	assert y2020.rate == round(100 / 3, 1)
	y2021 = t.year_figures(rows, 2021, TODAY)
	assert (y2021.started, y2021.left, y2021.in_post, y2021.in_post_at_end) == (1, 1, 3, 2)
	assert y2021.share("Konflikt") == 100.0 and y2021.share("Pensjon") == 0.0
	now = t.year_figures(rows, 2026, TODAY)
	assert now.as_of == TODAY
	assert (now.started, now.left, now.in_post, now.in_post_at_end) == (1, 1, 3, 2)
	# no year after today
	assert [f.label for f in t.by_year(rows, 2024, 2030, TODAY)] == ["2024", "2025", "2026"]


def test_per_county_and_kind_add_up_to_the_total():
	rng = random.Random(7)
	rows = generated_register(rng, 80)
	for group in ("county", "kind"):
		*parts, total = t.by_group(rows, 2015, 2024, TODAY, group)
		assert total.label == ""
		for attr in ("started", "left", "in_post", "in_post_at_end"):
			assert sum(getattr(p, attr) for p in parts) == getattr(total, attr), (group, attr)
		assert total.survival.n == sum(p.survival.n for p in parts)
	only = t.by_group(rows, 2015, 2024, TODAY, "county", kind="Fylkeskommune")
	assert (
		only[-1].in_post
		== t.figures(rows, date(2015, 1, 1), date(2024, 12, 31), TODAY, kind="Fylkeskommune").in_post
	)
	with pytest.raises(DomainError):
		t.by_group(rows, 2015, 2024, TODAY, "title")


def test_year_range_is_checked():
	with pytest.raises(DomainError, match="after the last"):
		t.check_years(2024, 2020, TODAY)
	with pytest.raises(DomainError):
		t.check_years(None, 2020, TODAY)
	with pytest.raises(DomainError, match="no figures"):
		t.check_years(2030, 2031, TODAY)
	assert t.check_years("2019", "2024", TODAY) == (2019, 2024)


# --- Kaplan–Meier -------------------------------------------------------------------------------------------------
def test_kaplan_meier_by_hand():
	# 5 tenures: ended at 1, censored at 2, ended at 3 and 4, censored at 5
	steps = t.kaplan_meier([(1, True), (2, False), (3, True), (4, True), (5, False)])
	assert [s for s, _ in steps] == [1, 3, 4]
	assert [round(v, 4) for _, v in steps] == [0.8, round(0.8 * 2 / 3, 4), round(0.8 * 2 / 3 / 2, 4)]
	assert t.km_quantile(steps, 0.25) == 3  # S(3) = 0.533 <= 0.75 first at 3 (S(1) = 0.8)
	assert t.km_quantile(steps, 0.5) == 4
	assert t.km_quantile(steps, 0.75) is None  # S never below 0.267: not reached


def test_kaplan_meier_without_censoring_is_the_empirical_distribution():
	steps = t.kaplan_meier([(d, True) for d in (2, 4, 6, 8)])
	assert [round(v, 2) for _, v in steps] == [0.75, 0.5, 0.25, 0.0]
	assert (t.km_quantile(steps, 0.25), t.km_quantile(steps, 0.5), t.km_quantile(steps, 0.75)) == (2, 4, 6)


def test_an_event_and_a_censoring_at_the_same_time():
	# the censored one is still at risk at t=2: S(2) = 1 - 1/3
	steps = t.kaplan_meier([(1, False), (2, True), (2, False), (3, True)])
	assert [round(v, 4) for _, v in steps] == [round(2 / 3, 4), 0.0]


def test_ongoing_tenures_lengthen_the_median():
	"""Counting only completed tenures would say 2 years; the four still in post after 6 years say more."""
	rows = [pos(f"done{i}", "2018-01-01", "2019-12-31", "Annet") for i in range(3)] + [
		pos(f"still{i}", "2018-01-01") for i in range(4)
	]
	s = t.year_figures(rows, 2023, TODAY).survival
	assert (s.n, s.ended, s.ongoing, s.method) == (7, 3, 4, "Kaplan–Meier")
	assert s.q1 == 2.0  # 3 of 7 ended after two years: S = 4/7 <= 0.75
	assert s.median is None  # never S <= 0.5: more than half still in post
	naive = sorted(x.years(date(2023, 12, 31)) for x in t.tenures(rows, date(2023, 12, 31)) if x.end)
	assert round(naive[1], 1) == 2.0


# --- coverage on a date ------------------------------------------------------------------------------------------
def test_coverage_on_a_day_follows_positions_and_membership_then():
	orgs = [
		{"name": "A", "kind": "Kommune", "county": "Agder"},
		{"name": "B", "kind": "Kommune", "county": "Agder"},
		{"name": "C", "kind": "Fylkeskommune", "county": "Agder"},
	]
	rows = [
		pos("p1", "2015-01-01", "2021-03-31", "Ny stilling", org="A"),
		pos("p2", "2021-04-01", org="A"),
		pos("p3", "2019-01-01", org="B"),
		pos("p4", "2022-01-01", org="C"),
	]
	_rows, total = t.coverage_on(orgs, rows, {"p1", "p3"}, date(2020, 12, 31))
	assert (total.organisations, total.covered) == (3, 2)
	_rows, total = t.coverage_on(orgs, rows, {"p1", "p3", "p4"}, date(2021, 12, 31))
	assert total.covered == 1  # p1 left A; p2 is not a member; C's director starts in 2022


# --- the research extract ----------------------------------------------------------------------------------------
COUNTIES = list(rx.REGIONS)
REASONS = [*t.REASONS[:-1], None]


def generated_register(rng, people, first=1995, multi=0.35):
	"""People with one to three consecutive tenures at random organisations, some still in post."""
	rows = []
	for n in range(people):
		person = f"KDF-M-{n:05d}"
		start = date(rng.randint(first, 2023), rng.randint(1, 12), rng.randint(1, 28))
		for _ in range(3 if rng.random() < multi / 2 else 2 if rng.random() < multi else 1):
			county = rng.choice(COUNTIES)
			kind = rng.choices(t.KINDS, weights=(10, 1, 1))[0]
			length = rng.randint(200, 4000)
			end = date.fromordinal(start.toordinal() + length)
			ongoing = end > TODAY or rng.random() < 0.2
			rows.append(
				pos(
					person,
					start.isoformat(),
					None if ongoing else end.isoformat(),
					None if ongoing else rng.choice(REASONS),
					county=county,
					kind=kind,
				)
			)
			if ongoing:
				break
			start = date.fromordinal(end.toordinal() + 1)
	return rows


def check_guarantee(extract, k):
	"""Independently of kdf_app.kdf_members.core.turnover.verify: every released combination, and every key's whole
	combination of rows, holds at least k different people; one key is one person."""
	cells, keys, key_people = defaultdict(set), defaultdict(list), defaultdict(set)
	for row, person in zip(extract.rows, extract.persons, strict=True):
		qi = (row.start, row.end, row.county, row.kind, row.reason)
		cells[qi].add(person)
		keys[row.person_key].append(qi)
		key_people[row.person_key].add(person)
	assert all(len(p) >= k for p in cells.values()), [q for q, p in cells.items() if len(p) < k]
	assert all(len(p) == 1 for p in key_people.values())
	signatures = defaultdict(set)
	for key, qis in keys.items():
		signatures[tuple(sorted(qis))] |= key_people[key]
	assert all(len(p) >= k for p in signatures.values())


def could_be(row, tenure):
	"""The released row is a generalisation of this tenure at one of the levels."""
	return any(rx.generalise(tenure, level) == row.qi() for level in rx.LEVELS)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("k", [3, 5, 8])
def test_every_released_combination_holds_k_people_on_generated_registers(seed, k):
	rng = random.Random(seed * 100 + k)
	rows = generated_register(rng, rng.choice([15, 40, 120, 400]))
	granularity = rng.choice(rx.GRANULARITIES)
	try:
		extract = rx.make_extract(rows, 2010, 2025, TODAY, k=k, granularity=granularity)
	except DomainError as e:
		assert "Nothing is released" in str(e)
		return
	check_guarantee(extract, k)
	# each row is the generalisation of a tenure of the person behind it, in the period
	mine = defaultdict(list)
	for x in rx.in_period(t.tenures(rows, date(2025, 12, 31)), date(2010, 1, 1), date(2025, 12, 31)):
		mine[x.person].append(x)
	for row, person in zip(extract.rows, extract.persons, strict=True):
		assert any(could_be(row, x) for x in mine[person])
	# every tenure of the period is released or counted as suppressed
	assert len(extract.rows) + extract.suppressed_rows == extract.tenures == sum(map(len, mine.values()))
	assert sum(extract.levels.values()) == len(extract.rows)
	if granularity == "year":
		assert "half-year, county" not in extract.levels
		assert not any("-H" in r.start or "-H" in r.end for r in extract.rows)


def test_a_big_register_is_mostly_released_and_coarsened_where_needed():
	rows = generated_register(random.Random(1), 2500, first=2005)
	extract = rx.make_extract(rows, 2015, 2025, TODAY, k=5, granularity="half-year")
	check_guarantee(extract, 5)
	assert len(extract.rows) > extract.suppressed_rows
	assert len(extract.levels) >= 3  # some rows stayed fine, others went to region or all of Norway
	summary = extract.summary()
	assert summary["rows_released"] == len(extract.rows)
	assert summary["rows_suppressed"] == extract.suppressed_rows
	assert "KDF-M-" not in repr(summary) and "KDF-M-" not in repr(extract.rows)
	assert {r.county for r in extract.rows} & ({*rx.REGIONS.values(), rx.ALL})


def test_a_small_register_where_everything_must_be_suppressed():
	# six people, each with another reason (or still in post): no combination is shared by five
	rows = [
		pos("p1", "2016-02-01", "2019-05-31", "Ny stilling"),
		pos("p2", "2016-02-01", "2019-05-31", "Pensjon"),
		pos("p3", "2016-02-01", "2019-05-31", "Konflikt"),
		pos("p4", "2016-02-01", "2019-05-31", "Annet"),
		pos("p5", "2016-02-01", "2019-05-31"),
		pos("p6", "2016-02-01"),
	]
	extract = rx.make_extract(rows, 2018, 2020, TODAY, k=5)
	assert extract.rows == [] and extract.persons == []
	assert (extract.people, extract.suppressed_rows, extract.suppressed_people) == (6, 6, 6)
	# with k = 3 still nothing: each combination holds one person
	assert rx.make_extract(rows, 2018, 2020, TODAY, k=3).rows == []
	# five with the same story are released, at the finest level, and the sixth is suppressed
	same = [pos(f"q{i}", "2016-02-01", "2019-05-31", "Konflikt") for i in range(5)] + [rows[0]]
	extract = rx.make_extract(same, 2018, 2020, TODAY, k=5, granularity="half-year")
	assert [(r.start, r.end, r.county, r.kind, r.reason) for r in extract.rows] == [
		("2016-H1", "2019-H1", "Agder", "Kommune", "Konflikt")
	] * 5
	assert len({r.person_key for r in extract.rows}) == 5
	assert (extract.suppressed_rows, extract.suppressed_people) == (1, 1)


def test_too_few_people_in_the_period_releases_nothing():
	rows = [pos(f"p{i}", "2010-01-01", "2012-12-31", "Annet") for i in range(10)] + [
		pos(f"n{i}", "2020-01-01") for i in range(4)
	]
	with pytest.raises(DomainError, match=r"Only 4 people .* k = 5 .*Nothing is released"):
		rx.make_extract(rows, 2019, 2021, TODAY, k=5)
	assert len(rx.make_extract(rows, 2019, 2021, TODAY, k=4).rows) == 4


@pytest.mark.parametrize("k", [2, 1, 0, -5, "two", None])
def test_k_below_three_is_refused(k):
	rows = [pos(f"p{i}", "2010-01-01") for i in range(10)]
	with pytest.raises(DomainError, match="k"):
		rx.make_extract(rows, 2010, 2020, TODAY, k=k)


def test_unknown_granularity_is_refused():
	rows = [pos(f"p{i}", "2010-01-01") for i in range(10)]
	with pytest.raises(DomainError):
		rx.make_extract(rows, 2010, 2020, TODAY, granularity="month")


def test_coarsening_goes_to_region_before_all_of_norway():
	# three kommunedirektører in each Vestland county: no county holds five, the region does
	rows = [
		pos(f"{c}{i}", "2016-03-01", "2020-08-31", "Ny stilling", county=c)
		for c in ("Rogaland", "Vestland", "Møre og Romsdal")
		for i in range(3)
	]
	extract = rx.make_extract(rows, 2016, 2020, TODAY, k=5)
	assert {r.county for r in extract.rows} == {"Vestlandet"}
	assert extract.levels == {"year, region": 9}
	# two counties in different regions: all of Norway
	rows = [
		pos(f"{c}{i}", "2016-03-01", "2020-08-31", "Pensjon", county=c)
		for c in ("Agder", "Troms")
		for i in range(3)
	]
	assert {r.county for r in rx.make_extract(rows, 2016, 2020, TODAY, k=5).rows} == {rx.ALL}


def test_links_are_withheld_where_a_persons_whole_story_would_single_them_out():
	def keyed(rows):
		extract = rx.make_extract(rows, 2012, 2020, TODAY, k=5)
		check_guarantee(extract, 5)
		by_key = defaultdict(list)
		for r in extract.rows:
			by_key[r.person_key].append(r.qi())
		return extract, sorted(len(v) for v in by_key.values())

	# five people with the same two tenures: their keys link both
	story = [pos(f"p{i}", "2012-01-01", "2017-12-31", "Ny stilling") for i in range(5)]
	story += [pos(f"p{i}", "2018-01-01", county="Vestland") for i in range(5)]
	extract, lengths = keyed(story)
	assert (lengths, extract.unlinked_people) == ([2] * 5, 0)
	# one more person with only the first tenure: the only key with that tenure alone would be them, so the
	# five are unlinked (six keys with the first tenure alone, five with the second)
	extract, lengths = keyed([*story, pos("r", "2012-01-01", "2017-12-31", "Ny stilling")])
	assert (lengths, extract.unlinked_people) == ([1] * 11, 5)
	# five people with only the first tenure: nobody singled out, the links stay
	alone = [pos(f"r{i}", "2012-01-01", "2017-12-31", "Ny stilling") for i in range(5)]
	extract, lengths = keyed(story + alone)
	assert (lengths, extract.unlinked_people) == ([1] * 5 + [2] * 5, 0)
	# three of the five had a one-year post in 2018 before a third: that post (three people) is suppressed, and
	# the second posts of all five meet in one five-year band still ongoing: the five share their story again
	third = [pos(f"p{i}", "2019-01-01", county="Vestland") for i in range(3)]
	moved = [
		dict(x, to_date=date(2018, 12, 31), reason="Ny stilling")
		if x["person"] in ("p0", "p1", "p2") and x["county"] == "Vestland"
		else x
		for x in story
	]
	extract, lengths = keyed(moved + third + alone)
	assert (lengths, extract.suppressed_rows, extract.unlinked_people) == ([1] * 5 + [2] * 5, 3, 0)
	assert {r.end for r in extract.rows} == {"2017", rx.ONGOING}


def test_keys_are_new_for_every_extract_and_never_the_member():
	rows = generated_register(random.Random(3), 300)
	a = rx.make_extract(rows, 2010, 2025, TODAY, k=5)
	b = rx.make_extract(rows, 2010, 2025, TODAY, k=5)
	assert [r.qi() for r in a.rows] == [r.qi() for r in b.rows]  # the same generalisation
	assert not {r.person_key for r in a.rows} & {r.person_key for r in b.rows}
	assert not {r.person_key for r in a.rows} & {x["person"] for x in rows}
	# rows come sorted by what they say, not in the register's order
	assert [r.qi() for r in a.rows] == sorted(r.qi() for r in a.rows)


def test_verify_refuses_a_small_cell_and_a_key_of_two_people():
	rows = [pos(f"p{i}", "2016-02-01", "2019-05-31", "Konflikt") for i in range(5)]
	good = rx.make_extract(rows, 2016, 2020, TODAY, k=5)
	rx.verify(good)
	bad = rx.Extract(**{**good.__dict__, "rows": good.rows[:4], "persons": good.persons[:4]})
	with pytest.raises(DomainError, match="fewer than 5"):
		rx.verify(bad)
	shared = [rx.ExtractRow("same", *r.qi()[:-1], r.reason) for r in good.rows]
	with pytest.raises(DomainError, match="two people"):
		rx.verify(rx.Extract(**{**good.__dict__, "rows": shared}))


def test_the_data_dictionary_names_every_released_column():
	entries = rx.data_dictionary(5, "year")
	columns = [e["column"] for e in entries]
	assert columns[:6] == ["person_key", *rx.FIELDS]
	assert all(e["nb"] and e["en"] for e in entries)
	assert "k = 5" in entries[-1]["en"]
