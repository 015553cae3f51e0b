"""Evaluations after a session: who is asked, when, what a valid answer is, and the results. No Frappe here.

Each participant who attended (*Deltok*) is sent one link with a random key (``new_key``; only its hash is
stored, ``key_hash``) once the session is over, and one reminder after the number of days set in KDF Settings
while they have not answered and the evaluation is open. An answer is accepted once. When the session's
evaluation is anonymous the answer is stored without any link to the registration or the member, and results
are shown only from ``MIN_ANONYMOUS_ANSWERS`` answers on, so a single answer cannot be tied to the one
participant marked as having answered, and only once the evaluation has closed: while it is open, comparing the
results before and after one more participant is marked as having answered would give away that answer.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean

from kdf_app.kdf_programmes.core.sessions import format_date_no
from kdf_app.shared.core.i18n import DomainError, _

SCORES = (1, 2, 3, 4, 5)
MIN_ANONYMOUS_ANSWERS = 3
DEFAULT_OPEN_DAYS = 14
DEFAULT_REMINDER_DAYS = 4
KEY_BYTES = 32  # 256 bits: unguessable
TEXT_LIMIT = 2000


def new_key() -> str:
	return secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
	return hashlib.sha256(str(key or "").encode("utf-8")).hexdigest()


def closes_on(ends_on: datetime, open_days: int) -> datetime:
	return ends_on + timedelta(days=int(open_days or 0))


def is_open(ends_on: datetime | None, open_days: int | None, now: datetime) -> bool:
	"""Open from the end of the session for ``open_days`` days (0 or empty: the session is not evaluated)."""
	if not ends_on or not open_days or int(open_days) <= 0:
		return False
	return ends_on <= now <= closes_on(ends_on, open_days)


def check_open(ends_on: datetime | None, open_days: int | None, now: datetime) -> None:
	if not ends_on or not open_days or int(open_days) <= 0:
		raise DomainError(_("This session has no evaluation."))
	if now < ends_on:
		raise DomainError(_("The evaluation opens when the session is over."))
	if now > closes_on(ends_on, open_days):
		raise DomainError(_("The evaluation closed on {0}."), format_date_no(closes_on(ends_on, open_days)))


def due_reminder(
	sent_on: datetime | None, reminded_on: datetime | None, answered: bool, reminder_days: int, now: datetime
) -> bool:
	"""One reminder, ``reminder_days`` after the invitation, to someone who has not answered."""
	if answered or not sent_on or reminded_on or int(reminder_days or 0) <= 0:
		return False
	return now >= sent_on + timedelta(days=int(reminder_days))


@dataclass(frozen=True)
class Answer:
	overall: int
	scores: dict[str, int]  # agenda item → score
	comments: str
	takeaway: str


def _score(value, label: str) -> int:
	try:
		n = int(str(value).strip())
	except (TypeError, ValueError):
		raise DomainError(_("Give {0} a score from 1 to 5."), label) from None
	if n not in SCORES:
		raise DomainError(_("Give {0} a score from 1 to 5."), label)
	return n


def check_answer(
	items: list[str], overall, scores: dict, comments: str, takeaway: str, overall_label: str = "overall"
) -> Answer:
	"""A valid answer: an overall score 1–5 and, per agenda item, a score 1–5 or none (did not attend that
	part); no item that is not on the agenda."""
	unknown = [k for k in (scores or {}) if k not in items]
	if unknown:
		raise DomainError(_("{0} is not on the agenda of this session."), unknown[0])
	given = {}
	for item in items:
		value = (scores or {}).get(item)
		if value in (None, "", 0, "0"):
			continue
		given[item] = _score(value, item)
	if len(comments or "") > TEXT_LIMIT or len(takeaway or "") > TEXT_LIMIT:
		raise DomainError(_("The text is too long (at most {0} characters)."), TEXT_LIMIT)
	return Answer(_score(overall, overall_label), given, comments or "", takeaway or "")


def check_not_answered(answered: bool) -> None:
	if answered:
		raise DomainError(_("You have already answered this evaluation. Thank you!"))


@dataclass(frozen=True)
class ItemResult:
	item: str
	average: float | None
	answers: int


@dataclass(frozen=True)
class Results:
	invited: int
	answered: int
	overall: ItemResult
	items: list[ItemResult]
	shown: bool  # False: anonymous with too few answers to show without identifying anyone

	@property
	def answer_rate(self) -> float:
		return round(100.0 * self.answered / self.invited, 1) if self.invited else 0.0


def _avg(values: list[int]) -> float | None:
	return round(mean(values), 2) if values else None


def anonymous_results_shown(answers: int, closed: bool) -> bool:
	"""Whether an anonymous evaluation's results (and comments) may be shown: enough answers, and no more to
	come (``closed``), so no later answer can be singled out by comparing the results before and after it."""
	return closed and answers >= MIN_ANONYMOUS_ANSWERS


def results(
	items: list[str],
	answers: list[tuple[int, dict[str, int]]],
	invited: int,
	anonymous: bool,
	closed: bool = True,
) -> Results:
	"""Averages per agenda item (in agenda order) and overall; ``answers`` as (overall, {item: score}).
	``closed``: no more answers can come (see ``anonymous_results_shown``)."""
	shown = not anonymous or anonymous_results_shown(len(answers), closed)
	overall = [a[0] for a in answers if a[0]]
	per_item = []
	for item in items:
		values = [a[1][item] for a in answers if a[1].get(item)]
		per_item.append(ItemResult(item, _avg(values) if shown else None, len(values) if shown else 0))
	return Results(
		invited=invited,
		answered=len(answers),
		overall=ItemResult("overall", _avg(overall) if shown else None, len(overall) if shown else 0),
		items=per_item,
		shown=shown,
	)


def agenda_items(rows: list[tuple[str | None, str | None]]) -> list[str]:
	"""The agenda's titles to score, in order, each once (rows as (title, time)); empty titles left out."""
	seen, out = set(), []
	for title, _time in rows:
		t = (title or "").strip()
		if t and t not in seen:
			seen.add(t)
			out.append(t)
	return out
