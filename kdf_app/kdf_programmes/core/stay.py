"""What a stay package includes at a session.

A Stay Package (*Oppholdspakke med overnatting*) is a kind of stay with a default price and VAT split; what it
includes — the meals, the dinner and the nights, with their dates — belongs to the session that offers it
(the session's row of the package). The row's text is what members read; when the secretariat leaves it empty
it is written from the session's dates (:func:`includes_text`), and a text or a dinner whose dates fall
outside the session is refused (:func:`check_package`), so a January session never announces September's
dinner."""

import re
from datetime import date, timedelta

from kdf_app.kdf_programmes.core.sessions import MONTHS, date_range_no, format_date_no
from kdf_app.shared.core.i18n import DomainError, _

_MONTH = {m: i for i, m in enumerate(MONTHS, start=1)}
# «6. september», «6.–7. september», «30. november–1. desember», «6. september 2027»
_DATE = re.compile(
	r"\b(\d{1,2})\.(?:\s*[–-]\s*(\d{1,2})\.)?\s*(" + "|".join(MONTHS) + r")\b(?:\s+(\d{4})\b)?",
	re.IGNORECASE,
)


def includes_text(starts: date, ends: date, nights: int = 0, dinner_on: date | None = None) -> str:
	"""The members' text for a package at a session from ``starts`` to ``ends`` (dates): lunch and coffee
	every day, the dinner on ``dinner_on``, ``nights`` nights from the first day (or none).
	``Lunsj og kaffepauser begge dager, middag 6. september, overnatting 6.–7. september``."""
	days = (ends - starts).days + 1
	parts = ["Lunsj og kaffepauser" + ("" if days <= 1 else " begge dager" if days == 2 else " alle dager")]
	if dinner_on:
		parts.append(f"middag {format_date_no(dinner_on, year=False)}")
	parts.append(
		f"overnatting {date_range_no(starts, starts + timedelta(days=nights), year=False)}"
		if nights
		else "ikke overnatting"
	)
	return ", ".join(parts)


def dates_named(text: str | None, near: date) -> list[date]:
	"""The dates a Norwegian text names (``6. september``, ``6.–7. september``), each in the year given or
	else the year that puts it nearest to ``near``. Days that do not exist (31. juni) are left out."""
	found = []
	for m in _DATE.finditer(text or ""):
		month = _MONTH[m.group(3).lower()]
		for day in filter(None, (m.group(1), m.group(2))):
			years = [int(m.group(4))] if m.group(4) else [near.year - 1, near.year, near.year + 1]
			candidates = []
			for y in years:
				try:
					candidates.append(date(y, month, int(day)))
				except ValueError:
					pass
			if candidates:
				found.append(min(candidates, key=lambda d: abs((d - near).days)))
	return found


def check_package(
	package: str, starts: date, ends: date, nights: int = 0, dinner_on: date | None = None, text: str = ""
) -> None:
	"""A package row of a session from ``starts`` to ``ends``: the nights fit between the session's days, the
	dinner is on one of them, and every date the text names is one of them (or the evening before)."""
	between = (ends - starts).days
	if nights < 0 or nights > between:
		raise DomainError(
			_("Stay package {0}: {1} nights do not fit a session with {2} nights between its days."),
			package,
			nights,
			between,
			field="stay_packages",
		)
	span = date_range_no(starts, ends, year=False)
	if dinner_on and not starts <= dinner_on <= ends:
		raise DomainError(
			_("Stay package {0}: the dinner on {1} is not during the session ({2})."),
			package,
			format_date_no(dinner_on, year=False),
			span,
			field="stay_packages",
		)
	for named in dates_named(text, starts):
		if not starts - timedelta(days=1) <= named <= ends:
			raise DomainError(
				_(
					"Stay package {0}: the text names {1}, which is not during the session ({2}). Correct the "
					"text, or empty it to have it written from the session's dates."
				),
				package,
				format_date_no(named, year=False),
				span,
				field="stay_packages",
			)
