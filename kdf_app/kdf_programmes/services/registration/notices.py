"""The e-mails that follow a registration (templates in KDF Settings, always in Norwegian): confirmed,
waitlisted, promoted, cancelled, the session cancelled, and a group's summary to the member who registered it."""

import frappe
from frappe import _

SESSION = "Topplederprogram Session"


def notify(doc, purpose: str, session=None) -> None:
	"""Queue the Norwegian e-mail for ``purpose`` (see kdf_app.shared.services.mail) to the member."""
	from kdf_app.kdf_programmes.services.calendar import attachments_for as calendar_attachments
	from kdf_app.shared.services.mail import send_template

	if doc.flags.kdf_no_email:
		return
	if doc.member:
		member = frappe.db.get_value("Member", doc.member, ["email", "member_name"], as_dict=True)
	else:  # a non-member participant: to their own address, as they are named on the registration
		member = frappe._dict(email=doc.participant_email, member_name=doc.participant_name)
	if not member.email:
		return
	session = session or frappe.get_cached_doc(SESSION, doc.session)
	send_template(
		purpose,
		[member.email],
		{"doc": doc, "member": member, "session": session, "lines": doc.price_lines},
		reference=("Registration", doc.name),
		attachments=calendar_attachments(doc, purpose, session, member),
	)


def send_deferred_email(doc) -> None:
	"""The e-mail an insert kept back (``flags.kdf_defer_email``): in a web request by a background job, so
	nobody waits for it to be rendered; otherwise at once."""
	if not doc.flags.kdf_deferred_email:
		return
	if getattr(frappe.local, "request", None):
		frappe.enqueue(
			"kdf_app.kdf_programmes.services.registration.notices.send_notice",
			queue="short",
			registration=doc.name,
			purpose=doc.flags.kdf_deferred_email,
		)
	else:
		notify(doc, doc.flags.kdf_deferred_email)


def send_notice(registration: str, purpose: str) -> None:
	"""Background job: the e-mail for a registration made over the web."""
	notify(frappe.get_doc("Registration", registration), purpose)


def group_message(docs) -> str:
	"""What the answer says: how many got a seat and how many went to the waitlist."""
	from kdf_app.kdf_programmes.core.sessions import group_outcome

	confirmed, waitlisted = group_outcome(d.status for d in docs)
	if not waitlisted:
		return _("All {0} have a seat.").format(confirmed)
	return _(
		"{0} of {1} have a seat; {2} are on the waitlist (the session had too few free seats for the whole group)."
	).format(confirmed, confirmed + waitlisted, waitlisted)


def send_group_summary(member: str, registrations: list[str]) -> None:
	"""The registering member's summary of a group registration (template in KDF Settings)."""
	from kdf_app.shared.services.mail import send_template

	me = frappe.db.get_value("Member", member, ["email", "member_name"], as_dict=True)
	# the job runs after the answer: a registration deleted meanwhile is left out, not an error
	docs = [frappe.get_doc("Registration", r) for r in registrations if frappe.db.exists("Registration", r)]
	if not me or not me.email or not docs:
		return
	session = frappe.get_cached_doc(SESSION, docs[0].session)
	send_template(
		"registration_group_summary",
		[me.email],
		{"member": me, "session": session, "registrations": docs, "message": group_message(docs)},
		reference=(SESSION, session.name),
	)
