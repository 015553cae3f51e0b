"""Topplederprogram sessions: prices, seats, the waitlist and who may register when.

All amounts are Decimals in NOK; every price, date and capacity comes in as data."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from kdf_app.shared.core.i18n import DomainError, _

# Session status
DRAFT, OPEN, FULL, CLOSED, HELD, CANCELLED = (
	"Utkast",
	"Åpen for påmelding",
	"Full",
	"Påmelding stengt",
	"Gjennomført",
	"Avlyst",
)
SESSION_STATUSES = (DRAFT, OPEN, FULL, CLOSED, HELD, CANCELLED)
KINDS = ("Topplederprogram", "Topplederkonferanse", "Temasamling/workshop")

# Registration status
CONFIRMED, WAITLISTED, CANCELLED_REG, ATTENDED, NO_SHOW = (
	"Bekreftet",
	"Venteliste",
	"Avmeldt",
	"Deltok",
	"Ikke møtt",
)
REGISTRATION_STATUSES = (CONFIRMED, WAITLISTED, CANCELLED_REG, ATTENDED, NO_SHOW)
SEAT_HOLDING = frozenset({CONFIRMED, ATTENDED, NO_SHOW})  # statuses that occupy a seat
LIVE = frozenset({CONFIRMED, WAITLISTED, ATTENDED, NO_SHOW})  # a member can have one of these per session

# Who a registration is for: a member, or a person of an organisation (a Contact of the paying Customer)
MEMBER_PARTICIPANT, CONTACT_PARTICIPANT = "Medlem", "Kontakt"
PARTICIPANT_TYPES = (MEMBER_PARTICIPANT, CONTACT_PARTICIPANT)
# Who may register for a session (data on the session)
MEMBERS_ONLY, MEMBERS_AND_TEAMS, OPEN_TO_ALL = "Kun medlemmer", "Medlemmer og ledergrupper", "Åpen"
PARTICIPANTS_ALLOWED = (MEMBERS_ONLY, MEMBERS_AND_TEAMS, OPEN_TO_ALL)

FEE, PACKAGE, EXTRA_NIGHT, DISCOUNT = "fee", "package", "extra_night", "combination_discount"


CENT = Decimal("0.01")


def money(value) -> Decimal:
	"""NOK to the øre, half up (as on Norwegian invoices). The one rounding rule of the pure rules."""
	return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceLine:
	code: str
	description: str
	amount: Decimal


@dataclass(frozen=True)
class SessionPrices:
	participant_fee: Decimal
	packages: Mapping[str, Decimal]  # stay package -> price in this session
	extra_night: Decimal = Decimal(0)
	combination_discount: Decimal = Decimal(0)
	has_linked_session: bool = False
	non_member_fee: Decimal | None = None  # None: the same as the member fee


def participant_fee(prices: SessionPrices, participant_type: str = MEMBER_PARTICIPANT) -> Decimal:
	"""The fee per participant category: the member fee, or the session's non-member fee for a contact."""
	if participant_type == CONTACT_PARTICIPANT and prices.non_member_fee is not None:
		return money(prices.non_member_fee)
	return money(prices.participant_fee)


# the descriptions of the price lines that are not a stay package's name (translated when stored)
FEE_LABEL = _("Participant fee")
DISCOUNT_LABEL = _("Discount for attending both sessions")
EXTRA_NIGHT_LABEL = _("Extra night before the session")
PRICE_LABELS = (FEE_LABEL, DISCOUNT_LABEL, EXTRA_NIGHT_LABEL)


def format_nok(amount) -> str:
	"""Money as KDF writes it in Norwegian (e-mails, portal): ``kr 10 000,00``, with no-break spaces."""
	text = f"{money(amount):,.2f}".replace(",", "\u00a0").replace(".", ",")
	return f"kr\u00a0{text}"


MONTHS = (
	"januar",
	"februar",
	"mars",
	"april",
	"mai",
	"juni",
	"juli",
	"august",
	"september",
	"oktober",
	"november",
	"desember",
)
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")


def format_date_no(value, time: bool = False, weekday: bool = False, year: bool = True) -> str:
	"""A date as KDF writes it in Norwegian on the portal, whatever the site's date format or the reader's
	language: ``2. desember 2026``; ``time`` adds `` kl. 09:30``, ``weekday`` puts ``onsdag`` first. Takes a
	date, a datetime or ISO text (as the database gives it); empty for nothing."""
	if value is None or value == "":
		return ""
	if isinstance(value, str):
		value = datetime.fromisoformat(value.strip().replace("T", " ")[:26])
	text = f"{value.day}. {MONTHS[value.month - 1]}" + (f" {value.year}" if year else "")
	if weekday:
		text = f"{WEEKDAYS[value.weekday()]} {text}"
	if time and isinstance(value, datetime):
		text += f" kl. {value.hour:02d}:{value.minute:02d}"
	return text


def date_range_no(start: date, end: date, year: bool = True) -> str:
	"""Two dates as one span, in Norwegian: ``25.–26. november 2026``, ``30. november–1. desember 2026``,
	``31. desember 2026–2. januar 2027``; without ``year`` (a session's own dates, its year understood)
	``6.–7. september``, ``31. desember–1. januar``; one day alone when they are the same."""
	if start == end:
		return format_date_no(start, year=year)
	if (start.year, start.month) == (end.year, end.month):
		return f"{start.day}.–{format_date_no(end, year=year)}"
	return f"{format_date_no(start, year=year and start.year != end.year)}–{format_date_no(end, year=year)}"


def price_registration(
	prices: SessionPrices,
	stay_package: str | None = None,
	extra_night: bool = False,
	with_linked_session: bool = False,
	known_packages: Iterable[str] | None = None,
	participant_type: str = MEMBER_PARTICIPANT,
) -> tuple[list[PriceLine], Decimal]:
	"""fee (member or non-member) + package + extra night − combination discount (the discount is on the
	package, never more). Packages and the extra night cost the same for every participant."""
	lines = [PriceLine(FEE, FEE_LABEL, participant_fee(prices, participant_type))]
	if stay_package:
		if stay_package not in prices.packages:
			if known_packages is not None and stay_package not in set(known_packages):
				raise DomainError(_("Unknown stay package {0}."), stay_package, field="stay_package")
			raise DomainError(
				_("Stay package {0} is not offered in this session."), stay_package, field="stay_package"
			)
		package_price = money(prices.packages[stay_package])
		lines.append(PriceLine(PACKAGE, stay_package, package_price))
		if with_linked_session:
			if not prices.has_linked_session:
				raise DomainError(
					_("This session has no linked session to attend as well."), field="with_linked_session"
				)
			discount = min(money(prices.combination_discount), package_price)
			if discount:
				lines.append(PriceLine(DISCOUNT, DISCOUNT_LABEL, -discount))
	elif with_linked_session and not prices.has_linked_session:
		raise DomainError(
			_("This session has no linked session to attend as well."), field="with_linked_session"
		)
	if extra_night:
		if not prices.extra_night:
			raise DomainError(_("This session offers no extra night."), field="extra_night")
		lines.append(PriceLine(EXTRA_NIGHT, EXTRA_NIGHT_LABEL, money(prices.extra_night)))
	return lines, sum((line.amount for line in lines), Decimal("0.00"))


def split_package(amount: Decimal, accommodation_percent) -> tuple[Decimal, Decimal]:
	"""Split a package price into (accommodation, food) by the accommodation share; the øre add up."""
	accommodation = money(money(amount) * Decimal(str(accommodation_percent or 0)) / 100)
	return accommodation, money(amount) - accommodation


# --- who may register ----------------------------------------------------------------------------


# Where registration for a session stands, as the portal says it (programme list, session page)
REG_OPEN, REG_FULL, REG_CLOSED, REG_PAST, REG_CANCELLED, REG_NOT_OPEN = (
	"open",
	"full",
	"closed",
	"past",
	"cancelled",
	"not_open",
)
TAKES_REGISTRATIONS = frozenset({REG_OPEN, REG_FULL})  # FULL: a new registration goes on the waitlist


def registration_state(
	status: str, deadline: datetime | None, now: datetime, ends_on: datetime | None = None
) -> str:
	"""The one rule for whether a session takes registrations now: ``check_open_for_registration`` refuses
	unless it is ``open`` or ``full``, and the portal's programme list and session page show the same state.
	``past`` is a session that is held (or, given ``ends_on``, has ended); the deadline is before the start,
	so an ended session is past its deadline too."""
	if status == CANCELLED:
		return REG_CANCELLED
	if status == DRAFT:
		return REG_NOT_OPEN
	if status == HELD or (ends_on is not None and now > ends_on):
		return REG_PAST
	if status == CLOSED or (deadline is not None and now > deadline):
		return REG_CLOSED
	return REG_FULL if status == FULL else REG_OPEN


def check_open_for_registration(
	status: str, deadline: datetime | None, now: datetime, override_reason: str | None = None
) -> None:
	state = registration_state(status, deadline, now)
	if state == REG_CANCELLED:
		raise DomainError(_("The session is cancelled."), field="session")
	if state in (REG_NOT_OPEN, REG_PAST):
		raise DomainError(_("The session is not open for registration."), field="session")
	if state == REG_CLOSED and not (override_reason or "").strip():
		raise DomainError(
			_("The registration deadline has passed; the secretariat can register you with a reason."),
			field="session",
		)


def check_participant_allowed(
	allowed: str | None, participant_type: str, registered_by_member: bool, name: str = ""
) -> None:
	"""A session says who may register: members only, members and their leadership teams (a non-member
	registered by a member of the same organisation), or open to everyone."""
	allowed = allowed or MEMBERS_ONLY
	if participant_type not in PARTICIPANT_TYPES:
		raise DomainError(_("Unknown participant type {0}."), participant_type, field="participant_type")
	if participant_type == MEMBER_PARTICIPANT:
		return
	if allowed == MEMBERS_ONLY:
		raise DomainError(
			_("This session is for members only: {0} is not a member and cannot be registered."),
			name,
			field="participant_type",
		)
	if allowed == MEMBERS_AND_TEAMS and not registered_by_member:
		raise DomainError(
			_(
				"This session is for members and their leadership teams: {0} must be registered by a member "
				"of the same organisation."
			),
			name,
			field="registered_by",
		)


def check_session_participants(allowed: str | None, member_fee, non_member_fee) -> None:
	"""A session open to non-members needs their fee (it may be 0 only when the member fee is 0 too)."""
	if (allowed or MEMBERS_ONLY) != MEMBERS_ONLY and money(member_fee) and not money(non_member_fee):
		raise DomainError(
			_("Set the non-member fee: this session is open to participants who are not members."),
			field="non_member_fee",
		)


def normalise_email(value: str | None) -> str:
	return (value or "").strip().lower()


@dataclass(frozen=True)
class GroupRow:
	"""One participant of a group registration, as the registering member gave it."""

	name: str
	email: str
	organisation: str | None = None  # the organisation the row claims (None: the registering member's)
	is_self: bool = False
	row: int | None = None  # the row's number in the form (1, 2, …), which the messages name


def check_group(rows: Iterable[GroupRow], organisation: str, max_size: int = 50) -> None:
	"""A group registration: at least one participant, no one twice, all from the registering member's own
	organisation, each with a name and an e-mail address. Raises on the first problem, before anything is
	saved."""
	rows = list(rows)
	if not rows:
		raise DomainError(_("Add at least one participant."), field="participants")
	if len(rows) > max_size:
		raise DomainError(_("A group can have at most {0} participants."), max_size, field="participants")
	seen: dict[str, str] = {}
	for row in rows:
		if not row.is_self:
			name, email = (row.name or "").strip(), normalise_email(row.email)
			if row.row is not None and not name and not email:  # nothing is ever left out unsaid
				raise DomainError(
					_("Row {0} has no name or e-mail address: fill it in, or remove the row."),
					row.row,
					field="participants",
				)
			if not name:
				if row.row is not None:
					raise DomainError(
						_("Row {0} ({1}): give the participant's name."), row.row, email, field="participants"
					)
				raise DomainError(_("Give the name of each participant."), field="participants")
			if not email or "@" not in email or " " in email:
				if row.row is not None:
					raise DomainError(
						_("Row {0} ({1}): give a valid e-mail address."), row.row, name, field="participants"
					)
				raise DomainError(_("{0}: give a valid e-mail address."), row.name, field="participants")
		if row.organisation and row.organisation != organisation:
			raise DomainError(
				_("{0} is from another organisation: you can register colleagues from {1} only."),
				row.name,
				organisation,
				field="participants",
			)
		key = normalise_email(row.email)
		if key in seen:
			raise DomainError(
				_("{0} is in the group twice (the same e-mail address as {1})."),
				row.name,
				seen[key],
				field="participants",
			)
		seen[key] = row.name


def group_outcome(statuses: Iterable[str]) -> tuple[int, int]:
	"""(confirmed, waitlisted) of a group's seat decisions."""
	statuses = list(statuses)
	return sum(s == CONFIRMED for s in statuses), sum(s == WAITLISTED for s in statuses)


@dataclass(frozen=True)
class Seats:
	capacity: int
	confirmed: int
	waitlisted: int

	@property
	def free(self) -> int:
		return max(self.capacity - self.confirmed, 0)


def place(seats: Seats) -> tuple[str, int | None]:
	"""Where a new registration goes: a seat if one is free, otherwise the end of the waitlist."""
	if seats.capacity <= 0:
		raise DomainError(_("The session has no capacity set."), field="capacity")
	if seats.free > 0:
		return CONFIRMED, None
	return WAITLISTED, seats.waitlisted + 1


def seats_after(seats: Seats, placed_as: str) -> Seats:
	"""The seats once a new registration is placed (as ``place`` decided), without counting again."""
	if placed_as == CONFIRMED:
		return Seats(seats.capacity, seats.confirmed + 1, seats.waitlisted)
	return Seats(seats.capacity, seats.confirmed, seats.waitlisted + 1)


def to_promote(waitlist: Iterable[tuple[str, int]], free_seats: int) -> list[str]:
	"""The registrations to move from the waitlist to confirmed, first come first served."""
	ordered = sorted(waitlist, key=lambda r: r[1])
	return [name for name, _pos in ordered[: max(free_seats, 0)]]


def renumber(waitlist: Iterable[tuple[str, int]]) -> dict[str, int]:
	"""Positions 1..n in arrival order, after someone left the waitlist."""
	return {name: i for i, (name, _pos) in enumerate(sorted(waitlist, key=lambda r: r[1]), start=1)}


def session_status(status: str, seats: Seats) -> str:
	"""Open ↔ Full follows the seats; other statuses are set by people."""
	if status == OPEN and seats.free == 0:
		return FULL
	if status == FULL and seats.free > 0:
		return OPEN
	return status


def check_schedule(
	starts_on: datetime,
	ends_on: datetime,
	deadline: datetime | None,
	name: str | None = None,
	linked_session: str | None = None,
	packages: Iterable[str] = (),
) -> None:
	"""A session's own data: it ends after it starts, registration closes before it starts, it is not linked
	to itself and offers each stay package once."""
	if ends_on <= starts_on:
		raise DomainError(_("The session must end after it starts."), field="ends_on")
	if deadline is not None and deadline > starts_on:
		raise DomainError(
			_("The registration deadline must be before the session starts."), field="registration_deadline"
		)
	if name and linked_session == name:
		raise DomainError(_("A session cannot be linked to itself."), field="linked_session")
	packages = list(packages)
	if len(packages) != len(set(packages)):
		raise DomainError(_("Each stay package can be offered only once per session."), field="stay_packages")


def check_capacity(capacity: int | None, confirmed: int) -> None:
	"""Capacity may grow at any time (the waitlist moves up); it may not drop below the confirmed seats."""
	if (capacity or 0) <= 0:
		raise DomainError(_("Capacity must be at least 1."), field="capacity")
	if capacity < confirmed:
		raise DomainError(
			_(
				"{0} participants already have a seat, so the capacity cannot be {1}. Cancel registrations "
				"first, or keep the capacity at {0} or more."
			),
			confirmed,
			capacity,
			field="capacity",
		)


def check_status_change(old: str | None, new: str, reason: str | None) -> None:
	"""Cancelling a session needs a reason (it goes to the participants) and cannot be undone."""
	if old == CANCELLED and new != CANCELLED:
		raise DomainError(
			_(
				"A cancelled session cannot be reopened: its registrations were cancelled and the participants "
				"told. Create a new session instead."
			),
			field="status",
		)
	if new == CANCELLED and old != CANCELLED and not (reason or "").strip():
		raise DomainError(
			_("Give a reason for cancelling the session; it is sent to everyone registered."),
			field="cancellation_reason",
		)


def check_invoice_reference(
	payer: str, receives_ehf: bool, reference: str | None, status: str | None
) -> None:
	"""An organisation that receives EHF needs the buyer's reference (ressursnummer) on every live registration."""
	if receives_ehf and not (reference or "").strip() and status != CANCELLED_REG:
		raise DomainError(
			_("{0} receives EHF invoices: the invoice reference (ressursnummer) is required."),
			payer,
			field="invoice_reference",
		)


ALLOWED_TEXT_LENGTH = 2000


def clean_text(value: str | None, limit: int = ALLOWED_TEXT_LENGTH) -> str:
	"""Free text from the portal: strip markup (script tags and all) and control characters, trim, limit."""
	import html
	import re

	text = str(value or "")
	text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1\s*>", "", text)
	text = re.sub(r"<[^>]*>", "", text)
	text = html.unescape(text)
	text = re.sub(r"[<>]", "", text)
	text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
	text = re.sub(r"[ \t]{2,}", " ", text).strip()
	if len(text) > limit:
		raise DomainError(_("The text is too long (at most {0} characters)."), limit)
	return text


def clock_time(value) -> tuple[int, int] | None:
	"""An agenda time as (hours, minutes), whatever form the database gives it: ``timedelta`` (MariaDB
	TIME), ``datetime.time`` or text such as ``"8:30:00"`` / ``"08:30"``. None when empty."""
	if value is None or value == "":
		return None
	if hasattr(value, "total_seconds"):
		minutes = int(value.total_seconds()) // 60
		return divmod(minutes, 60)
	if hasattr(value, "hour"):
		return value.hour, value.minute
	parts = str(value).strip().split(":")
	try:
		return int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1] else 0
	except ValueError:
		return None


def agenda_by_day(items: Iterable) -> list[dict]:
	"""Group agenda items (objects or dicts with ``day`` and ``time``) by day, each day in time order
	(a time value, not text: 08:30 comes before 12:00; items without a time last) and add ``time_display``
	as ``HH:MM``."""

	def get(item, key):
		return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)

	def key(item):
		t = clock_time(get(item, "time"))
		return (str(get(item, "day") or ""), t is None, t or (0, 0))

	days: dict = {}
	for item in sorted(items, key=key):
		t = clock_time(get(item, "time"))
		row = {
			"time_display": f"{t[0]:02d}:{t[1]:02d}" if t else "",
			**{k: get(item, k) for k in ("day", "time", "title", "description", "speakers")},
		}
		days.setdefault(get(item, "day"), []).append(row)
	return [{"day": d, "items": rows} for d, rows in days.items()]
