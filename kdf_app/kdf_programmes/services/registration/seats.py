"""The seat decision: the session's row lock, the seat counts, a new registration's seat or waitlist place,
promotion from the waitlist and the session's stored counts.

Seat decisions are taken while holding a row lock on the session, so concurrent registrations never confirm
more than capacity."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from kdf_app.kdf_app.services import page_cache
from kdf_app.kdf_programmes.core.cancellation import may_promote
from kdf_app.kdf_programmes.core.sessions import (
	CONFIRMED,
	LIVE,
	MEMBER_PARTICIPANT,
	SEAT_HOLDING,
	WAITLISTED,
	Seats,
	check_open_for_registration,
	check_participant_allowed,
	place,
	renumber,
	seats_after,
	session_status,
	to_promote,
)
from kdf_app.kdf_programmes.services.registration.notices import notify
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw

SESSION = "Topplederprogram Session"


def lock_session(name: str) -> dict:
	"""Take the session's row lock for the rest of the transaction and read its current values."""
	row = frappe.db.sql(
		"""select name, session_title, status, capacity, registration_deadline, starts_on, participants_allowed
		from `tabTopplederprogram Session` where name = %s for update""",
		name,
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Session {0} does not exist.").format(name), frappe.DoesNotExistError)
	return row[0]


def seats(session: str, capacity: int) -> Seats:
	"""Count seats with a locking read (the latest committed rows, not the transaction's snapshot)."""
	counts = dict(
		frappe.db.sql(
			"select status, count(*) from `tabRegistration` where session = %s group by status for update",
			session,
		)
	)
	return Seats(int(capacity or 0), sum(counts.get(s, 0) for s in SEAT_HOLDING), counts.get(WAITLISTED, 0))


def allocate(doc) -> None:
	"""Give a new registration a seat or a waitlist place, under the session's lock."""
	session = lock_session(doc.session)
	doc.session_title = session.session_title  # as its fetch_from would (register_now may skip link checks)
	try:
		check_open_for_registration(
			session.status,
			get_datetime(session.registration_deadline) if session.registration_deadline else None,
			now_datetime(),
			doc.deadline_override_reason,
		)
		check_participant_allowed(
			session.participants_allowed,
			doc.participant_type or MEMBER_PARTICIPANT,
			bool(doc.registered_by),
			doc.participant_name or doc.contact or "",
		)
	except DomainError as e:
		throw(e, title=_("Registration not possible"))
	if (doc.participant_type or MEMBER_PARTICIPANT) == MEMBER_PARTICIPANT:
		duplicate = frappe.db.sql(
			"""select name from `tabRegistration` where session = %s and member = %s and status in %s
			for update""",
			(doc.session, doc.member, tuple(LIVE)),
		)
	else:  # one live registration per person: by contact, or by the e-mail address
		duplicate = frappe.db.sql(
			"""select name from `tabRegistration` where session = %s and status in %s
			and (contact = %s or (participant_email != '' and participant_email = %s)) for update""",
			(doc.session, tuple(LIVE), doc.contact, doc.participant_email or ""),
		)
	if duplicate:
		frappe.throw(
			_("{0} is already registered for this session ({1}).").format(
				doc.participant_name or doc.member_name or doc.member, duplicate[0][0]
			),
			frappe.DuplicateEntryError,
			title=_("Already registered"),
		)
	try:
		before = seats(doc.session, session.capacity)
		doc.status, position = place(before)
		doc.waitlist_position = position or 0
		# the counts once this one is in, for after_insert: no second locking count
		doc.flags.kdf_seats = (session.status, seats_after(before, doc.status))
	except DomainError as e:
		throw(e)
	doc.registered_on = now_datetime()


def as_one_unit(work, attempts: int = 3):
	"""Run ``work`` (inserts under the session's lock) as one unit: in a web request it is committed at once, so
	the locks go; a deadlock rolls the whole transaction back, so the whole unit is tried again."""
	import random
	import time

	in_request = bool(getattr(frappe.local, "request", None))
	for attempt in range(attempts):
		try:
			result = work()
			if in_request:
				frappe.db.commit()
			return result
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))


def refresh_seats(session_name: str) -> list[str]:
	"""Promote from the waitlist into free seats, renumber the waitlist and update the session's counts."""
	session = lock_session(session_name)
	# nobody is moved into a session that has started (nor e-mailed a seat they cannot use)
	free = (
		seats(session_name, session.capacity).free
		if may_promote(now_datetime(), get_datetime(session.starts_on))
		else 0
	)
	waitlist = [
		(r.name, r.waitlist_position or 0)
		for r in frappe.get_all(
			"Registration",
			filters={"session": session_name, "status": WAITLISTED},
			fields=["name", "waitlist_position"],
			order_by="waitlist_position asc, registered_on asc",
		)
	]
	promoted = to_promote(waitlist, free)
	for name in promoted:
		frappe.db.set_value("Registration", name, {"status": CONFIRMED, "waitlist_position": 0})
		notify(frappe.get_doc("Registration", name), "registration_promoted")
	for name, position in renumber([w for w in waitlist if w[0] not in promoted]).items():
		frappe.db.set_value("Registration", name, "waitlist_position", position, update_modified=False)
	update_counts(session_name)
	return promoted


def update_counts(session_name: str, known: tuple[str, Seats] | None = None) -> None:
	"""Store the session's seat counts; ``known`` (status, seats) when the caller has just counted them under
	the session's lock."""
	if known:
		status, current = known
	else:
		session = frappe.db.get_value(SESSION, session_name, ["status", "capacity"], as_dict=True)
		status, current = session.status, seats(session_name, session.capacity)
	frappe.db.set_value(
		SESSION,
		session_name,
		{
			"confirmed_count": current.confirmed,
			"waitlist_count": current.waitlisted,
			"free_seats": current.free,
			"status": session_status(status, current),
		},
		update_modified=False,
	)
	frappe.clear_document_cache(SESSION, session_name)
	page_cache.session_changed(session_name)  # a guest's cached list and page show the seats
