"""Group registration: a member registers themself and colleagues from their own organisation in one step,
all or nothing."""

import frappe
from frappe import _
from frappe.utils import cint

from kdf_app.kdf_programmes.core.sessions import (
	CONTACT_PARTICIPANT,
	LIVE,
	MEMBER_PARTICIPANT,
	check_participant_allowed,
	clean_text,
)
from kdf_app.kdf_programmes.services.registration.notices import send_deferred_email, send_group_summary
from kdf_app.kdf_programmes.services.registration.seats import SESSION, as_one_unit
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw

GROUP_OPTIONS = ("stay_package", "extra_night", "with_linked_session", "dietary_needs", "topic")


def contact_of(organisation: str, name: str, email: str, title: str | None, mobile: str | None) -> str:
	"""The Contact of ``organisation`` with this e-mail address, made when there is none. Only contacts of the
	registering member's own organisation are ever looked at, and nothing of them is returned to the caller."""
	from kdf_app.kdf_programmes.core.sessions import normalise_email

	email = normalise_email(email)
	found = frappe.db.sql(
		"""select c.name from `tabContact` c join `tabDynamic Link` l on l.parent = c.name
		and l.parenttype = 'Contact' and l.link_doctype = 'Customer' and l.link_name = %s
		where lower(c.email_id) = %s order by c.creation limit 1""",
		(organisation, email),
	)
	if found:
		return found[0][0]
	first, _sep, last = name.strip().rpartition(" ")
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first or last,
			"last_name": last if first else None,
			"designation": title or None,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"phone_nos": [{"phone": mobile, "is_primary_mobile_no": 1}] if mobile else [],
			"links": [{"link_doctype": "Customer", "link_name": organisation}],
		}
	)
	contact.flags.ignore_permissions = True
	contact.insert()
	return contact.name


def plan_group(member: str, session: str, participants: list[dict], myself: dict | None) -> list[dict]:
	"""Check a whole group before anything is saved and return one registration's values per participant,
	in the order given (the registering member first). Refused with a message: a colleague from another
	organisation, the same person twice, someone already registered, a non-member on a members-only session."""
	from kdf_app.kdf_programmes.core.sessions import GroupRow, check_group, normalise_email

	me = frappe.db.get_value(
		"Member", member, ["name", "member_name", "email", "organisation", "membership_status"], as_dict=True
	)
	if not me or not me.organisation:
		frappe.throw(_("Only a member with an organisation can register colleagues."), frappe.PermissionError)
	session_row = frappe.db.get_value(SESSION, session, ["participants_allowed"], as_dict=True)
	if not session_row:
		frappe.throw(_("Session {0} does not exist.").format(session), frappe.DoesNotExistError)
	# every row given is a participant: a row left half-filled or empty is refused, naming its number, never
	# dropped (a colleague typed into a row that did not take the text would otherwise go unregistered unsaid)
	participants = list(participants or [])
	rows = [GroupRow(me.member_name, me.email, me.organisation, is_self=True)] if myself is not None else []
	try:
		for number, p in enumerate(participants, start=1):
			rows.append(
				GroupRow(
					clean_text(p.get("name"), limit=140),
					normalise_email(p.get("email")),
					p.get("organisation") or None,
					row=number,
				)
			)
		check_group(rows, me.organisation)
	except DomainError as e:
		throw(e, title=_("Check the group"))
	planned = []
	if myself is not None:
		planned.append(
			{
				"participant_type": MEMBER_PARTICIPANT,
				"member": me.name,
				"participant_name": me.member_name,
				**{k: myself.get(k) for k in GROUP_OPTIONS},
			}
		)
	for p, row in zip(participants, rows[len(planned) :], strict=True):
		other = frappe.db.get_value(
			"Member", {"email": row.email}, ["name", "organisation", "member_name"], as_dict=True
		)
		if other and other.organisation != me.organisation:
			# the register must not tell a member whose an address is: a member of another organisation is
			# registered as any other colleague would be (a contact of the member's organisation, which pays,
			# the non-member fee) — directors change jobs before the register knows
			other = None
		values = {k: p.get(k) for k in GROUP_OPTIONS}
		if other:  # a colleague who is a member themself: registered as a member, at the member fee
			values.update(
				participant_type=MEMBER_PARTICIPANT, member=other.name, participant_name=other.member_name
			)
		else:
			try:
				check_participant_allowed(
					session_row.participants_allowed, CONTACT_PARTICIPANT, True, row.name
				)
			except DomainError as e:
				throw(e, title=_("Registration not possible"))
			values.update(
				participant_type=CONTACT_PARTICIPANT,
				participant_name=row.name,
				participant_email=row.email,
				_title=clean_text(p.get("title"), limit=140),
				_mobile=clean_text(p.get("mobile"), limit=40),
			)
		planned.append(values)
	# already registered (checked again under the session's lock when each is inserted)
	for values in planned:
		if values.get("member"):
			found = frappe.db.get_value(
				"Registration", {"session": session, "member": values["member"], "status": ("in", list(LIVE))}
			)
		else:
			found = frappe.db.get_value(
				"Registration",
				{
					"session": session,
					"participant_email": values["participant_email"],
					"status": ("in", list(LIVE)),
				},
			)
		if found:
			frappe.throw(
				_("{0} is already registered for this session ({1}).").format(
					values["participant_name"], found
				),
				frappe.DuplicateEntryError,
				title=_("Already registered"),
			)
	return planned


def register_group(
	member: str,
	session: str,
	participants: list[dict],
	myself: dict | None = None,
	invoice_reference: str | None = None,
	attempts: int = 3,
) -> list:
	"""A member registers themself (``myself``, optional) and colleagues from their own organisation in one
	step. Everything is checked first (:func:`plan_group`); then all registrations are inserted in ONE short
	transaction — each gets its own seat decision under the session's lock (:func:`allocate`), in the order
	given, so a group that does not fit fills the free seats and the rest go to the waitlist in that order.
	One transaction because a group is all or nothing: an error on the fifth participant (say, registered by
	someone else a moment ago) leaves no contact and no registration of the first four. The transaction is
	short (a handful of inserts) and committed at once in a web request; a deadlock retries the whole group.
	Each participant then gets their e-mail and the registering member a summary."""
	organisation = frappe.db.get_value("Member", member, "organisation")
	planned = plan_group(member, session, participants, myself)
	in_request = bool(getattr(frappe.local, "request", None))

	def insert_all():
		docs = []
		for values in planned:
			values = dict(values)
			title, mobile = values.pop("_title", None), values.pop("_mobile", None)
			if values["participant_type"] == CONTACT_PARTICIPANT:
				values["contact"] = contact_of(
					organisation, values["participant_name"], values["participant_email"], title, mobile
				)
			doc = frappe.get_doc(
				{
					"doctype": "Registration",
					"session": session,
					"registered_by": member,
					"paying_organisation": organisation,
					"invoice_reference": invoice_reference,
					**values,
					"extra_night": cint(values.get("extra_night")),
					"with_linked_session": cint(values.get("with_linked_session")),
					"stay_package": values.get("stay_package") or None,
				}
			)
			doc.flags.ignore_permissions = True
			doc.flags.kdf_defer_email = True
			doc.insert()
			docs.append(doc)
		return docs

	docs = as_one_unit(insert_all, attempts)
	for doc in docs:
		send_deferred_email(doc)
	if any(d.member != member for d in docs):
		if in_request:
			frappe.enqueue(
				"kdf_app.kdf_programmes.services.registration.notices.send_group_summary",
				queue="short",
				member=member,
				registrations=[d.name for d in docs],
			)
		else:
			send_group_summary(member, [d.name for d in docs])
	return docs
