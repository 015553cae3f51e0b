"""Mentoring, guidance and legal-advice cases: matching without conflicts of interest, retention."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kdf_app.kdf_programmes.core.sessions import clean_text
from kdf_app.shared.core.i18n import DomainError, _

CASE_TYPES = ("Mentorordning", "Veiledning", "Juridisk bistand")
REQUEST_LIMIT = 4000


def check_request(case_type: str, request: str | None) -> str:
	"""A member's request from the portal: a known type and some text. Returns the text, free of markup."""
	if case_type not in CASE_TYPES:
		raise DomainError(_("Choose what you need help with."), field="case_type")
	text = clean_text(request, limit=REQUEST_LIMIT)
	if not text:
		raise DomainError(_("Tell us briefly what you need."), field="request")
	return text


STATUSES = ("Mottatt", "Under vurdering", "Tildelt", "Aktiv", "Avsluttet", "Avvist")
RECEIVED, REVIEWING, ASSIGNED, ACTIVE, CLOSED, REJECTED = STATUSES
LOAD_STATUSES = frozenset({"Tildelt", "Aktiv"})  # what counts against a mentor's capacity
CLOSED_STATUSES = frozenset({"Avsluttet", "Avvist"})
TRANSITIONS = {
	"Mottatt": {"Under vurdering", "Avvist"},
	"Under vurdering": {"Tildelt", "Avvist"},
	"Tildelt": {"Aktiv", "Avsluttet", "Under vurdering"},
	"Aktiv": {"Avsluttet"},
	"Avsluttet": set(),
	"Avvist": set(),
}


def check_transition(old: str | None, new: str) -> None:
	if new not in STATUSES:
		raise DomainError(_("Unknown case status {0}."), new)
	if old is None or old == new:
		return
	if new not in TRANSITIONS.get(old, set()):
		raise DomainError(_("A case cannot go from {0} to {1}."), old, new)


@dataclass(frozen=True)
class MentorCandidate:
	name: str
	member: str | None  # when the mentor is a member
	organisations: frozenset[str]  # where the mentor works or has worked
	region: str | None
	capacity: int
	active_cases: int
	case_types: frozenset[str]


@dataclass(frozen=True)
class Suggestion:
	mentor: str
	same_region: bool
	free_capacity: int


@dataclass(frozen=True)
class Exclusion:
	mentor: str
	reasons: tuple[str, ...] = field(default_factory=tuple)


def match(
	candidates: Iterable[MentorCandidate],
	case_type: str,
	member: str,
	member_organisations: Iterable[str],
	member_region: str | None = None,
) -> tuple[list[Suggestion], list[Exclusion]]:
	"""Mentors who may take the case, best first (same region, then most free capacity), and the excluded
	ones with why. ``member_organisations`` are the member's current and former employers."""
	mine = set(member_organisations)
	ok, excluded = [], []
	for c in candidates:
		reasons = []
		if c.member and c.member == member:
			reasons.append(_("is the member"))
		if c.organisations & mine:
			reasons.append(_("same organisation as the member now or before"))
		if c.active_cases >= c.capacity:
			reasons.append(_("at capacity"))
		if case_type not in c.case_types:
			reasons.append(_("does not offer {0}").format(case_type))
		if reasons:
			excluded.append(Exclusion(c.name, tuple(reasons)))
		else:
			ok.append(
				Suggestion(
					c.name, bool(member_region and c.region == member_region), c.capacity - c.active_cases
				)
			)
	ok.sort(key=lambda s: (not s.same_region, -s.free_capacity, s.mentor))
	return ok, excluded


def due_for_anonymisation(closed_on: date | None, today: date, years: int) -> bool:
	"""Closed cases are anonymised ``years`` after they were closed."""
	if not closed_on or years <= 0:
		return False
	try:
		limit = closed_on.replace(year=closed_on.year + years)
	except ValueError:  # 29 February
		limit = closed_on.replace(year=closed_on.year + years, day=28)
	return today >= limit


# What anonymisation clears; the name-free statistics (type, status, year, conflict-related, topic, dates) stay.
ANONYMISED_FIELDS = ("member", "mentor", "request", "closing_summary")


def status_dates(
	status: str, start: date | None, end: date | None, today: date
) -> tuple[date | None, date | None]:
	"""A case gets its start date when it becomes active and its end date when it is closed."""
	if status == "Aktiv" and not start:
		start = today
	if status in CLOSED_STATUSES and not end:
		end = today
	return start, end
