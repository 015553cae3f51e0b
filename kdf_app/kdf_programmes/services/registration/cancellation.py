"""Changes of mind: a registration cancelled under the rules of kdf_app.kdf_programmes.core.cancellation
(members until the cut-off, the secretariat until the start, late seats charged as the settings say), and a
cancelled session (Avlyst) whose registrations are all cancelled and told, as a background job."""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from kdf_app.kdf_programmes.core.cancellation import (
	AT_DEADLINE,
	CHARGE_FULL,
	CHARGE_NOTHING,
	CancellationPolicy,
	charged_kinds,
	check_cancellation,
)
from kdf_app.kdf_programmes.core.sessions import CANCELLED_REG, CONFIRMED, SEAT_HOLDING, WAITLISTED
from kdf_app.kdf_programmes.services.registration.notices import notify
from kdf_app.kdf_programmes.services.registration.seats import SESSION, lock_session, refresh_seats
from kdf_app.permissions import is_secretariat
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services import jobs
from kdf_app.shared.services.errors import throw

CANCELLING_JOB = "cancelling"


def cancellation_policy(settings=None) -> CancellationPolicy:
	from kdf_app.shared.services.settings import get_settings

	settings = settings or get_settings()
	try:
		return CancellationPolicy(
			settings.member_cancellation_cutoff or AT_DEADLINE,
			cint(settings.member_cancellation_days),
			settings.late_cancellation_charge or CHARGE_FULL,
		)
	except DomainError as e:
		throw(e, title=_("Check KDF Settings"))


def cancel(name: str) -> list[str]:
	"""Cancel a registration under the rules of kdf_app.kdf_programmes.core.cancellation (members until the cut-off, the
	secretariat until the start, late seats charged as the settings say); a freed seat goes to the first on
	the waitlist. Returns the promoted registrations."""
	doc = frappe.get_doc("Registration", name)
	session = lock_session(doc.session)
	doc.reload()  # its status may have changed while we waited for the lock
	try:
		decision = check_cancellation(
			doc.status,
			cancellation_policy(),
			get_datetime(session.registration_deadline) if session.registration_deadline else None,
			get_datetime(session.starts_on),
			now_datetime(),
			by_secretariat=is_secretariat(),
		)
	except DomainError as e:
		throw(e, title=_("Cannot cancel"))
	_withdraw(doc, "registration_cancelled", charge=decision.charge)
	return refresh_seats(doc.session)


def cancel_for_session(session, report=None) -> list[str]:
	"""The session is cancelled (Avlyst): every confirmed or waitlisted registration is cancelled, credited if
	it was already invoiced, and the member is told why. Returns the cancelled registrations. Runs as a
	background job (run_cancellation); each registration is committed as it is done, and running it again
	finds only what is left."""
	names = frappe.get_all(
		"Registration",
		filters={"session": session.name, "status": ("in", [CONFIRMED, WAITLISTED])},
		pluck="name",
		order_by="registered_on asc",
	)
	done = []
	for i, name in enumerate(names, start=1):
		lock_session(session.name)
		doc = frappe.get_doc("Registration", name)
		if doc.status in (CONFIRMED, WAITLISTED):  # each save updates the session's counts
			_withdraw(doc, "session_cancelled", session=session)
			done.append(name)
		jobs.step_done()
		if report:
			report(i, len(names))
	return done


def start_cancelling(session: str) -> dict:
	"""Queue the cancelled session's cancellations (after this request commits); refuse a second run."""
	jobs.refuse_if_running(
		CANCELLING_JOB,
		session,
		lambda: _(
			"Cancelling the registrations of {0} is already running; its progress shows on the session."
		).format(session),
	)
	return jobs.enqueue(
		"kdf_app.kdf_programmes.services.registration.cancellation.run_cancellation",
		CANCELLING_JOB,
		session,
		session=session,
	)


@jobs.in_users_language
def run_cancellation(session: str, user: str | None = None) -> list[str]:
	"""Background job: cancel a cancelled session's registrations with a progress bar on the session."""
	doc = frappe.get_doc(SESSION, session)
	names = cancel_for_session(doc, report=jobs.progress(_("Cancelling registrations"), SESSION, session))
	jobs.tell(
		user,
		_("{0} registrations were cancelled and the participants told.").format(len(names)),
		doctype=SESSION,
		name=session,
	)
	return names


def _withdraw(doc, purpose: str, session=None, charge: str = CHARGE_NOTHING) -> None:
	"""Set a registration to Avmeldt and tell the member. What a late cancellation still costs stays
	invoiced (``charge``): an invoiced seat is credited for the rest, one not yet invoiced is invoiced for
	that part only when the session is invoiced."""
	if doc.sales_invoice and doc.status in SEAT_HOLDING:
		from kdf_app.kdf_billing.services.invoicing import credit_registration

		credit_registration(doc, keep=charged_kinds(charge))
	doc.late_charge = charge if doc.status in SEAT_HOLDING and charge != CHARGE_NOTHING else None
	doc.status = CANCELLED_REG
	doc.waitlist_position = 0
	doc.cancelled_on = now_datetime()
	doc.flags.ignore_permissions = True
	doc.save()
	notify(doc, purpose, session=session)
