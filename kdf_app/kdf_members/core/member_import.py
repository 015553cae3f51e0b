"""The member list from a spreadsheet: read, checked and grouped, without a framework.

One row per position. A member's rows share the e-mail address: the row with no end date is the current
position (organisation, title, first day), rows with an end date are the history. First name, last name and
mobile are read from the member's rows (where more than one row gives them, they must agree). The organisation is
its organisation number or its name as in the register.

Every rule the Member form applies is checked here first, so each refused row gets its reason in the user's
language and in English; a member goes in with all their rows, or not at all (kdf_app.kdf_members.services.member_import).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from kdf_app.kdf_members.core.members import LEAVING_REASONS, TITLES, Position, in_force, validate_positions
from kdf_app.kdf_members.core.membership import check_email, normalise_mobile
from kdf_app.shared.core.i18n import DomainError, _

COLUMNS = (
	"first_name",
	"last_name",
	"email",
	"mobile",
	"organisation",
	"title",
	"from_date",
	"to_date",
	"reason",
	"member_since",
)
REQUIRED_COLUMNS = ("first_name", "last_name", "email", "organisation", "title", "from_date")
# the Norwegian headings a secretariat may have in its own spreadsheet, and the labels of the Member form
ALIASES = {
	"fornavn": "first_name",
	"first name": "first_name",
	"etternavn": "last_name",
	"last name": "last_name",
	"e-post": "email",
	"epost": "email",
	"e-mail": "email",
	"mobil": "mobile",
	"mobilnummer": "mobile",
	"organisasjon": "organisation",
	"organisasjonsnummer": "organisation",
	"orgnr": "organisation",
	"tittel": "title",
	"stilling": "title",
	"fra": "from_date",
	"fra dato": "from_date",
	"startdato": "from_date",
	"start date": "from_date",
	"til": "to_date",
	"til dato": "to_date",
	"sluttdato": "to_date",
	"end date": "to_date",
	"årsak": "reason",
	"sluttårsak": "reason",
	"reason for leaving": "reason",
	"medlem siden": "member_since",
	"member since": "member_since",
}
MAX_ROWS = 5000
MAX_TEXT = 140

# A template's example rows: one member with a position history (two rows), one with only the current position.
EXAMPLE_ROWS = (
	{
		"first_name": "Kari",
		"last_name": "Nordmann",
		"email": "kari.nordmann@example.no",
		"mobile": "41234567",
		"organisation": "Eksempel kommune",
		"title": "Kommunedirektør",
		"from_date": "2019-08-01",
		"to_date": "",
		"reason": "",
		"member_since": "2015-03-01",
	},
	{
		"first_name": "Kari",
		"last_name": "Nordmann",
		"email": "kari.nordmann@example.no",
		"mobile": "",
		"organisation": "Annen kommune",
		"title": "Assisterende kommunedirektør",
		"from_date": "2015-03-01",
		"to_date": "2019-07-31",
		"reason": "Ny stilling",
		"member_since": "",
	},
	{
		"first_name": "Ola",
		"last_name": "Hansen",
		"email": "ola.hansen@example.no",
		"mobile": "+47 912 34 567",
		"organisation": "123456785",
		"title": "Rådmann",
		"from_date": "1.1.2022",
		"to_date": "",
		"reason": "",
		"member_since": "",
	},
)


def column_key(heading: object) -> str:
	"""A heading as given (any case, spacing, a Norwegian heading) → the column it means, or '' if none."""
	key = " ".join(unicodedata.normalize("NFC", str(heading or "")).strip().lower().replace("_", " ").split())
	if key.replace(" ", "_") in COLUMNS:
		return key.replace(" ", "_")
	return ALIASES.get(key, "")


def organisation_key(text: object) -> str:
	"""How an organisation is looked up: an organisation number as its 9 digits, a name without case or spacing."""
	raw = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
	digits = re.sub(r"[\s.]", "", raw)
	if re.fullmatch(r"\d{9}", digits):
		return digits
	return raw.casefold()


AMBIGUOUS = "\0ambiguous"


def organisation_index(organisations: Iterable[Mapping]) -> dict[str, str]:
	"""``organisations``: dicts with name, customer_name, org_number → lookup key → the organisation's name
	(a display name two organisations share is marked ambiguous)."""
	index: dict[str, str] = {}
	for org in organisations:
		if org.get("org_number"):
			index[organisation_key(org["org_number"])] = org["name"]
	by_name: dict[str, set[str]] = {}
	for org in organisations:
		for label in {org.get("name"), org.get("customer_name")} - {None, ""}:
			by_name.setdefault(organisation_key(label), set()).add(org["name"])
	for key, names in by_name.items():
		if key not in index:
			index[key] = next(iter(names)) if len(names) == 1 else AMBIGUOUS
	return index


def parse_date(value: object, field: str) -> date | None:
	"""2024-08-01, 1.8.2024, 01.08.2024, 1/8/2024 or a spreadsheet's own date; empty is None."""
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	text = str(value or "").strip()
	if not text:
		return None
	for pattern, order in (
		(r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
		(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", "dmy"),
		(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2})?", "ymd"),
	):
		m = re.fullmatch(pattern, text)
		if m:
			parts = dict(zip(order, (int(g) for g in m.groups()[:3]), strict=True))
			try:
				return date(parts["y"], parts["m"], parts["d"])
			except ValueError:
				break
	raise DomainError(_("{0} is not a date; write it as 2024-08-01 or 1.8.2024."), text, field=field)


@dataclass(frozen=True)
class Row:
	"""One position row of the file, checked on its own."""

	line: int
	values: Mapping[str, str]
	email: str
	position: Position | None = None
	error: DomainError | None = None


@dataclass(frozen=True)
class ImportedMember:
	lines: tuple[int, ...]
	first_name: str
	last_name: str
	email: str
	mobile: str
	member_since: date | None
	positions: tuple[Position, ...]

	@property
	def member_name(self) -> str:
		return f"{self.first_name} {self.last_name}"

	def current(self, today: date) -> Position | None:
		return in_force(self.positions, today)


@dataclass(frozen=True)
class Rejected:
	line: int
	values: Mapping[str, str]
	error: DomainError


@dataclass
class Plan:
	members: list[ImportedMember] = field(default_factory=list)
	rejected: list[Rejected] = field(default_factory=list)


def _text(values: Mapping, key: str) -> str:
	return " ".join(str(values.get(key) or "").split())


def check_row(line: int, values: Mapping[str, object], organisations: Mapping[str, str]) -> Row:
	"""One row: e-mail, organisation, title, dates and reason; the first broken rule is the row's reason."""
	raw_email = _text(values, "email")
	try:
		email = check_email(raw_email)
	except DomainError:
		return Row(
			line,
			values,
			raw_email.lower(),
			error=DomainError(_("{0} is not a valid e-mail address."), raw_email or "—", field="email"),
		)
	try:
		given = _text(values, "organisation")
		if not given:
			raise DomainError(_("The organisation is missing."), field="organisation")
		organisation = organisations.get(organisation_key(given))
		if organisation == AMBIGUOUS:
			raise DomainError(
				_("More than one organisation is called {0}; write its organisation number."),
				given,
				field="organisation",
			)
		if not organisation:
			raise DomainError(
				_("No organisation with the organisation number or name {0} in the register."),
				given,
				field="organisation",
			)
		title = _text(values, "title")
		matched = next((t for t in TITLES if t.casefold() == title.casefold()), None)
		if not matched:
			raise DomainError(
				_("Unknown title {0}; use one of {1}."), title or "—", ", ".join(TITLES), field="title"
			)
		start = parse_date(values.get("from_date"), "from_date")
		if not start:
			raise DomainError(_("The position's first day (from_date) is missing."), field="from_date")
		end = parse_date(values.get("to_date"), "to_date")
		reason_text = _text(values, "reason")
		reason = next((r for r in LEAVING_REASONS if r.casefold() == reason_text.casefold()), None)
		if reason_text and not reason:
			raise DomainError(
				_("Unknown reason for leaving {0}; use one of {1}."),
				reason_text,
				", ".join(LEAVING_REASONS),
				field="reason",
			)
		if reason and not end:
			raise DomainError(_("A reason for leaving needs an end date (to_date)."), field="reason")
		position = Position(organisation, matched, start, end, reason)
		validate_positions([position])
	except DomainError as e:
		return Row(line, values, email, error=e)
	return Row(line, values, email, position=position)


def _agreed(rows: Sequence[Row], key: str, label: str) -> str:
	given = {_text(r.values, key) for r in rows} - {""}
	if len(given) > 1:
		raise DomainError(
			_("The rows of {0} give different values for {1}: {2}."),
			rows[0].email,
			label,
			", ".join(sorted(given)),
			field=key,
		)
	return next(iter(given), "")


def check_member(rows: Sequence[Row], existing: Callable[[str], str | None]) -> ImportedMember:
	"""The rows of one e-mail address as one member; the member's first broken rule raises."""
	email = rows[0].email
	known = existing(email)
	if known:
		raise DomainError(
			_("{0} is already in the register ({1}); change that member in the form."),
			email,
			known,
			field="email",
		)
	first = _agreed(rows, "first_name", "first_name")
	last = _agreed(rows, "last_name", "last_name")
	if not first or not last:
		raise DomainError(_("First name and last name are needed for {0}."), email, field="first_name")
	if len(first) > MAX_TEXT or len(last) > MAX_TEXT:
		raise DomainError(_("The name is too long."), field="first_name")
	mobile = _agreed(rows, "mobile", "mobile")
	if mobile:
		normalise_mobile(mobile)  # the Member form's rule; the number is kept as written
	since = {parse_date(r.values.get("member_since"), "member_since") for r in rows} - {None}
	if len(since) > 1:
		raise DomainError(
			_("The rows of {0} give different values for {1}: {2}."),
			email,
			"member_since",
			", ".join(sorted(d.isoformat() for d in since)),
			field="member_since",
		)
	positions = tuple(sorted((r.position for r in rows), key=lambda p: p.from_date))
	if not any(p.is_open for p in positions):
		raise DomainError(
			_("{0} has no current position: one row needs an empty end date (to_date)."),
			email,
			field="to_date",
		)
	validate_positions(positions)
	return ImportedMember(
		lines=tuple(r.line for r in rows),
		first_name=first,
		last_name=last,
		email=email,
		mobile=mobile,
		member_since=next(iter(since), None),
		positions=positions,
	)


def plan_import(
	rows: Sequence[Mapping[str, object]],
	organisations: Mapping[str, str],
	existing: Callable[[str], str | None] = lambda email: None,
	first_line: int = 2,
) -> Plan:
	"""The file's rows (dicts by column, the heading on line 1) → the members to create and the rejected rows.

	A member is taken with all their rows or not at all: when one of their rows is refused, their other rows
	are refused too, saying which line stopped them. Empty rows are skipped."""
	plan = Plan()
	checked: dict[str, list[Row]] = {}
	for i, values in enumerate(rows):
		if not any(str(v or "").strip() for v in values.values()):
			continue
		row = check_row(first_line + i, values, organisations)
		checked.setdefault(row.email or f"\0line{row.line}", []).append(row)
	for member_rows in checked.values():
		bad = [r for r in member_rows if r.error]
		if bad:
			for r in member_rows:
				plan.rejected.append(
					Rejected(
						r.line,
						r.values,
						r.error
						or DomainError(
							_("Not imported: another row of the same member (line {0}) was refused."),
							", ".join(str(b.line) for b in bad),
						),
					)
				)
			continue
		try:
			plan.members.append(check_member(member_rows, existing))
		except DomainError as e:
			plan.rejected.extend(Rejected(r.line, r.values, e) for r in member_rows)
	plan.rejected.sort(key=lambda r: r.line)
	return plan
