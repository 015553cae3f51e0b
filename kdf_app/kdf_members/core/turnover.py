"""Tenure and turnover of chief executives, and the anonymised research extract. No Frappe here.

**As of a date.** Every figure is computed from the register *as it stood* on a date: a position that starts
later is left out, and one that ends later is still open (its reason for leaving not yet known). A past year's
figures are as of its 31 December; the current year's as of today (``as_of``).

**Per period** (a year, or a range of years): *started* (positions begun in it), *left* (ended in it), *in post*
(held on any day of it) and the *turnover rate* = left / in post, so a rate is the share of those who held a
post in the period who left it; the reasons for leaving (Ny stilling, Pensjon, Konflikt, Annet, Ukjent when no
reason was recorded) as counts and as shares of those who left.

**Tenure** is measured in years (days / 365.25) from the first to the last day of a position. Its median and
quartiles come from the **Kaplan–Meier** (product-limit) estimator over every tenure the register held on the
date: a completed tenure is an event, an ongoing one is censored at the date (it lasts at least that long).
A quantile *p* is the shortest tenure *t* with S(t) ≤ 1 − *p* (as lifelines computes it); when the survival
curve never falls that low (too many still in post), the quantile is not reached and given as ``None``.

**The research extract** releases one row per tenure of the members who consented, generalised so that every
combination of the released quasi-identifiers (start, end, county, kind of organisation, reason for leaving)
holds at least *k* different people (k-anonymity, *k* ≥ 3). A row whose cell is too small is coarsened step
by step (``LEVELS``: half-year → year → county to region → all of Norway → five-year bands → all kinds); what
is still too small at the coarsest level is suppressed. A random per-extract key links the tenures of one person
only when that person's whole combination of released rows is also shared by *k* people; otherwise their rows
get separate keys (the link is withheld). The extract says what it did. ``verify`` checks the guarantee on the
released rows; nothing is released when it fails.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from kdf_app.kdf_members.core.members import ACTIVE, DIRECTOR_TITLES, LEAVING_REASONS, coverage
from kdf_app.shared.core.i18n import DomainError, _

UNKNOWN = "Ukjent"  # a position that ended with no reason recorded
REASONS = (*LEAVING_REASONS, UNKNOWN)
KINDS = ("Kommune", "Fylkeskommune", "Bydel")
DAYS_PER_YEAR = 365.25
METHOD = "Kaplan–Meier"

MIN_K = 3
DEFAULT_K = 5
GRANULARITIES = ("year", "half-year")
ONGOING = "pågår"  # the end of a tenure still open on the extract's date
ALL = "Alle"  # a county or kind coarsened away
# Counties (2024) to landsdeler, as Statistics Norway groups them (Møre og Romsdal with Vestlandet).
REGIONS = {
	"Oslo": "Østlandet",
	"Akershus": "Østlandet",
	"Østfold": "Østlandet",
	"Buskerud": "Østlandet",
	"Vestfold": "Østlandet",
	"Telemark": "Østlandet",
	"Innlandet": "Østlandet",
	"Agder": "Sørlandet",
	"Rogaland": "Vestlandet",
	"Vestland": "Vestlandet",
	"Møre og Romsdal": "Vestlandet",
	"Trøndelag": "Trøndelag",
	"Nordland": "Nord-Norge",
	"Troms": "Nord-Norge",
	"Finnmark": "Nord-Norge",
}


# --- tenures as of a date ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tenure:
	person: str  # who held it (never released)
	start: date
	end: date | None  # None: still in post on the date
	reason: str | None  # why it ended (UNKNOWN when it ended without one); None while ongoing
	kind: str | None = None  # Kommune, Fylkeskommune, Bydel (the organisation's today)
	county: str | None = None
	organisation: str | None = None
	title: str | None = None

	def years(self, as_of: date) -> float:
		"""Length in years, first and last day included; an ongoing tenure up to ``as_of``."""
		return ((self.end or as_of) - self.start).days / DAYS_PER_YEAR + 1 / DAYS_PER_YEAR


def tenures(rows: Iterable[Mapping], as_of: date, titles: Iterable[str] = DIRECTOR_TITLES) -> list[Tenure]:
	"""The chief executives' tenures as the register held them on ``as_of``.

	``rows``: dicts with person, title, from_date, to_date, reason, kind, county and organisation (dates as
	``date``). A row of another title, without a start, or starting after ``as_of`` is left out; an end after
	``as_of`` is open (and its reason not yet known)."""
	titles = set(titles)
	out = []
	for r in rows:
		start = r.get("from_date")
		if r.get("title") not in titles or not start or start > as_of:
			continue
		end = r.get("to_date")
		if end and end > as_of:
			end = None
		out.append(
			Tenure(
				person=str(r.get("person")),
				start=start,
				end=end,
				reason=(r.get("reason") or UNKNOWN) if end else None,
				kind=r.get("kind") or None,
				county=r.get("county") or None,
				organisation=r.get("organisation") or None,
				title=r.get("title"),
			)
		)
	return out


def select(items: Iterable[Tenure], county: str | None = None, kind: str | None = None) -> list[Tenure]:
	return [t for t in items if (not county or t.county == county) and (not kind or t.kind == kind)]


# --- Kaplan–Meier ----------------------------------------------------------------------------------------------
def kaplan_meier(observations: Iterable[tuple[float, bool]]) -> list[tuple[float, float]]:
	"""The product-limit estimate of the survival function: ``observations`` are (time, ended) pairs, ``ended``
	False for a censored one. Returns the steps (t, S(t)) at each time with an event. Censored at the same time
	as an event count as still at risk at that time (the usual convention)."""
	obs = sorted(observations)
	at_risk = len(obs)
	survival = 1.0
	steps = []
	i = 0
	while i < len(obs):
		t = obs[i][0]
		events = removed = 0
		while i < len(obs) and obs[i][0] == t:
			events += bool(obs[i][1])
			removed += 1
			i += 1
		if events:
			survival *= 1 - events / at_risk
			steps.append((t, survival))
		at_risk -= removed
	return steps


def km_quantile(steps: Sequence[tuple[float, float]], p: float) -> float | None:
	"""The shortest time t with S(t) ≤ 1 − p; None when the curve never gets there."""
	for t, s in steps:
		if s <= 1 - p + 1e-12:
			return t
	return None


@dataclass(frozen=True)
class Survival:
	n: int  # tenures
	ended: int  # events (completed tenures)
	ongoing: int  # censored
	q1: float | None  # years, rounded to one decimal; None: not reached
	median: float | None
	q3: float | None
	method: str = METHOD


def survival(items: Iterable[Tenure], as_of: date) -> Survival:
	obs = [(t.years(as_of), t.end is not None) for t in items]
	steps = kaplan_meier(obs)

	def q(p):
		v = km_quantile(steps, p)
		return None if v is None else round(v, 1)

	ended = sum(1 for _t, e in obs if e)
	return Survival(len(obs), ended, len(obs) - ended, q(0.25), q(0.5), q(0.75))


# --- figures of a period ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
	label: str
	first: date
	as_of: date  # the period's last day, or today for the current one
	started: int
	left: int
	in_post: int  # held on any day of the period
	in_post_at_end: int  # still in post on as_of
	reasons: dict[str, int]
	survival: Survival

	@property
	def rate(self) -> float:
		"""Turnover rate (%): those who left / those in post in the period."""
		return round(100.0 * self.left / self.in_post, 1) if self.in_post else 0.0

	def share(self, reason: str) -> float:
		"""Share (%) of those who left whose reason was ``reason``."""
		return round(100.0 * self.reasons.get(reason, 0) / self.left, 1) if self.left else 0.0


def as_of(last: date, today: date) -> date:
	"""The date a period's figures are taken on: its last day, or today while it lasts."""
	return min(last, today)


def figures_of(items: Sequence[Tenure], first: date, day: date, label: str = "") -> Figures:
	"""The figures of the period from ``first`` of ``items``, the tenures as the register held them on
	``day`` (kdf_app.kdf_members.core.turnover.tenures)."""
	gone = [t for t in items if t.end and t.end >= first]
	return Figures(
		label=label,
		first=first,
		as_of=day,
		started=sum(1 for t in items if t.start >= first),
		left=len(gone),
		in_post=sum(1 for t in items if t.end is None or t.end >= first),
		in_post_at_end=sum(1 for t in items if t.end is None),
		reasons=dict(Counter(t.reason for t in gone)),
		survival=survival(items, day),
	)


def figures(
	rows: Iterable[Mapping],
	first: date,
	last: date,
	today: date,
	label: str = "",
	county: str | None = None,
	kind: str | None = None,
	titles: Iterable[str] = DIRECTOR_TITLES,
) -> Figures:
	"""The figures of the period ``first``–``last`` as the register held them on its last day (or today)."""
	day = as_of(last, today)
	return figures_of(select(tenures(rows, day, titles), county, kind), first, day, label)


def year_figures(rows: Iterable[Mapping], year: int, today: date, **where) -> Figures:
	"""One year's figures, as of its 31 December (or today, in the current year)."""
	return figures(rows, date(year, 1, 1), date(year, 12, 31), today, label=str(year), **where)


def by_year(rows: Iterable[Mapping], first_year: int, last_year: int, today: date, **where) -> list[Figures]:
	"""Each year's figures, each as of its own 31 December (the current year's as of today)."""
	rows = list(rows)
	return [year_figures(rows, y, today, **where) for y in range(first_year, min(last_year, today.year) + 1)]


NONE = "—"  # a tenure whose organisation has no county (or kind) recorded


def by_group(
	rows: Iterable[Mapping],
	first_year: int,
	last_year: int,
	today: date,
	group: str,
	county: str | None = None,
	kind: str | None = None,
) -> list[Figures]:
	"""The years ``first_year``–``last_year`` as one period, per county or per kind (``group``), as the
	register held them on the last year's 31 December (or today); the last entry is all of them (label "")."""
	if group not in ("county", "kind"):
		raise DomainError(_("Group by county or by kind, not {0}."), group)
	first = date(first_year, 1, 1)
	day = as_of(date(last_year, 12, 31), today)
	items = select(tenures(rows, day), county, kind)
	groups: dict[str, list[Tenure]] = defaultdict(list)
	for t in items:
		groups[getattr(t, group) or NONE].append(t)
	return [figures_of(groups[g], first, day, g) for g in sorted(groups)] + [figures_of(items, first, day)]


def check_years(first_year: int | None, last_year: int | None, today: date) -> tuple[int, int]:
	"""A year range for the report and the extract: both set, the first not after the last."""
	if not first_year or not last_year:
		raise DomainError(_("Choose the first and the last year."), field="from_year")
	first_year, last_year = int(first_year), int(last_year)
	if first_year > last_year:
		raise DomainError(
			_("The first year ({0}) is after the last ({1})."), first_year, last_year, field="from_year"
		)
	if first_year < 1900 or first_year > today.year:
		raise DomainError(_("There are no figures for {0} yet."), first_year, field="from_year")
	return first_year, last_year


# --- coverage on a date ------------------------------------------------------------------------------------------
def coverage_on(
	organisations: Iterable[Mapping],
	rows: Iterable[Mapping],
	members_on: Iterable[str],
	day: date,
	kinds=("Kommune", "Fylkeskommune"),
):
	"""kdf_app.kdf_members.core.members.coverage as the register held it on ``day``: an organisation is covered when the
	chief executive position held there on that day belonged to someone who was a member on that day.
	``rows`` as for ``tenures``; ``members_on``: the people who were members on ``day``."""
	members_on = set(members_on)
	holders = [
		{"organisation": t.organisation, "title": t.title, "membership_status": ACTIVE}
		for t in tenures(rows, day)
		if t.person in members_on and t.end is None
	]
	return coverage(organisations, holders, kinds=kinds)


# --- the research extract ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Level:
	name: str
	dates: str  # half-year, year, band (five years)
	place: str  # county, region, all
	kind: str  # kind, all


LEVELS = (
	Level("half-year, county", "half-year", "county", "kind"),
	Level("year, county", "year", "county", "kind"),
	Level("year, region", "year", "region", "kind"),
	Level("year, all of Norway", "year", "all", "kind"),
	Level("five years, all of Norway", "band", "all", "kind"),
	Level("five years, all of Norway, all kinds", "band", "all", "all"),
)
FIELDS = ("start", "end", "county", "kind", "reason")  # the quasi-identifiers, in this order


def period(day: date | None, dates: str) -> str:
	"""A date generalised: ``2019-H2``, ``2019`` or ``2015–2019``; an open end is ``ONGOING``."""
	if day is None:
		return ONGOING
	if dates == "half-year":
		return f"{day.year}-H{1 if day.month <= 6 else 2}"
	if dates == "band":
		low = day.year - day.year % 5
		return f"{low}–{low + 4}"
	return str(day.year)


def region(county: str | None) -> str:
	return REGIONS.get(county or "", UNKNOWN)


def generalise(t: Tenure, level: Level) -> tuple[str, str, str, str, str]:
	"""The quasi-identifiers of a tenure at ``level`` (in the order of ``FIELDS``)."""
	place = {"county": t.county or UNKNOWN, "region": region(t.county), "all": ALL}[level.place]
	kind = (t.kind or UNKNOWN) if level.kind == "kind" else ALL
	return (period(t.start, level.dates), period(t.end, level.dates), place, kind, t.reason or "")


@dataclass(frozen=True)
class ExtractRow:
	person_key: str
	start: str
	end: str
	county: str
	kind: str
	reason: str

	def qi(self) -> tuple[str, str, str, str, str]:
		return (self.start, self.end, self.county, self.kind, self.reason)

	def as_dict(self) -> dict:
		return {"person_key": self.person_key, **dict(zip(FIELDS, self.qi(), strict=True))}


@dataclass
class Extract:
	k: int
	granularity: str
	first_year: int
	last_year: int
	as_of: date
	people: int  # consenting people with a tenure in the period
	tenures: int  # their tenures in the period
	rows: list[ExtractRow]
	persons: list[str] = field(repr=False)  # who each row is: for ``verify`` only, never released
	levels: dict[str, int] = field(default_factory=dict)  # rows released per level
	suppressed_rows: int = 0
	suppressed_people: int = 0  # people none of whose tenures could be released
	unlinked_people: int = 0  # people whose tenures were released with separate keys

	@property
	def released_people(self) -> int:
		return len(set(self.persons))

	def summary(self) -> dict:
		"""What the extract did: for its log and its readers (no person in it)."""
		return {
			"k": self.k,
			"granularity": self.granularity,
			"first_year": self.first_year,
			"last_year": self.last_year,
			"as_of": self.as_of.isoformat(),
			"people_in_period": self.people,
			"tenures_in_period": self.tenures,
			"rows_released": len(self.rows),
			"people_released": self.released_people,
			"rows_per_level": dict(self.levels),
			"rows_suppressed": self.suppressed_rows,
			"people_suppressed": self.suppressed_people,
			"people_with_links_withheld": self.unlinked_people,
			"method": "k-anonymity by local recoding (coarsen, then suppress); Kaplan–Meier not used here",
		}


def check_k(k) -> int:
	try:
		k = int(k)
	except (TypeError, ValueError):
		raise DomainError(_("k must be a whole number of at least {0}."), MIN_K, field="k") from None
	if k < MIN_K:
		raise DomainError(
			_("k = {0} is too small: every released combination must hold at least {1} people."),
			k,
			MIN_K,
			field="k",
		)
	return k


def in_period(items: Iterable[Tenure], first: date, last: date) -> list[Tenure]:
	return [t for t in items if t.start <= last and (t.end is None or t.end >= first)]


def make_extract(
	rows: Iterable[Mapping],
	first_year: int,
	last_year: int,
	today: date,
	k: int = DEFAULT_K,
	granularity: str = "year",
	new_key: Callable[[], str] = lambda: secrets.token_hex(8),
) -> Extract:
	"""The k-anonymous extract of the tenures in ``rows`` (those of consenting members only: the caller's
	choice) held on any day of ``first_year``–``last_year``, as the register held them on the last day (or
	today). Refuses (DomainError, nothing made) a k below ``MIN_K``, an unknown granularity, a bad range and a
	period with fewer than k people. A period where every row had to be suppressed gives an extract with no
	rows (``rows == []``): the caller releases nothing."""
	k = check_k(k)
	if granularity not in GRANULARITIES:
		raise DomainError(
			_("Choose the precision of dates: {0}."), ", ".join(GRANULARITIES), field="granularity"
		)
	first_year, last_year = check_years(first_year, last_year, today)
	day = as_of(date(last_year, 12, 31), today)
	items = in_period(tenures(rows, day), date(first_year, 1, 1), day)
	people = {t.person for t in items}
	if len(people) < k:
		raise DomainError(
			_(
				"Only {0} people who consented held a post in {1}–{2}; at least k = {3} are needed. "
				"Nothing is released."
			),
			len(people),
			first_year,
			last_year,
			k,
			field="from_year",
		)
	levels = LEVELS if granularity == "half-year" else LEVELS[1:]
	released: dict[int, tuple] = {}  # index into items -> its QI tuple
	per_level: dict[str, int] = {}
	remaining = list(range(len(items)))
	for level in levels:
		cells: dict[tuple, list[int]] = defaultdict(list)
		for i in remaining:
			cells[generalise(items[i], level)].append(i)
		left_over = []
		for qi, members in cells.items():
			if len({items[i].person for i in members}) >= k:
				for i in members:
					released[i] = qi
				per_level[level.name] = per_level.get(level.name, 0) + len(members)
			else:
				left_over += members
		remaining = left_over
	units = _link(items, released, k)
	keys: set[str] = set()
	out: list[tuple[ExtractRow, str]] = []
	units_of = Counter(items[u[0]].person for u in units)
	for unit in units:
		key = new_key()
		while key in keys:
			key = new_key()
		keys.add(key)
		person = items[unit[0]].person
		for i in unit:
			out.append((ExtractRow(key, *released[i]), person))
	out.sort(key=lambda pair: (*pair[0].qi(), pair[0].person_key))
	extract = Extract(
		k=k,
		granularity=granularity,
		first_year=first_year,
		last_year=last_year,
		as_of=day,
		people=len(people),
		tenures=len(items),
		rows=[r for r, _p in out],
		persons=[p for _r, p in out],
		levels=per_level,
		suppressed_rows=len(remaining),
		suppressed_people=len(people - {items[i].person for i in released}),
		unlinked_people=sum(1 for n in units_of.values() if n > 1),
	)
	verify(extract)
	return extract


def _link(items: Sequence[Tenure], released: Mapping[int, tuple], k: int) -> list[list[int]]:
	"""The released rows grouped into key units: first one unit per person; a unit whose combination of rows
	(its *signature*) fewer than k people share is split into one unit per row, and when fewer than k people
	share a single-row signature, the linked units holding that row are split too, until every signature is
	shared by k people (it ends: with every unit split, a signature is one row, whose cell holds k people)."""
	by_person: dict[str, list[int]] = defaultdict(list)
	for i in sorted(released):
		by_person[items[i].person].append(i)
	units = [rows for _p, rows in sorted(by_person.items())]
	while True:
		groups: dict[tuple, set[str]] = defaultdict(set)
		for u in units:
			groups[_signature(u, released)].add(items[u[0]].person)
		short = {sig for sig, people in groups.items() if len(people) < k}
		if not short:
			return units
		split_rows = {sig[0] for sig in short if len(sig) == 1}
		new_units = []
		changed = False
		for u in units:
			sig = _signature(u, released)
			if len(u) > 1 and (sig in short or split_rows & set(sig)):
				new_units += [[i] for i in u]
				changed = True
			else:
				new_units.append(u)
		units = new_units
		if not changed:  # cannot happen (see above); verify refuses the extract if it did
			return units


def _signature(unit: Sequence[int], released: Mapping[int, tuple]) -> tuple:
	return tuple(sorted(released[i] for i in unit))


def verify(extract: Extract) -> None:
	"""The guarantee, checked on the released rows: every combination of quasi-identifiers holds at least k
	people, and so does every key's whole combination of rows. Raises (nothing may be released) otherwise."""
	k = extract.k
	if k < MIN_K:
		raise DomainError(_("k = {0} is too small."), k)
	cells: dict[tuple, set[str]] = defaultdict(set)
	by_key: dict[str, list[tuple]] = defaultdict(list)
	key_person: dict[str, set[str]] = defaultdict(set)
	for r, person in zip(extract.rows, extract.persons, strict=True):
		cells[r.qi()].add(person)
		by_key[r.person_key].append(r.qi())
		key_person[r.person_key].add(person)
	if any(len(p) != 1 for p in key_person.values()):
		raise DomainError(_("A key of the extract would join two people: nothing is released."))
	signatures: dict[tuple, set[str]] = defaultdict(set)
	for key, qis in by_key.items():
		signatures[tuple(sorted(qis))] |= key_person[key]
	small = [qi for qi, people in cells.items() if len(people) < k] + [
		s for s, people in signatures.items() if len(people) < k
	]
	if small:
		raise DomainError(
			_("The extract would release a combination held by fewer than {0} people: nothing is released."),
			k,
		)


# --- what the extract's columns mean -----------------------------------------------------------------------------
def data_dictionary(k: int, granularity: str) -> list[dict]:
	"""One entry per column of the extract, in bokmål and English."""
	return [
		{
			"column": "person_key",
			"nb": "Tilfeldig nøkkel laget for dette uttrekket. Samme nøkkel binder sammen stillingene til én "
			"person når kombinasjonen av dem deles av minst k personer; ellers har hver stilling sin egen "
			"nøkkel. Nøkkelen kan ikke kobles til andre uttrekk eller til registeret.",
			"en": "A random key made for this extract. One key links the tenures of one person when their "
			"combination is shared by at least k people; otherwise each tenure has its own key. It cannot be "
			"linked to another extract or to the register.",
		},
		{
			"column": "start",
			"nb": "Når stillingen begynte: år (2019), halvår (2019-H1 = januar–juni) eller femårsperiode "
			"(2015–2019) der det trengs for anonymiteten.",
			"en": "When the tenure began: year (2019), half-year (2019-H1 = January–June) or a five-year band "
			"(2015–2019) where anonymity needs it.",
			"values": f"finest precision asked: {granularity}",
		},
		{
			"column": "end",
			"nb": f"Når stillingen sluttet, på samme måte; «{ONGOING}» = fortsatt i stillingen på "
			"uttrekksdatoen.",
			"en": f"When the tenure ended, likewise; '{ONGOING}' = still in post on the extract's date.",
		},
		{
			"column": "county",
			"nb": f"Fylket organisasjonen ligger i (fylkesinndelingen fra 2024), landsdel der det trengs, "
			f"eller «{ALL}» (hele landet); «{UNKNOWN}» når fylket ikke er registrert.",
			"en": f"The organisation's county (2024 counties), its region where needed, or '{ALL}' (all of "
			f"Norway); '{UNKNOWN}' when no county is recorded.",
			"values": ", ".join(sorted({*REGIONS, *REGIONS.values(), ALL, UNKNOWN})),
		},
		{
			"column": "kind",
			"nb": f"Type organisasjon: Kommune, Fylkeskommune eller Bydel; «{ALL}» der det trengs.",
			"en": f"Kind of organisation: Kommune (municipality), Fylkeskommune (county authority) or Bydel "
			f"(city district); '{ALL}' where needed.",
			"values": ", ".join([*KINDS, ALL, UNKNOWN]),
		},
		{
			"column": "reason",
			"nb": "Årsak til at stillingen sluttet: Ny stilling, Pensjon, Konflikt, Annet, Ukjent (ikke "
			"registrert); tom for en stilling som pågår.",
			"en": "Why the tenure ended: Ny stilling (new position), Pensjon (retirement), Konflikt (conflict), "
			"Annet (other), Ukjent (not recorded); empty for an ongoing tenure.",
			"values": ", ".join(REASONS),
		},
		{
			"column": "(guarantee)",
			"nb": f"Hver kombinasjon av start, end, county, kind og reason gjelder minst k = {k} ulike "
			"personer, og det gjør også hver nøkkels samlede kombinasjon. Bare chief executives (kommune-, "
			"fylkeskommune- og bydelsdirektør, rådmann) som har samtykket til forskningsbruk er med.",
			"en": f"Every combination of start, end, county, kind and reason holds at least k = {k} different "
			"people, and so does every key's whole combination. Only chief executives who consented to "
			"research use are included.",
		},
	]
