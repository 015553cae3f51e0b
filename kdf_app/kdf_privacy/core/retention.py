"""Retention of former members' personal data (GDPR art. 5(1)(e)) against the Bokføringsloven. No Frappe here.

Definitions (the daily job in kdf_app.kdf_privacy.services.retention applies them):

- A member **left** on their *leaving date*: only a former member (status Utmeldt or Avsluttet) has one. It is
  the later of the day the membership ended (``Member.membership_ended_on``, set when the status leaves
  *Aktiv*) and — when no position is still open — the end of the last position in the history. When neither
  is known there is no leaving date and nothing is anonymised (the run's log says so).
- A former member is **due** ``years`` after the leaving date (KDF Settings → *Anonymise Former Members After
  (Years)*; 0 or empty switches it off).
- **Accounting records are kept** until the end of the ``accounting_years``-th year after the year of the
  invoice (Bokføringsloven § 13: five years after the end of the financial year; KDF's financial year is the
  calendar year). Sales Invoices, their lines and the General Ledger are never changed. A registration that an
  invoice inside that period rests on keeps what the books need (participant's name and title, paying
  organisation, invoice reference) until the period is over; everything else about the member goes at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kdf_app.kdf_members.core.members import ENDED, RESIGNED

FORMER_STATUSES = frozenset({RESIGNED, ENDED})
ANONYMOUS = "Anonymisert"
DEFAULT_ACCOUNTING_YEARS = 5  # Bokføringsloven § 13 (1)
# the Retention Log: a run's own line, or one per member with what happened to them
LOG_TYPES = RUN_LOG, MEMBER_LOG = ("Run", "Member")
LOG_ACTIONS = RUN, ANONYMISED, RELEASED, FAILED = ("Run", "Anonymised", "Registrations Released", "Failed")

# What anonymisation clears on the Member (the position history stays: organisation, title, dates and reason
# are the name-free statistics of the turnover and coverage reports).
MEMBER_CLEARED = ("email", "mobile", "user", "leaving_reason")
# What goes from every registration at once (not needed by the books: health data, free text).
REGISTRATION_CLEARED = (
	"dietary_needs",
	"deadline_override_reason",
	"topic",
	"participant_email",
	"participant_mobile",
)
# What goes from the member's membership applications and change requests (the rest — organisation, title,
# dates, status — is name-free once the person is gone).
APPLICATION_CLEARED = ("email", "mobile", "reject_reason")
CHANGE_REQUEST_CLEARED = ("user", "note", "reject_reason")
# What goes from the member's named (not anonymous) evaluation answers: the name and the free text; the
# scores stay in the session's results.
EVALUATION_CLEARED = ("comments", "takeaway")
# What goes from a registration once no invoice inside the accounting period rests on it.
REGISTRATION_BOOKS = ("member_name", "member_title", "invoice_reference", "participant_title")


def add_years(day: date, years: int) -> date:
	try:
		return day.replace(year=day.year + years)
	except ValueError:  # 29 February
		return day.replace(year=day.year + years, day=28)


def leaving_date(
	status: str | None,
	membership_ended_on: date | None,
	position_ends: Iterable[date | None],
) -> date | None:
	"""The day a former member left, or None (an active member, or nothing known).

	``position_ends``: the ``to_date`` of every position in the member's history (None for an open one)."""
	if status not in FORMER_STATUSES:
		return None
	ends = list(position_ends)
	known = [membership_ended_on] if membership_ended_on else []
	if ends and all(e is not None for e in ends):
		known.append(max(ends))
	return max(known) if known else None


def due(left_on: date | None, today: date, years: int | None) -> bool:
	"""Whether a former member who left on ``left_on`` is anonymised on ``today``."""
	if not left_on or not years or years <= 0:
		return False
	return today >= add_years(left_on, years)


DEFAULT_DIETARY_DAYS = 30


def dietary_due(session_ended_on: date | None, today: date, days: int | None) -> bool:
	"""Dietary needs and allergies are health data, needed for the session only: cleared from every
	registration (member or not) once ``days`` have passed since the session ended. ``None`` (a site that never
	saved the setting) is the default; 0 switches it off."""
	days = DEFAULT_DIETARY_DAYS if days is None else days
	if not session_ended_on or days <= 0:
		return False
	return today > session_ended_on + timedelta(days=days)


# What goes from a non-member participant's registration once the retention period has passed since the
# session (the same years as former members'); their name, title and the invoice reference stay as long as an
# invoice inside the accounting period rests on it. The organisation's Contact is the customer's business data
# (ERPNext's CRM) and is left to the secretariat.
CONTACT_REGISTRATION_BOOKS = ("participant_name", "participant_title", "invoice_reference")


def books_kept_until(posting_date: date, accounting_years: int | None) -> date:
	"""The last day an invoice dated ``posting_date`` must be kept (end of its year + the period)."""
	years = accounting_years if accounting_years and accounting_years > 0 else DEFAULT_ACCOUNTING_YEARS
	return date(posting_date.year + years, 12, 31)


def books_need(posting_dates: Iterable[date | None], today: date, accounting_years: int | None) -> bool:
	"""Whether any of these invoices is still inside the accounting period on ``today``."""
	return any(d and today <= books_kept_until(d, accounting_years) for d in posting_dates)


def placeholder(member: str) -> str:
	"""The anonymised member's name in their Contact and, when it cannot be deleted, portal login."""
	return f"anonymisert-{member.lower()}@kdf.invalid"


@dataclass(frozen=True)
class Decision:
	member: str
	left_on: date | None
	action: str  # "anonymise", "not yet", "no leaving date"


def decide(
	member: str,
	status: str | None,
	membership_ended_on: date | None,
	position_ends: Iterable[date | None],
	today: date,
	years: int | None,
) -> Decision:
	"""What the daily run does with one not yet anonymised former member."""
	left = leaving_date(status, membership_ended_on, position_ends)
	if left is None:
		return Decision(member, None, "no leaving date")
	return Decision(member, left, "anonymise" if due(left, today, years) else "not yet")


def membership_ended_on(
	old_status: str | None, new_status: str | None, recorded: date | None, today: date
) -> date | None:
	"""The Member's *Membership Ended On* after a save: set to today when the status leaves Aktiv (or a new
	record is saved as former) and nothing is recorded; kept when the secretariat recorded a date; cleared when
	the member is Aktiv again."""
	if new_status not in FORMER_STATUSES:
		return None
	if recorded:
		return recorded
	if old_status in FORMER_STATUSES:
		return None  # already former before and no date recorded: unknown, not today
	return today
