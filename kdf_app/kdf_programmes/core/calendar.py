"""Calendar invitations (iCalendar, RFC 5545) for registrations. No Frappe here.

A confirmation (or a seat from the waitlist) carries ``METHOD:REQUEST``; a cancellation — by the member, the
secretariat or because the session is cancelled — carries ``METHOD:CANCEL`` with the same ``UID`` and a higher
``SEQUENCE``, so the participant's calendar removes the event it added. Times are written in UTC (``…Z``),
converted from the site's time zone, so no ``VTIMEZONE`` block is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

REQUEST, CANCEL = "REQUEST", "CANCEL"
PRODID = "-//Norsk Kommunedirektørforum//kdf_app//NO"
# the sequence of each kind of notice: a cancel always supersedes the invitation
SEQUENCE = {REQUEST: 0, CANCEL: 1}
MAX_OCTETS = 75  # RFC 5545 3.1: lines longer than 75 octets are folded


@dataclass(frozen=True)
class Event:
	uid: str
	start: datetime
	end: datetime
	summary: str
	location: str = ""
	description: str = ""
	organizer_email: str = ""
	organizer_name: str = ""
	attendee_email: str = ""
	attendee_name: str = ""


def escape(text: str | None) -> str:
	"""TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
	text = str(text or "").replace("\r\n", "\n").replace("\r", "\n")
	return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
	"""Fold a content line into chunks of at most 75 octets (UTF-8), never splitting a character."""
	out, current, size = [], "", 0
	for ch in line:
		n = len(ch.encode("utf-8"))
		if size + n > MAX_OCTETS:
			out.append(current)
			current, size = " ", 1  # a continuation line starts with one space, which counts
		current += ch
		size += n
	out.append(current)
	return "\r\n".join(out)


def utc(value: datetime, tz: str) -> str:
	"""A naive datetime in ``tz`` (or an aware one) as an iCalendar UTC date-time."""
	if value.tzinfo is None:
		value = value.replace(tzinfo=ZoneInfo(tz))
	return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _quote_param(value: str) -> str:
	"""A parameter value (e.g. CN): quoted, without the characters a quoted value cannot hold."""
	return '"' + str(value).replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def build_ics(event: Event, method: str, tz: str, stamp: datetime, sequence: int | None = None) -> str:
	"""The whole VCALENDAR text (CRLF line ends, folded) for ``method`` REQUEST or CANCEL."""
	if method not in SEQUENCE:
		raise ValueError(method)
	if event.end < event.start:
		raise ValueError("the event ends before it starts")
	seq = SEQUENCE[method] if sequence is None else sequence
	lines = [
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		f"PRODID:{PRODID}",
		"CALSCALE:GREGORIAN",
		f"METHOD:{method}",
		"BEGIN:VEVENT",
		f"UID:{escape(event.uid)}",
		f"SEQUENCE:{seq}",
		f"DTSTAMP:{utc(stamp, tz)}",
		f"DTSTART:{utc(event.start, tz)}",
		f"DTEND:{utc(event.end, tz)}",
		f"SUMMARY:{escape(event.summary)}",
	]
	if event.location:
		lines.append(f"LOCATION:{escape(event.location)}")
	if event.description:
		lines.append(f"DESCRIPTION:{escape(event.description)}")
	if event.organizer_email:
		cn = f";CN={_quote_param(event.organizer_name)}" if event.organizer_name else ""
		lines.append(f"ORGANIZER{cn}:mailto:{event.organizer_email}")
	if event.attendee_email:
		cn = f";CN={_quote_param(event.attendee_name)}" if event.attendee_name else ""
		lines.append(f"ATTENDEE{cn};ROLE=REQ-PARTICIPANT:mailto:{event.attendee_email}")
	lines += [
		f"STATUS:{'CANCELLED' if method == CANCEL else 'CONFIRMED'}",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"END:VCALENDAR",
	]
	return "\r\n".join(fold(line) for line in lines) + "\r\n"


def unfold(text: str) -> list[str]:
	"""The content lines of an iCalendar text (for tests and readers): continuation lines joined."""
	out: list[str] = []
	for raw in text.split("\r\n"):
		if raw.startswith((" ", "\t")) and out:
			out[-1] += raw[1:]
		elif raw:
			out.append(raw)
	return out
