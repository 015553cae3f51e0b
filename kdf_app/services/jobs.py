"""Long work runs in the background: invoicing a session and cancelling one (credit notes, e-mails).

The desk starts a job and shows its progress on the session (Frappe's progress bar, by realtime); the job
commits after each registration, so what is done stays done if it stops half way, and running it again
carries on where it stopped (each step skips what is already done). The same job cannot run twice at once for
a session: asking again while it runs gets a clear message.
"""

import frappe
from frappe import _
from frappe.utils.background_jobs import is_job_enqueued

INVOICING, CANCELLING = "invoicing", "cancelling"
METHODS = {
	INVOICING: "kdf_app.services.jobs.run_invoicing",
	CANCELLING: "kdf_app.services.jobs.run_cancellation",
}
SESSION = "Topplederprogram Session"


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


def in_job() -> bool:
	return bool(getattr(frappe.local, "job", None))


def step_done() -> None:
	"""Inside a job, keep each finished step (an invoice, a cancellation) whatever comes after it."""
	if in_job():
		frappe.db.commit()


def progress(session: str, title: str):
	def report(done: int, total: int) -> None:
		frappe.publish_progress(
			int(done * 100 / total) if total else 100,
			title=title,
			doctype=SESSION,
			docname=session,
			description=_("{0} of {1}").format(done, total),
		)

	return report


def _tell(user: str | None, session: str, message: str, indicator: str = "green") -> None:
	frappe.get_doc(SESSION, session).add_comment("Info", message)
	if user:
		frappe.publish_realtime(
			"msgprint",
			{"message": message, "indicator": indicator, "title": session},
			user=user,
			after_commit=True,
		)


def run_invoicing(session: str, user: str | None = None) -> list[str]:
	from kdf_app.services.invoicing import create_session_invoices

	try:
		created = create_session_invoices(session, report=progress(session, _("Creating invoices")))
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=f"KDF invoicing of {session} stopped")
		_tell(
			user,
			session,
			_("Invoicing of {0} stopped; see the Error Log. Run it again to carry on.").format(session),
			"red",
		)
		frappe.db.commit()
		raise
	_tell(user, session, _("{0} invoices created for {1}.").format(len(created), session))
	return created


def run_cancellation(session: str, user: str | None = None) -> list[str]:
	from kdf_app.services.registration import cancel_for_session

	doc = frappe.get_doc(SESSION, session)
	names = cancel_for_session(doc, report=progress(session, _("Cancelling registrations")))
	_tell(user, session, _("{0} registrations were cancelled and the participants told.").format(len(names)))
	return names
