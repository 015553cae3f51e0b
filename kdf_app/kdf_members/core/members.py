"""Members, their positions over time and what can be counted from them."""

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from kdf_app.shared.core.i18n import DomainError, _

TITLES = (
	"Kommunedirektør",
	"Fylkeskommunedirektør",
	"Bydelsdirektør",
	"Rådmann",
	"Assisterende kommunedirektør",
	"Annen toppleder",
)
# The chief executive of the organisation (the person a coverage report counts).
DIRECTOR_TITLES = frozenset({"Kommunedirektør", "Fylkeskommunedirektør", "Bydelsdirektør", "Rådmann"})
# A member's membership status (Member.membership_status)
STATUSES = ACTIVE, RESIGNED, ENDED = ("Aktiv", "Utmeldt", "Avsluttet")
LEAVING_REASONS = ("Ny stilling", "Pensjon", "Konflikt", "Annet")


@dataclass(frozen=True)
class Position:
	organisation: str
	title: str
	from_date: date
	to_date: date | None = None
	reason: str | None = None

	@property
	def is_open(self) -> bool:
		return self.to_date is None


POSITION_FIELDS = ("organisation", "title", "from_date", "to_date", "reason")


def position_rows(history: Iterable) -> list[dict]:
	"""Positions (anything with the five fields) as rows of the Member's position table."""
	return [{f: getattr(p, f) for f in POSITION_FIELDS} for p in history]


def validate_positions(positions: Sequence[Position]) -> None:
	"""A position history is a sequence of non-overlapping periods with at most one still open."""
	for p in positions:
		if not p.organisation:
			raise DomainError(_("Every position needs an organisation."), field="positions")
		if not p.from_date:
			raise DomainError(_("Position at {0} needs a start date."), p.organisation, field="positions")
		if p.to_date and p.to_date < p.from_date:
			raise DomainError(
				_("Position at {0} ends ({1}) before it starts ({2})."),
				p.organisation,
				p.to_date,
				p.from_date,
				field="positions",
			)
		if p.reason and p.reason not in LEAVING_REASONS:
			raise DomainError(_("Unknown reason for leaving: {0}."), p.reason, field="positions")
		if p.reason and not p.to_date:
			raise DomainError(
				_("Position at {0} has a reason for leaving but no end date."),
				p.organisation,
				field="positions",
			)
	open_rows = [p for p in positions if p.is_open]
	if len(open_rows) > 1:
		raise DomainError(
			_("Only one position can be current; close the position at {0} first."),
			open_rows[0].organisation,
			field="positions",
		)
	ordered = sorted(positions, key=lambda p: p.from_date)
	for before, after in itertools.pairwise(ordered):
		if before.to_date is None or before.to_date >= after.from_date:
			raise DomainError(
				_("Positions at {0} and {1} overlap."),
				before.organisation,
				after.organisation,
				field="positions",
			)


def current_position(positions: Iterable[Position]) -> Position | None:
	"""The open row: the latest position, which may start later than today (a change confirmed ahead)."""
	return next((p for p in positions if p.is_open), None)


def position_on(positions: Iterable[Position], day: date) -> Position | None:
	"""The position held on ``day``: begun on or before it and not ended before it."""
	return next(
		(p for p in positions if p.from_date <= day and (p.to_date is None or p.to_date >= day)), None
	)


def in_force(positions: Sequence[Position], today: date) -> Position | None:
	"""The position that gives the member their organisation and title today: the one held today; when none is
	(a first position that starts later), the open one; ``None`` once every position has ended."""
	return position_on(positions, today) or current_position(positions)


def coming_position(positions: Iterable[Position], today: date) -> Position | None:
	"""The next position that starts after ``today`` (a change confirmed ahead of its first day)."""
	later = sorted((p for p in positions if p.from_date > today), key=lambda p: p.from_date)
	return later[0] if later else None


def move_to(
	positions: Sequence[Position], organisation: str, title: str, start: date, reason: str | None = None
) -> list[Position]:
	"""Close the current position the day before ``start`` and open a new one at ``organisation``.

	Returns the new history; the input is not changed."""
	if not organisation:
		raise DomainError(_("Choose the new organisation."), field="organisation")
	if title not in TITLES:
		raise DomainError(_("Unknown title {0}."), title, field="title")
	if reason and reason not in LEAVING_REASONS:
		raise DomainError(_("Unknown reason for leaving: {0}."), reason, field="reason")
	history = list(positions)
	current = current_position(history)
	if current is not None:
		if start <= current.from_date:
			raise DomainError(
				_("The new position must start after the current one (started {0})."),
				current.from_date,
				field="from_date",
			)
		history[history.index(current)] = replace(
			current, to_date=start - timedelta(days=1), reason=reason or "Ny stilling"
		)
	history.append(Position(organisation, title, start))
	validate_positions(history)
	return history


def reconcile(
	positions: Sequence[Position],
	organisation: str | None,
	title: str,
	start: date | None,
	today: date,
	reason: str | None = None,
	stored: tuple[str | None, str | None] | None = None,
) -> tuple[list[Position], bool]:
	"""Bring the history in step with a change of the member's organisation or title.

	``stored`` is the (organisation, title) saved before (``None`` for a new member). Only a change from it is
	a move (with no history yet, any organisation is), and only when it differs from the position in force
	today; so a save that changes neither leaves a position confirmed ahead of its first day alone. A move
	closes the open row and opens a new one from ``start`` (today when ``start`` is missing or not after the
	open row's start). Returns the history and whether it changed."""
	history = list(positions)
	held = in_force(history, today)
	asked = (organisation, title)
	unchanged = stored is not None and asked == tuple(stored) and bool(history)
	if not organisation or unchanged or (held and (held.organisation, held.title) == asked):
		validate_positions(history)
		return history, False
	current = current_position(history)
	if start is None or (current is not None and start <= current.from_date):
		start = today
	return move_to(history, organisation, title, start, reason), True


def due_updates(members: Iterable[Mapping], positions: Iterable[Mapping], today: date) -> list[str]:
	"""The members whose organisation or title is not the one their history gives for ``today``: a position
	that began, or ended, since they were last saved (the daily job saves them). ``members``: dicts with
	name, organisation, title; ``positions``: dicts with parent, organisation, title, from_date, to_date."""
	by_member: dict[str, list[Position]] = defaultdict(list)
	for p in positions:
		if p.get("from_date"):
			by_member[p["parent"]].append(
				Position(p.get("organisation"), p.get("title"), p["from_date"], p.get("to_date"))
			)
	due = []
	for m in members:
		history = by_member.get(m["name"])
		if not history:
			continue
		held = in_force(history, today)
		expected = (held.organisation, held.title) if held else (None, m.get("title"))
		if (m.get("organisation") or None, m.get("title")) != expected:
			due.append(m["name"])
	return sorted(due)


# --- membership dues ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DuesLine:
	member: str
	member_name: str
	title: str


@dataclass(frozen=True)
class DuesInvoice:
	organisation: str
	year: int
	lines: tuple[DuesLine, ...]


def plan_dues(members: Iterable[dict], year: int, already_invoiced: Iterable[str] = ()) -> list[DuesInvoice]:
	"""One invoice per organisation paying for at least one active member, skipping organisations that
	already have a dues invoice for ``year``. ``members`` are dicts with name, member_name, title,
	organisation, membership_status."""
	done = set(already_invoiced)
	by_org: dict[str, list[DuesLine]] = defaultdict(list)
	for m in members:
		if m.get("membership_status") != ACTIVE or not m.get("organisation"):
			continue
		if m["organisation"] in done:
			continue
		by_org[m["organisation"]].append(
			DuesLine(m["name"], m.get("member_name") or m["name"], m.get("title"))
		)
	return [
		DuesInvoice(org, year, tuple(sorted(lines, key=lambda line: line.member)))
		for org, lines in sorted(by_org.items())
	]


# --- reports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
	group: str
	organisations: int
	covered: int

	@property
	def share(self) -> float:
		return round(100.0 * self.covered / self.organisations, 1) if self.organisations else 0.0


def coverage(
	organisations: Iterable[dict], members: Iterable[dict], kinds=("Kommune", "Fylkeskommune")
) -> tuple[list[CoverageRow], CoverageRow]:
	"""Share of organisations whose chief executive is an active member, per county and overall.

	``organisations``: dicts with name, kind, county; ``members``: dicts with organisation, title,
	membership_status."""
	covered_orgs = {
		m["organisation"]
		for m in members
		if m.get("membership_status") == ACTIVE
		and m.get("title") in DIRECTOR_TITLES
		and m.get("organisation")
	}
	per_county: dict[str, list[int]] = defaultdict(lambda: [0, 0])
	for org in organisations:
		if org.get("kind") not in kinds:
			continue
		counts = per_county[org.get("county") or "—"]
		counts[0] += 1
		counts[1] += org["name"] in covered_orgs
	rows = [CoverageRow(county, n, c) for county, (n, c) in sorted(per_county.items())]
	total = CoverageRow("Total", sum(r.organisations for r in rows), sum(r.covered for r in rows))
	return rows, total


@dataclass(frozen=True)
class TurnoverRow:
	year: int
	started: int
	left: int
	reasons: dict


def turnover(positions: Iterable[dict], titles=DIRECTOR_TITLES) -> list[TurnoverRow]:
	"""Directors who started and left a position per year, with the reasons for leaving.

	``positions``: dicts with title, from_date, to_date, reason (dates as ``date``)."""
	started: Counter = Counter()
	left: Counter = Counter()
	reasons: dict[int, Counter] = defaultdict(Counter)
	for p in positions:
		if p.get("title") not in titles:
			continue
		if p.get("from_date"):
			started[p["from_date"].year] += 1
		if p.get("to_date"):
			year = p["to_date"].year
			left[year] += 1
			reasons[year][p.get("reason") or "Ukjent"] += 1
	years = sorted(set(started) | set(left))
	return [TurnoverRow(y, started[y], left[y], dict(reasons[y])) for y in years]
