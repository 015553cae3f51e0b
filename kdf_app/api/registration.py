"""Portal endpoints for the logged-in member's own registrations."""

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from kdf_app.kdf_members.services.members import require_member
from kdf_app.kdf_programmes.core.sessions import format_nok, group_outcome
from kdf_app.kdf_programmes.services.registration import cancellation, group, notices, single


def _current_member() -> str:
	# the messages as callables: a member's request that succeeds never loads the translation table
	return require_member(
		lambda: _("Please log in to register."),
		lambda: _("Only members can register. Contact the secretariat."),
	)


@frappe.whitelist(methods=["POST"])
def register(
	session: str,
	stay_package: str | None = None,
	extra_night: int = 0,
	with_linked_session: int = 0,
	invoice_reference: str | None = None,
	dietary_needs: str | None = None,
	topic: str | None = None,
) -> dict:
	"""Register the logged-in member. Returns name, status (Bekreftet/Venteliste), waitlist position, total
	(and total_display, the total in Norwegian: kr 12 200,00)."""
	member = _current_member()
	if not frappe.db.get_value("Topplederprogram Session", {"name": session, "published": 1}):
		frappe.throw(_("Session {0} does not exist.").format(session), frappe.DoesNotExistError)
	doc = single.register_now(
		{
			"session": session,
			"member": member,
			"stay_package": stay_package or None,
			"extra_night": frappe.utils.cint(extra_night),
			"with_linked_session": frappe.utils.cint(with_linked_session),
			"invoice_reference": invoice_reference,
			"dietary_needs": dietary_needs,
			"topic": topic,
		},
		links_checked=True,  # the published session (above), the caller's member, a package the session offers
	)
	return {
		"name": doc.name,
		"status": doc.status,
		"waitlist_position": doc.waitlist_position or None,
		"total": float(doc.total),
		"total_display": format_nok(doc.total),  # KDF invoices in NOK; written as in the e-mails
	}


@frappe.whitelist(methods=["POST"])
def register_group(
	session: str,
	participants: list | str | None = None,
	include_self: int = 1,
	stay_package: str | None = None,
	extra_night: int = 0,
	with_linked_session: int = 0,
	dietary_needs: str | None = None,
	topic: str | None = None,
	invoice_reference: str | None = None,
) -> dict:
	"""The logged-in member registers themself (``include_self``; their own choices as for ``register``) and
	colleagues from their own organisation in one step. ``participants``: a list (or JSON) of
	``{name, email, title, mobile, dietary_needs, stay_package, extra_night}``. All or nothing: bad input is
	refused with a message and nothing is saved. Returns each participant's status and a message that says how
	many went to the waitlist."""
	member = _current_member()
	if not frappe.db.get_value("Topplederprogram Session", {"name": session, "published": 1}):
		frappe.throw(_("Session {0} does not exist.").format(session), frappe.DoesNotExistError)
	rows = _participant_rows(participants)
	myself = _own_place(include_self, stay_package, extra_night, with_linked_session, dietary_needs, topic)
	docs = group.register_group(member, session, rows, myself=myself, invoice_reference=invoice_reference)
	return _group_answer(docs)


@frappe.whitelist(methods=["POST"])
def register_group_for(
	session: str,
	member: str,
	participants: list | str | None = None,
	include_member: int = 0,
	invoice_reference: str | None = None,
	stay_package: str | None = None,
	extra_night: int = 0,
	with_linked_session: int = 0,
	dietary_needs: str | None = None,
) -> dict:
	"""The secretariat registers a group from the desk (the session's *Register a Group*): ``member`` registers
	(and, with ``include_member``, attends with their own stay package, extra night and dietary needs) with
	colleagues of their organisation, each row with its own (``{name, email, title, mobile, stay_package,
	extra_night, dietary_needs}``), by the same path and rules as the portal's group form."""
	from kdf_app.permissions import require_roles

	require_roles()
	rows = _participant_rows(participants)
	myself = _own_place(include_member, stay_package, extra_night, with_linked_session, dietary_needs)
	docs = group.register_group(member, session, rows, myself=myself, invoice_reference=invoice_reference)
	return _group_answer(docs)


def _participant_rows(participants) -> list[dict]:
	"""A group's colleagues as the form or the desk sent them (a list, or its JSON)."""
	rows = frappe.parse_json(participants) if isinstance(participants, str) else (participants or [])
	if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
		frappe.throw(_("The participants must be a list."))
	return rows


def _own_place(
	include, stay_package, extra_night, with_linked_session, dietary_needs, topic=None
) -> dict | None:
	"""The registering member's own choices when they attend too (``include``), else None."""
	if not frappe.utils.cint(include):
		return None
	return {
		"stay_package": stay_package or None,
		"extra_night": frappe.utils.cint(extra_night),
		"with_linked_session": frappe.utils.cint(with_linked_session),
		"dietary_needs": dietary_needs,
		"topic": topic,
	}


def _group_answer(docs) -> dict:
	return {
		"participants": [
			{
				"name": d.participant_name,
				"registration": d.name,
				"status": d.status,
				"waitlist_position": d.waitlist_position or None,
				"total_display": format_nok(d.total),
			}
			for d in docs
		],
		**dict(zip(("confirmed", "waitlisted"), group_outcome(d.status for d in docs), strict=True)),
		"message": notices.group_message(docs),
	}


@frappe.whitelist(methods=["POST"])
def cancel(registration: str) -> dict:
	"""Cancel one of the logged-in member's own registrations, or one they made for a colleague."""
	member = _current_member()
	if member not in (frappe.db.get_value("Registration", registration, ["member", "registered_by"]) or ()):
		# the same answer whether it exists or not: names are not to be probed
		frappe.throw(_("Registration {0} not found.").format(registration), frappe.DoesNotExistError)
	cancellation.cancel(registration)
	return {"name": registration, "status": frappe.db.get_value("Registration", registration, "status")}


@frappe.whitelist()
def my_registrations() -> list[dict]:
	return single.registrations_of(_current_member())


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=10, seconds=60 * 60, methods=["POST"])  # per address, as Bli medlem
def register_guest(
	session: str,
	name: str,
	email: str,
	organisation: str,
	consent: int | str = 0,
	title: str | None = None,
	mobile: str | None = None,
	stay_package: str | None = None,
	extra_night: int = 0,
	invoice_reference: str | None = None,
	dietary_needs: str | None = None,
	topic: str | None = None,
) -> dict:
	"""Registration without a login for a session open to everyone (Åpen): the address gets a link to confirm it
	(kdf_app.kdf_programmes.services.registration.guest); no seat is held until then. The answer is the same for every address
	that passes the form's checks: it tells nobody whose an address is."""
	from kdf_app.kdf_programmes.services.registration import guest

	guest.request(
		session,
		{
			"name": name,
			"email": email,
			"organisation": organisation,
			"consent": consent,
			"title": title,
			"mobile": mobile,
			"stay_package": stay_package,
			"extra_night": extra_night,
			"invoice_reference": invoice_reference,
			"dietary_needs": dietary_needs,
			"topic": topic,
		},
	)
	return {"status": "requested"}


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60, methods=["POST"])
def confirm_guest(key: str) -> dict:
	"""The participant confirms by the link e-mailed to them: the seat is decided now. Returns the status and
	total only."""
	from kdf_app.kdf_programmes.services.registration import guest

	doc = guest.confirm(key)
	return {
		"status": doc.status,
		"waitlist_position": doc.waitlist_position or None,
		"total_display": format_nok(doc.total),
	}
