"""The anonymised research extract of chief executives' tenures. No Frappe here.

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

from kdf_app.kdf_members.core.turnover import KINDS, REASONS, UNKNOWN, Tenure, as_of, check_years, tenures
from kdf_app.shared.core.i18n import DomainError, _

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
