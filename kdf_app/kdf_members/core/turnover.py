"""Tenure and turnover of chief executives. No Frappe here.

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

The anonymised research extract is kdf_app.kdf_members.core.research_extract.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kdf_app.kdf_members.core.members import ACTIVE, DIRECTOR_TITLES, LEAVING_REASONS, coverage
from kdf_app.kdf_members.core.organisations import OFFICIAL_KINDS
from kdf_app.shared.core.i18n import DomainError, _

UNKNOWN = "Ukjent"  # a position that ended with no reason recorded
REASONS = (*LEAVING_REASONS, UNKNOWN)
KINDS = OFFICIAL_KINDS
DAYS_PER_YEAR = 365.25
METHOD = "Kaplan–Meier"


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
