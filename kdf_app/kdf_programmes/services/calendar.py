"""The calendar invitation (.ics) attached to a registration's e-mails (rules in kdf_app.kdf_programmes.core.calendar).

Confirmed and promoted: ``METHOD:REQUEST``; cancelled by the member or the secretariat, or because the session
is cancelled: ``METHOD:CANCEL`` with the same UID (one per registration) and a higher SEQUENCE — only for a
registration that had a seat (a waitlist place never got an invitation)."""

import frappe
from frappe.utils import get_datetime, now_datetime
from frappe.utils.data import get_system_timezone

from kdf_app.kdf_programmes.core.calendar import CANCEL, REQUEST, Event, build_ics
from kdf_app.kdf_programmes.core.sessions import WAITLISTED

METHOD_OF = {
	"registration_confirmed": REQUEST,
	"registration_promoted": REQUEST,
	"registration_cancelled": CANCEL,
	"session_cancelled": CANCEL,
}
FILE_NAME = {REQUEST: "invitasjon.ics", CANCEL: "avlysning.ics"}


def uid_of(registration: str) -> str:
	return f"{registration}@{frappe.local.site}"


def attachments_for(doc, purpose: str, session, member) -> list[dict] | None:
	"""The .ics attachment for a registration e-mail of ``purpose`` (None when it carries none)."""
	method = METHOD_OF.get(purpose)
	if not method or not session.starts_on or not session.ends_on:
		return None
	if method == CANCEL:
		before = doc.get_doc_before_save() if hasattr(doc, "get_doc_before_save") else None
		if before is not None and before.status == WAITLISTED:
			return None
	from kdf_app.shared.services.mail import sender

	location = ", ".join(p for p in (session.venue_name, (session.venue_address or "").strip()) if p)
	event = Event(
		uid=uid_of(doc.name),
		start=get_datetime(session.starts_on),
		end=get_datetime(session.ends_on),
		summary=session.session_title or "",
		location=location.replace("\n", ", "),
		description=frappe.utils.get_url(f"/{session.route}") if session.get("route") else "",
		organizer_email=sender() or "",
		organizer_name="Norsk Kommunedirektørforum",
		attendee_email=member.email or "",
		attendee_name=member.member_name or "",
	)
	text = build_ics(event, method, get_system_timezone(), now_datetime())
	return [{"fname": FILE_NAME[method], "fcontent": text}]
