"""Long work runs in the background: invoicing a session, cancelling one (credit notes, e-mails) and the
year's membership dues batch.

The desk starts a job and shows its progress (Frappe's progress bar, by realtime: on the session for everyone
who has it open, to the user who started the dues batch); the job commits after each step, so what is done
stays done if it stops half way, and running it again carries on where it stopped (each step skips what is
already done). The same job cannot run twice at once: asking again while it runs gets a clear message.
Invoicing leaves its result on the session (status, when, invoices made, held and why) and the dues batch in
KDF Settings, so the result is there after the message is gone.
"""

import frappe
from frappe import _
from frappe.utils.background_jobs import is_job_enqueued

INVOICING, CANCELLING, DUES = "invoicing", "cancelling", "dues"
METHODS = {
	INVOICING: "kdf_app.shared.services.jobs.run_invoicing",
	CANCELLING: "kdf_app.shared.services.jobs.run_cancellation",
}
SESSION = "Topplederprogram Session"
SETTINGS = "KDF Settings"
# the session's invoicing status (kdf_app.kdf_billing.services.invoicing.record_run)
QUEUED, RUNNING, DONE, STOPPED = "Queued", "Running", "Done", "Stopped"
# the desk reloads the session when its invoicing is done (topplederprogram_session.js)
DONE_EVENT = "kdf_invoicing_done"


def job_id(kind: str, session: str) -> str:
	return f"kdf-{kind}-{session}"


def start(kind: str, session: str) -> dict:
	"""Queue the job (after this request commits); refuse a second one for the same session."""
	jid = job_id(kind, session)
	if is_job_enqueued(jid):
		frappe.throw(
			_("Invoicing of {0} is already running; its progress shows on the session.").format(session)
			if kind == INVOICING
			else _(
				"Cancelling the registrations of {0} is already running; its progress shows on the session."
			).format(session),
			title=_("Already running"),
		)
	if kind == INVOICING:  # shown on the session until the job says otherwise
		set_invoicing_status(session, QUEUED)
	frappe.enqueue(
		METHODS[kind],
		queue="long",
		timeout=3600,
		job_id=jid,
		deduplicate=True,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		session=session,
		user=frappe.session.user,
	)
	return {"job_id": jid}


def start_dues(year: int, submit: bool | None = None) -> dict:
	"""Queue the year's dues batch (after this request commits); refuse a second one for the same year."""
	jid = job_id(DUES, str(year))
	if is_job_enqueued(jid):
		frappe.throw(
			_("The dues batch for {0} is already running; its progress shows in the desk.").format(year),
			title=_("Already running"),
		)
	frappe.enqueue(
		"kdf_app.shared.services.jobs.run_dues",
		queue="long",
		timeout=3600,
		job_id=jid,
		deduplicate=True,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		year=year,
		submit=submit,
		user=frappe.session.user,
	)
	return {"job_id": jid}


def in_job() -> bool:
	return bool(getattr(frappe.local, "job", None))


def step_done() -> None:
	"""Inside a job, keep each finished step (an invoice, a cancellation) whatever comes after it."""
	if in_job():
		frappe.db.commit()


def progress(session: str | None, title: str):
	"""Report ``done`` of ``total`` as Frappe's progress bar: on the session for whoever has it open, or (no
	session) to the user who started the job. A bar at 0 % is not drawn, so the start shows as 1 %."""

	def report(done: int, total: int) -> None:
		percent = int(done * 100 / total) if total else 100
		frappe.publish_progress(
			max(percent, 1),
			title=title,
			doctype=SESSION if session else None,
			docname=session,
			description=_("{0} of {1}").format(done, total),
		)

	return report


def set_invoicing_status(session: str, status: str) -> None:
	frappe.db.set_value(SESSION, session, "invoicing_status", status, update_modified=False)
	frappe.clear_document_cache(SESSION, session)


def _html(message: str) -> str:
	"""A message with names and reasons in it (customers, EHF problems) as safe HTML, one line a line."""
	return frappe.utils.escape_html(message).replace("\n", "<br>")


def _tell(user: str | None, session: str, message: str, indicator: str = "green") -> None:
	frappe.get_doc(SESSION, session).add_comment("Info", _html(message))
	# whoever has the session open sees the result on it (topplederprogram_session.js reloads it)
	frappe.publish_realtime(
		DONE_EVENT, {"session": session}, doctype=SESSION, docname=session, after_commit=True
	)
	if user:
		frappe.publish_realtime(
			"msgprint",
			{"message": _html(message), "indicator": indicator, "title": session},
			user=user,
			after_commit=True,
		)


def in_users_language(fn):
	"""Decorator: the job's messages and the result it leaves (for the desk) in the language of whoever
	started it (``user``), and the caller's language back afterwards (in tests a job runs inline); what
	members and payers receive is Norwegian whatever it is (kdf_app.shared.services.language)."""
	from functools import wraps

	@wraps(fn)
	def wrapper(*args, user: str | None = None, **kwargs):
		from frappe.translate import get_user_lang

		before = getattr(frappe.local, "lang", None)
		if user:
			frappe.local.lang = get_user_lang(user)
		try:
			return fn(*args, user=user, **kwargs)
		finally:
			frappe.local.lang = before

	return wrapper


@in_users_language
def run_invoicing(session: str, user: str | None = None) -> list[str]:
	from kdf_app.kdf_billing.services.invoicing import create_session_invoices, record_run

	set_invoicing_status(session, RUNNING)
	step_done()
	created = []
	try:
		create_session_invoices(session, report=progress(session, _("Creating invoices")), created=created)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"KDF invoicing of {session} stopped")
		result = record_run(session, created, stopped=True)
		_tell(user, session, result.message, "red")
		frappe.db.commit()
		raise
	result = record_run(session, created)
	_tell(user, session, result.message, "orange" if result.held else "green")
	return created


@in_users_language
def run_cancellation(session: str, user: str | None = None) -> list[str]:
	from kdf_app.kdf_programmes.services.registration.cancellation import cancel_for_session

	doc = frappe.get_doc(SESSION, session)
	names = cancel_for_session(doc, report=progress(session, _("Cancelling registrations")))
	_tell(user, session, _("{0} registrations were cancelled and the participants told.").format(len(names)))
	return names


@in_users_language
def run_dues(year: int, submit: bool | None = None, user: str | None = None) -> list[str]:
	from kdf_app.kdf_billing.services.dues import create_dues_invoices, record_run

	created = []
	try:
		create_dues_invoices(
			year, submit, report=progress(None, _("Creating dues invoices")), created=created
		)
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"KDF dues batch {year} stopped")
		result = record_run(year, created, stopped=True)
		frappe.db.commit()
		_tell_user(user, result.message, "red")
		raise
	result = record_run(year, created)
	_tell_user(user, result.message, "orange" if result.held else "green")
	return created


def _tell_user(user: str | None, message: str, indicator: str) -> None:
	if user:
		frappe.publish_realtime(
			"msgprint",
			{"message": _html(message), "indicator": indicator, "title": _("Create Dues Invoices")},
			user=user,
			after_commit=True,
		)
