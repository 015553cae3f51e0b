"""Open sessions (Åpen): a guest's registration holds a seat only once the participant confirms it.

The public form (``request``) checks what it says — the same checks and the same answer for any address, so
nobody learns whose an address is — and e-mails the address (template *guest_registration_confirm*): a
confirmation link, or, for a member's address or one already registered, what to do instead. Nothing is
registered and no seat is held: a stranger can neither fill a session nor have a kommune invoiced. The link
(``confirm``, a POST from the page /bekreft-pamelding, so a mail scanner's prefetch confirms nothing) makes the
registration through the same seat decision as every other. Unconfirmed requests lapse after KDF Settings'
*Hours to Confirm* and are deleted (``lapse``, hourly), with what they held.
"""

import json

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_datetime, get_url, now_datetime

from kdf_app.kdf_programmes.core.evaluation import key_hash, new_key
from kdf_app.kdf_programmes.core.sessions import CONTACT_PARTICIPANT, LIVE, clean_text
from kdf_app.kdf_programmes.services.registration.group import contact_of
from kdf_app.kdf_programmes.services.registration.seats import SESSION
from kdf_app.kdf_programmes.services.registration.single import register_now
from kdf_app.shared.services.mail import send_template
from kdf_app.shared.services.settings import get_settings

REQUEST = "Guest Registration Request"
PURPOSE = "guest_registration_confirm"
DEFAULT_HOURS = 48
FIELDS = (
	"name",
	"email",
	"organisation",
	"consent",
	"title",
	"mobile",
	"stay_package",
	"extra_night",
	"invoice_reference",
	"dietary_needs",
	"topic",
)


def request(session: str, values: dict) -> str | None:
	"""Check the form and e-mail its address; returns the confirmation key (for the service's callers and
	tests: the endpoint returns nothing of it), None when the address got a what-to-do e-mail instead."""
	checked = check_open(session, values)
	email = checked["email"]
	# one request at a time per address and session: two at once must not both pass
	frappe.db.sql(f"select name from `tab{REQUEST}` where email = %s for update", email)
	info = frappe.db.get_value(SESSION, session, ["name", "session_title", "starts_on"], as_dict=True)
	context = {"name": checked["name"], "email": email, "session": info, "login_url": get_url("/login")}
	reason = (
		"member"
		if frappe.db.exists("Member", {"email": email})
		else "registered"
		if live_registration_of(session, email)
		else None
	)
	if reason:
		send_template(PURPOSE, [email], {**context, "reason": reason})
		return None
	frappe.db.delete(REQUEST, {"session": session, "email": email})  # a new request replaces the old link
	key = new_key()
	hours = cint(get_settings().get("guest_confirmation_hours")) or DEFAULT_HOURS
	expires_on = add_to_date(now_datetime(), hours=hours)
	frappe.get_doc(
		{
			"doctype": REQUEST,
			"session": session,
			"email": email,
			"key_hash": key_hash(key),
			"expires_on": expires_on,
			"request_data": json.dumps({f: checked.get(f) for f in FIELDS}, default=str),
		}
	).insert(ignore_permissions=True)
	send_template(
		PURPOSE,
		[email],
		{
			**context,
			"reason": None,
			"link": get_url(f"/bekreft-pamelding?key={key}"),
			"expires_on": expires_on,
		},
	)
	return key


def pending(key: str | None):
	"""The request a link's key belongs to, while it has not lapsed; None otherwise."""
	if not key:
		return None
	row = frappe.db.get_value(
		REQUEST, {"key_hash": key_hash(key)}, ["name", "session", "expires_on", "request_data"], as_dict=True
	)
	if not row or get_datetime(row.expires_on) < now_datetime():
		return None
	return row


def confirm(key: str):
	"""The participant confirms by the link: the registration is made now (seat or waitlist), the request goes."""
	row = pending(key)
	if not row:
		frappe.throw(
			_("This link has expired or was already used. Register again on the session's page."),
			frappe.DoesNotExistError,
			title=_("Link no longer valid"),
		)
	values = json.loads(row.request_data or "{}")
	frappe.db.delete(REQUEST, row.name)  # used once, whatever comes next
	return register_open(row.session, values)


def lapse() -> int:
	"""Hourly: delete the requests nobody confirmed in time (and the personal data they held)."""
	names = frappe.get_all(REQUEST, {"expires_on": ("<", now_datetime())}, pluck="name")
	if names:
		frappe.db.delete(REQUEST, {"name": ("in", names)})
	return len(names)


def check_open(session: str, values: dict) -> dict:
	"""What a guest's form says, checked the same way for any address (``request``):
	a session open to everyone, a name and a valid e-mail, consent to the privacy notice, an organisation on
	the official list. Nothing here looks the address up, so no answer tells whose it is."""
	from frappe.utils import validate_email_address

	from kdf_app.kdf_members.services.membership import _official_names
	from kdf_app.kdf_programmes.core.sessions import OPEN_TO_ALL, normalise_email

	row = frappe.db.get_value(
		SESSION, {"name": session, "published": 1}, ["name", "participants_allowed"], as_dict=True
	)
	if not row:
		frappe.throw(_("Session {0} does not exist.").format(session), frappe.DoesNotExistError)
	if row.participants_allowed != OPEN_TO_ALL:
		frappe.throw(
			_("This session takes registrations from members only: log in to register."),
			frappe.PermissionError,
			title=_("Registration not possible"),
		)
	name = clean_text(values.get("name"), limit=140)
	email = normalise_email(values.get("email"))
	if not name or not email or not validate_email_address(email):
		frappe.throw(_("Give your name and a valid e-mail address."), title=_("Missing participant"))
	if not cint(values.get("consent")):
		frappe.throw(_("Please confirm that you have read the privacy notice."), title=_("Privacy notice"))
	organisation = values.get("organisation")
	if organisation not in _official_names():
		frappe.throw(_("Choose your organisation from the list."), title=_("Organisation"))
	return {**values, "name": name, "email": email, "organisation": organisation}


def live_registration_of(session: str, email: str) -> bool:
	"""Whether the address already has a live registration for the session."""
	return bool(
		frappe.db.sql(
			"""select 1 from `tabRegistration` where session = %s and status in %s and participant_email = %s
			limit 1""",
			(session, tuple(LIVE), email),
		)
	)


def register_open(session: str, values: dict):
	"""A guest's registration for a session open to everyone (Åpen), once the participant has confirmed it by
	the link sent to their address (``confirm``): a non-member participant of an
	organisation on the official list, invoiced to that organisation. Their Contact is found or made under the
	organisation, then the same seat decision as every registration (waitlist in arrival order). Refused with
	a message (to the holder of the link, who is the address's owner): a session no longer open, an address that
	is a member's (members log in), or the same person twice. Nothing is saved when refused."""
	values = check_open(session, values)
	name, email, organisation = values["name"], values["email"], values["organisation"]
	if frappe.db.exists("Member", {"email": email}):
		frappe.throw(_("This address belongs to a member: log in to register."), title=_("Log in"))
	contact = contact_of(
		organisation, name, email, clean_text(values.get("title"), limit=140) or None, values.get("mobile")
	)
	try:
		return _register_contact_now(session, contact, organisation, values)
	except frappe.DuplicateEntryError:
		# said without the registration's name: the caller is not logged in (the message that names it goes)
		frappe.clear_messages()
		frappe.throw(
			_("{0} is already registered for this session.").format(name),
			frappe.DuplicateEntryError,
			title=_("Already registered"),
		)


def _register_contact_now(session: str, contact: str, organisation: str, values: dict):
	return register_now(
		{
			"session": session,
			"participant_type": CONTACT_PARTICIPANT,
			"contact": contact,
			"paying_organisation": organisation,
			"stay_package": values.get("stay_package") or None,
			"extra_night": cint(values.get("extra_night")),
			"invoice_reference": values.get("invoice_reference"),
			"dietary_needs": values.get("dietary_needs"),
			"topic": values.get("topic"),
		}
	)
