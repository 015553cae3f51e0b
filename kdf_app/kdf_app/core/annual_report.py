"""The annual report (årsmelding) for the landsmøte: the year's membership and case counts. No Frappe here.

Membership over time is read from each member's *member since* date and, for a former member, the leaving date
(kdf_app.kdf_privacy.core.retention.leaving_date: the later of *membership ended on* and the end of the last position):
a member counts on a day when they joined on or before it and their membership had not ended by then (an
active member has not ended; a former member whose end is not recorded is not counted on any day — the
report shows how many such records there are). So members at the start of the year + new − left = members
at the end of the year, always.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

ACTIVE = "Aktiv"
CLOSED_CASE_STATUSES = frozenset({"Avsluttet", "Avvist"})


def _member_on(m: Mapping, day: date) -> bool:
	since = m.get("member_since")
	if not since or since > day:
		return False
	if m.get("membership_status") == ACTIVE:
		return True
	ended = m.get("membership_ended_on")
	return bool(ended) and ended > day


def members_on(members: Iterable[Mapping], day: date) -> set[str]:
	"""The names of those who were members on ``day`` (the rule above)."""
	return {m["name"] for m in members if _member_on(m, day)}


@dataclass(frozen=True)
class Membership:
	year: int
	at_start: int
	new: int
	left: int
	at_end: int
	unknown_end: int  # former members without a recorded end (not counted anywhere)


def membership(members: Iterable[Mapping], year: int) -> Membership:
	"""``members``: dicts with member_since, membership_status and membership_ended_on (dates)."""
	members = list(members)
	start, end = date(year - 1, 12, 31), date(year, 12, 31)
	first = date(year, 1, 1)
	new = sum(1 for m in members if m.get("member_since") and first <= m["member_since"] <= end)
	left = 0
	unknown = 0
	for m in members:
		if m.get("membership_status") == ACTIVE:
			continue
		ended = m.get("membership_ended_on")
		if not ended:
			unknown += 1
		elif first <= ended <= end and m.get("member_since") and m["member_since"] <= end:
			left += 1
	return Membership(
		year,
		sum(1 for m in members if _member_on(m, start)),
		new,
		left,
		sum(1 for m in members if _member_on(m, end)),
		unknown,
	)


@dataclass(frozen=True)
class CaseCounts:
	opened: dict[str, int] = field(default_factory=dict)
	closed: dict[str, int] = field(default_factory=dict)


def cases(rows: Iterable[Mapping], year: int) -> CaseCounts:
	"""Cases opened (their ``year``) and closed (status closed, ``end_date`` in the year) per type: counts only.

	``rows``: dicts with case_type, status, year and end_date."""
	opened: Counter = Counter()
	closed: Counter = Counter()
	for r in rows:
		if r.get("year") and int(r["year"]) == year:
			opened[r.get("case_type") or ""] += 1
		end = r.get("end_date")
		if r.get("status") in CLOSED_CASE_STATUSES and end and end.year == year:
			closed[r.get("case_type") or ""] += 1
	return CaseCounts(dict(opened), dict(closed))
