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
	from kdf_app.kdf_programmes.services.registration import SESSION, check_open, live_registration_of

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
	from kdf_app.kdf_programmes.services.registration import register_open

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
