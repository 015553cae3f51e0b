"""Registrations for Topplederprogram sessions: seats, the waitlist, prices and the e-mails that follow.

Every path that creates or cancels a registration (portal API, desk form, data import) goes through the
Registration controller, which calls :func:`allocate` and :func:`validate` here. Seat decisions are taken
while holding a row lock on the session, so concurrent registrations never confirm more than capacity."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from kdf_app.core.i18n import DomainError
from kdf_app.core.sessions import (
	CANCELLED_REG,
	CONFIRMED,
	LIVE,
	SEAT_HOLDING,
	WAITLISTED,
	Seats,
	SessionPrices,
	check_invoice_reference,
	check_open_for_registration,
	clean_text,
	money,
	place,
	price_registration,
	renumber,
	session_status,
	to_promote,
)
from kdf_app.permissions import is_secretariat
from kdf_app.services.errors import throw

SESSION = "Topplederprogram Session"


def lock_session(name: str) -> dict:
	"""Take the session's row lock for the rest of the transaction and read its current values."""
	row = frappe.db.sql(
		"""select name, status, capacity, registration_deadline from `tabTopplederprogram Session`
		where name = %s for update""",
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


def session_prices(session) -> SessionPrices:
	return SessionPrices(
		participant_fee=money(session.participant_fee),
		packages={r.stay_package: money(r.price) for r in session.stay_packages},
		extra_night=money(session.extra_night_price),
		combination_discount=money(session.combination_discount),
		has_linked_session=bool(session.linked_session),
	)


def validate(doc) -> None:
	"""Defaults, clean free text and the stored price lines (from kdf_app.core)."""
	try:
		doc.dietary_needs = clean_text(doc.dietary_needs)
		doc.invoice_reference = clean_text(doc.invoice_reference, limit=140) or None
		doc.deadline_override_reason = clean_text(doc.deadline_override_reason) or None
	except DomainError as e:
		throw(e)
	if (
		doc.has_value_changed("deadline_override_reason")
		and doc.deadline_override_reason
		and not is_secretariat()
	):
		frappe.throw(_("Only the secretariat can register after the deadline."), frappe.PermissionError)
	member = frappe.db.get_value("Member", doc.member, ["organisation"], as_dict=True)
	if not member:
		frappe.throw(_("Member {0} does not exist.").format(doc.member))
	doc.paying_organisation = doc.paying_organisation or member.organisation
	if not doc.paying_organisation:
		frappe.throw(_("Choose the organisation that pays for this registration."), title=_("Missing payer"))
	payer = frappe.db.get_value(
		"Customer", doc.paying_organisation, ["kdf_send_ehf", "kdf_invoice_reference"], as_dict=True
	)
	doc.invoice_reference = doc.invoice_reference or payer.kdf_invoice_reference
	try:
		check_invoice_reference(
			doc.paying_organisation, payer.kdf_send_ehf, doc.invoice_reference, doc.status
		)
	except DomainError as e:
		throw(e, title=_("Missing invoice reference"))
	if doc.sales_invoice:
		return  # invoiced: the price stays as billed
	session = frappe.get_cached_doc(SESSION, doc.session)
	try:
		lines, total = price_registration(
			session_prices(session),
			doc.stay_package,
			bool(doc.extra_night),
			bool(doc.with_linked_session),
			known_packages=[doc.stay_package]
			if doc.stay_package and frappe.db.exists("Stay Package", doc.stay_package)
			else [],
		)
	except DomainError as e:
		throw(e)
	doc.set(
		"price_lines", [{"code": l.code, "description": _(l.description), "amount": l.amount} for l in lines]
	)
	doc.total = total


def allocate(doc) -> None:
	"""Give a new registration a seat or a waitlist place, under the session's lock."""
	session = lock_session(doc.session)
	try:
		check_open_for_registration(
			session.status,
			get_datetime(session.registration_deadline) if session.registration_deadline else None,
			now_datetime(),
			doc.deadline_override_reason,
		)
	except DomainError as e:
		throw(e, title=_("Registration not possible"))
	duplicate = frappe.db.sql(
		"""select name from `tabRegistration` where session = %s and member = %s and status in %s
		for update""",
		(doc.session, doc.member, tuple(LIVE)),
	)
	if duplicate:
		frappe.throw(
			_("{0} is already registered for this session ({1}).").format(
				doc.member_name or doc.member, duplicate[0][0]
			),
			frappe.DuplicateEntryError,
			title=_("Already registered"),
		)
	try:
		doc.status, position = place(seats(doc.session, session.capacity))
		doc.waitlist_position = position or 0
	except DomainError as e:
		throw(e)
	doc.registered_on = now_datetime()


def after_insert(doc) -> None:
	update_counts(doc.session)
	notify(doc, "registration_confirmed" if doc.status == CONFIRMED else "registration_waitlisted")


def cancel(name: str) -> list[str]:
	"""Cancel a registration; a freed seat goes to the first on the waitlist. Returns promoted registrations."""
	doc = frappe.get_doc("Registration", name)
	lock_session(doc.session)
	doc.reload()  # its status may have changed while we waited for the lock
	invoiced_seat = doc.sales_invoice and doc.status in SEAT_HOLDING
	if not invoiced_seat and doc.status not in (CONFIRMED, WAITLISTED):
		frappe.throw(
			_("Only confirmed or waitlisted registrations can be cancelled."), title=_("Cannot cancel")
		)
	_withdraw(doc, "registration_cancelled")
	return refresh_seats(doc.session)


def cancel_for_session(session) -> list[str]:
	"""The session is cancelled (Avlyst): every confirmed or waitlisted registration is cancelled, credited if
	it was already invoiced, and the member is told why. Returns the cancelled registrations."""
	lock_session(session.name)
	names = frappe.get_all(
		"Registration",
		filters={"session": session.name, "status": ("in", [CONFIRMED, WAITLISTED])},
		pluck="name",
		order_by="registered_on asc",
	)
	for name in names:  # each save updates the session's counts (Registration.on_update)
		_withdraw(frappe.get_doc("Registration", name), "session_cancelled", session=session)
	if names:
		frappe.msgprint(
			_("{0} registrations were cancelled and the participants told.").format(len(names)), alert=True
		)
	return names


def _withdraw(doc, purpose: str, session=None) -> None:
	"""Set a registration to Avmeldt (with a credit note if it was invoiced) and tell the member."""
	if doc.sales_invoice and doc.status in SEAT_HOLDING:
		from kdf_app.services.invoicing import credit_registration

		credit_registration(doc)
	doc.status = CANCELLED_REG
	doc.waitlist_position = 0
	doc.cancelled_on = now_datetime()
	doc.flags.ignore_permissions = True
	doc.save()
	notify(doc, purpose, session=session)


def refresh_seats(session_name: str) -> list[str]:
	"""Promote from the waitlist into free seats, renumber the waitlist and update the session's counts."""
	session = lock_session(session_name)
	free = seats(session_name, session.capacity).free
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


def update_counts(session_name: str) -> None:
	session = frappe.db.get_value(SESSION, session_name, ["status", "capacity"], as_dict=True)
	current = seats(session_name, session.capacity)
	frappe.db.set_value(
		SESSION,
		session_name,
		{
			"confirmed_count": current.confirmed,
			"waitlist_count": current.waitlisted,
			"free_seats": current.free,
			"status": session_status(session.status, current),
		},
		update_modified=False,
	)
	frappe.clear_document_cache(SESSION, session_name)


def set_attendance(name: str, attended: bool) -> None:
	doc = frappe.get_doc("Registration", name)
	if doc.status not in SEAT_HOLDING:
		frappe.throw(_("Only confirmed participants can be marked as attended or absent."))
	doc.status = "Deltok" if attended else "Ikke møtt"
	doc.save()


# --- e-mail --------------------------------------------------------------------------------------


def notify(doc, purpose: str, session=None) -> None:
	"""Queue the Norwegian e-mail for ``purpose`` (see kdf_app.services.mail) to the member."""
	from kdf_app.services.mail import send_template

	if doc.flags.kdf_no_email:
		return
	member = frappe.db.get_value("Member", doc.member, ["email", "member_name"], as_dict=True)
	session = session or frappe.get_cached_doc(SESSION, doc.session)
	send_template(
		purpose,
		[member.email],
		{"doc": doc, "member": member, "session": session, "lines": doc.price_lines},
		reference=("Registration", doc.name),
	)


def registrations_of(member: str) -> list[dict]:
	"""A member's own registrations, newest first, with the session page's route (portal and API)."""
	rows = frappe.get_all(
		"Registration",
		filters={"member": member},
		fields=[
			"name",
			"session",
			"session_title",
			"status",
			"waitlist_position",
			"total",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"registered_on",
		],
		order_by="registered_on desc",
		ignore_permissions=True,
	)
	routes = dict(
		frappe.get_all(
			"Topplederprogram Session",
			{"name": ("in", [r.session for r in rows] or [""])},
			["name", "route"],
			as_list=True,
		)
	)
	for r in rows:
		r.route = routes.get(r.session)
	return rows
