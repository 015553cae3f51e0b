"""Long work in the background, the machinery: a job that cannot run twice at once, Frappe's progress bar, a
commit after each step and the result left where the desk sees it. This module imports no service.

The jobs themselves live with their domain: invoicing a session
(kdf_app.kdf_billing.services.invoicing.run_invoicing), the year's membership dues batch
(kdf_app.kdf_billing.services.dues.run_dues) and cancelling a session's registrations
(kdf_app.kdf_programmes.services.registration.cancellation.run_cancellation).

The desk starts a job and shows its progress (by realtime: on the document for everyone who has it open, or to
the user who started it); the job commits after each step, so what is done stays done if it stops half way, and
running it again carries on where it stopped (each step skips what is already done). The same job cannot run
twice at once: asking again while it runs gets a clear message. A job leaves its result on its document (a
comment, and fields of its own) so the result is there after the message is gone.
"""

from collections.abc import Callable

import frappe
from frappe import _
from frappe.utils.background_jobs import is_job_enqueued

# a job done with a document: whoever has the document open reloads it (topplederprogram_session.js)
DONE_EVENT = "kdf_invoicing_done"


def job_id(kind: str, key: str) -> str:
	return f"kdf-{kind}-{key}"


def refuse_if_running(kind: str, key: str, message: Callable[[], str]) -> None:
	"""Refuse a second job ``kind`` for ``key`` while one is queued or running (``message``: what to say)."""
	if is_job_enqueued(job_id(kind, key)):
		frappe.throw(message(), title=_("Already running"))


def enqueue(method: str, kind: str, key: str, **kwargs) -> dict:
	"""Queue ``method`` as the job ``kind`` for ``key`` after this request commits (at once in tests), with
	``user``, who started it, among its arguments."""
	jid = job_id(kind, key)
	frappe.enqueue(
		method,
		queue="long",
		timeout=3600,
		job_id=jid,
		deduplicate=True,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		user=frappe.session.user,
		**kwargs,
	)
	return {"job_id": jid}


def in_job() -> bool:
	return bool(getattr(frappe.local, "job", None))


def step_done() -> None:
	"""Inside a job, keep each finished step (an invoice, a cancellation) whatever comes after it."""
	if in_job():
		frappe.db.commit()


def progress(title: str, doctype: str | None = None, name: str | None = None):
	"""Report ``done`` of ``total`` as Frappe's progress bar: on the document (``doctype``, ``name``) for whoever
	has it open, or (no document) to the user who started the job. A bar at 0 % is not drawn, so the start shows
	as 1 %."""

	def report(done: int, total: int) -> None:
		percent = int(done * 100 / total) if total else 100
		frappe.publish_progress(
			max(percent, 1),
			title=title,
			doctype=doctype,
			docname=name,
			description=_("{0} of {1}").format(done, total),
		)

	return report


def html(message: str) -> str:
	"""A message with names and reasons in it (customers, EHF problems) as safe HTML, one line a line."""
	return frappe.utils.escape_html(message).replace("\n", "<br>")


def tell(
	user: str | None,
	message: str,
	indicator: str = "green",
	title: str | None = None,
	doctype: str | None = None,
	name: str | None = None,
) -> None:
	"""The job's result: as a comment on its document (``doctype``, ``name``), whose open form reloads
	(DONE_EVENT), and as a message to the user who started the job (titled ``title``, else the document)."""
	if name:
		frappe.get_doc(doctype, name).add_comment("Info", html(message))
		frappe.publish_realtime(
			DONE_EVENT, {"doctype": doctype, "name": name}, doctype=doctype, docname=name, after_commit=True
		)
	if user:
		frappe.publish_realtime(
			"msgprint",
			{"message": html(message), "indicator": indicator, "title": title or name},
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
