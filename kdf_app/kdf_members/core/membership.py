"""Joining KDF and keeping one's record up to date: the rules, without a framework.

- A **membership application** (public page /bli-medlem) comes from a chief executive of an organisation on the
  official list, with consent to the privacy notice; the secretariat approves or rejects it.
- The same person never applies twice: the same e-mail as a member, a user or an open application, or the same
  name at the same organisation, is a duplicate.
- A **change request** from the portal (a new position, or leaving) is confirmed by the secretariat into the
  position history; it never starts before the current position did.
- **My invoices**: what a member reads of an invoice's status.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from kdf_app.kdf_members.core.members import (
	LEAVING_REASONS,
	TITLES,
	Position,
	current_position,
	validate_positions,
)
from kdf_app.shared.core.i18n import DomainError, _

# The privacy notice (/personvern) the applicant consents to; change both when the notice changes.
PRIVACY_NOTICE_VERSION = "1.1"  # 1.1: research use of the position history, with consent
PRIVACY_NOTICE_DATE = date(2026, 12, 1)

NEW, APPROVED, REJECTED = "Ny", "Godkjent", "Avvist"
APPLICATION_STATUSES = (NEW, APPROVED, REJECTED)
# who may apply: the chief executive of a kommune, fylkeskommune or bydel
APPLICANT_TITLES = ("Kommunedirektør", "Fylkeskommunedirektør", "Bydelsdirektør", "Rådmann")

NEW_POSITION, LEAVING = "Ny stilling", "Slutter"
CHANGE_KINDS = (NEW_POSITION, LEAVING)
CONFIRMED = "Bekreftet"
CHANGE_STATUSES = (NEW, CONFIRMED, REJECTED)

EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']{2,}$")
MAX_TEXT = 140


def normalise_email(email: str | None) -> str:
	return (email or "").strip().lower()


def normalise_name(name: str | None) -> str:
	"""For comparing names: case, accents' composition and spacing do not make another person."""
	return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def normalise_mobile(mobile: str | None) -> str:
	"""A Norwegian mobile number as 8 digits (``+47``/``0047`` dropped), or another country's as ``+<digits>``;
	empty stays empty."""
	raw = (mobile or "").strip()
	if not raw:
		return ""
	digits = re.sub(r"[\s.\-()]", "", raw)
	if digits.startswith("00"):
		digits = "+" + digits[2:]
	if digits.startswith("+47"):
		digits = digits[3:]
	if re.fullmatch(r"[49]\d{7}", digits):
		return digits
	if re.fullmatch(r"\+\d{7,15}", digits):
		return digits
	raise DomainError(
		_("{0} is not a mobile number; write 8 digits, or +country code and number."), raw, field="mobile"
	)


def check_email(email: str | None) -> str:
	email = normalise_email(email)
	if not email or len(email) > MAX_TEXT or not EMAIL.match(email):
		raise DomainError(_("Write a valid e-mail address."), field="email")
	return email


def check_title(title: str | None, allowed: Sequence[str] = TITLES) -> str:
	if title not in allowed:
		raise DomainError(_("Choose your title from the list."), field="title")
	return title


@dataclass(frozen=True)
class Application:
	first_name: str
	last_name: str
	email: str
	mobile: str
	title: str
	organisation: str
	start_date: date
	consent: bool
	research_consent: bool = (
		False  # may the position history go, anonymised, into research extracts (default no)
	)


def clean_application(
	values: Mapping, official: Iterable[str], today: date, parse_date=date.fromisoformat
) -> Application:
	"""The application as given on /bli-medlem, checked and tidied; the first broken rule raises.
	``official`` are the names of the organisations on the official list."""
	first = " ".join(str(values.get("first_name") or "").split())
	last = " ".join(str(values.get("last_name") or "").split())
	if not first or not last:
		raise DomainError(_("Write your first name and last name."), field="first_name")
	if len(first) > MAX_TEXT or len(last) > MAX_TEXT:
		raise DomainError(_("The name is too long."), field="first_name")
	email = check_email(values.get("email"))
	mobile = normalise_mobile(values.get("mobile"))
	title = check_title(values.get("title"), APPLICANT_TITLES)
	organisation = str(values.get("organisation") or "")
	if not organisation or organisation not in set(official):
		raise DomainError(
			_("Choose your organisation from the list of kommuner, fylkeskommuner and bydeler."),
			field="organisation",
		)
	raw_start = values.get("start_date")
	try:
		start = raw_start if isinstance(raw_start, date) else parse_date(str(raw_start or ""))
	except (TypeError, ValueError):
		raise DomainError(_("Write the date you started in the position."), field="start_date") from None
	if start.year < 1950 or (start - today).days > 366:
		raise DomainError(
			_("The start date {0} is not possible; write the date you started (or will start)."),
			start.isoformat(),
			field="start_date",
		)
	if not ticked(values.get("consent")):
		raise DomainError(
			_("You must confirm that you have read the privacy notice before you apply."), field="consent"
		)
	return Application(
		first, last, email, mobile, title, organisation, start, True, ticked(values.get("research_consent"))
	)


def ticked(value) -> bool:
	"""A check box as a form sends it: anything but empty, 0, false, off or no is ticked."""
	return bool(value) and str(value).strip().lower() not in ("0", "false", "off", "no")


def duplicate(
	application: Application,
	member_emails: Iterable[str] = (),
	user_emails: Iterable[str] = (),
	open_application_emails: Iterable[str] = (),
	people_at_organisation: Iterable[tuple[str, str]] = (),
) -> DomainError | None:
	"""Why ``application`` duplicates a member, user or open application (None: it does not).
	``people_at_organisation``: (full name, what they are — "member" or "application") at the same organisation."""
	email = application.email
	if email in {normalise_email(e) for e in member_emails}:
		return DomainError(
			_("{0} is already a member of KDF. Log in, or ask the secretariat for a new password link."),
			email,
			field="email",
		)
	if email in {normalise_email(e) for e in user_emails}:
		return DomainError(
			_("There is already a user with the e-mail {0}. Contact the secretariat."), email, field="email"
		)
	if email in {normalise_email(e) for e in open_application_emails}:
		return DomainError(
			_("We already have an application from {0}; the secretariat will answer it soon."),
			email,
			field="email",
		)
	name = normalise_name(f"{application.first_name} {application.last_name}")
	for other, what in people_at_organisation:
		if normalise_name(other) == name:
			if what == "member":
				return DomainError(
					_(
						"{0} is already a member at this organisation. If your e-mail has changed, contact the secretariat."
					),
					f"{application.first_name} {application.last_name}",
					field="email",
				)
			return DomainError(
				_(
					"We already have an application from {0} at this organisation; the secretariat will answer it soon."
				),
				f"{application.first_name} {application.last_name}",
				field="email",
			)
	return None


def check_can_decide(status: str | None) -> None:
	if status != NEW:
		raise DomainError(_("This application has already been decided ({0})."), status or "", field="status")


def check_reason(reason: str | None) -> str:
	reason = (reason or "").strip()
	if not reason:
		raise DomainError(_("Write the reason; the applicant gets it by e-mail."), field="reject_reason")
	return reason


# --- change requests -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChangeRequest:
	kind: str
	start_date: date
	organisation: str | None = None
	title: str | None = None
	reason: str | None = None


def check_change(request: ChangeRequest, positions: Sequence[Position], official: Iterable[str] = ()) -> None:
	"""A new position (organisation, title, start, reason for leaving the current one) or leaving (the last
	day, reason). Neither may start before the current position did."""
	if request.kind not in CHANGE_KINDS:
		raise DomainError(_("Choose whether you have a new position or are leaving."), field="kind")
	if not request.start_date:
		raise DomainError(_("Write the date."), field="start_date")
	if request.reason and request.reason not in LEAVING_REASONS:
		raise DomainError(_("Unknown reason for leaving: {0}."), request.reason, field="reason")
	current = current_position(positions)
	if request.kind == NEW_POSITION:
		if not request.organisation or request.organisation not in set(official):
			raise DomainError(
				_("Choose the new organisation from the list of kommuner, fylkeskommuner and bydeler."),
				field="organisation",
			)
		check_title(request.title)
		if current and request.start_date <= current.from_date:
			raise DomainError(
				_("The new position must start after your current one (started {0})."),
				current.from_date.isoformat(),
				field="start_date",
			)
	else:
		if not request.reason:
			raise DomainError(_("Choose the reason for leaving."), field="reason")
		if not current:
			raise DomainError(_("You have no current position to leave."), field="kind")
		if request.start_date < current.from_date:
			raise DomainError(
				_("You cannot leave before your current position started ({0})."),
				current.from_date.isoformat(),
				field="start_date",
			)


def close_current(positions: Sequence[Position], last_day: date, reason: str) -> list[Position]:
	"""Leaving: the current position ends on ``last_day`` with ``reason``. Returns the new history."""
	history = list(positions)
	current = current_position(history)
	if current is None:
		raise DomainError(_("You have no current position to leave."), field="kind")
	if last_day < current.from_date:
		raise DomainError(
			_("You cannot leave before your current position started ({0})."),
			current.from_date.isoformat(),
			field="start_date",
		)
	history[history.index(current)] = replace(current, to_date=last_day, reason=reason)
	validate_positions(history)
	return history


# --- my invoices ------------------------------------------------------------------------------------------
SENT, PAID, PARTLY_PAID, OVERDUE, CREDITED = "Sendt", "Betalt", "Delvis betalt", "Forfalt", "Kreditert"


def invoice_status(erpnext_status: str | None, grand_total: float, outstanding: float) -> str:
	"""What a member reads of a submitted invoice's status (ERPNext's status and outstanding amount)."""
	if erpnext_status == "Credit Note Issued":
		return CREDITED
	if round(outstanding or 0, 2) <= 0:
		return PAID
	if round(outstanding, 2) < round(grand_total or 0, 2):
		return PARTLY_PAID
	if erpnext_status == "Overdue":
		return OVERDUE
	return SENT
