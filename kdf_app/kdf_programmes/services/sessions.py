"""Sessions: seat changes and what the portal shows."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, now_datetime

from kdf_app.kdf_app.services import page_cache
from kdf_app.kdf_members.services.members import member_for_user
from kdf_app.kdf_programmes.core.sessions import (
	CANCELLED,
	DRAFT,
	LIVE,
	MEMBERS_AND_TEAMS,
	OPEN_TO_ALL,
	REG_PAST,
	TAKES_REGISTRATIONS,
	agenda_by_day,
	check_capacity,
	check_schedule,
	check_session_participants,
	check_status_change,
	registration_state,
)
from kdf_app.permissions import is_secretariat
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw


def check_session(doc) -> None:
	"""The session's own rules on save (kdf_app.kdf_programmes.core.sessions): dates, links, packages, capacity
	against the seats taken, and cancelling."""
	from kdf_app.kdf_programmes.services.registration.seats import lock_session, seats

	before = doc.get_doc_before_save()
	confirmed = 0
	if before and doc.has_value_changed("capacity"):
		lock_session(doc.name)  # no registration may take a seat between counting and saving
		confirmed = seats(doc.name, doc.capacity).confirmed
	try:
		check_schedule(
			get_datetime(doc.starts_on),
			get_datetime(doc.ends_on),
			get_datetime(doc.registration_deadline) if doc.registration_deadline else None,
			doc.name,
			doc.linked_session,
			[r.stay_package for r in doc.stay_packages],
		)
		check_capacity(doc.capacity, confirmed)
		check_session_participants(doc.participants_allowed, doc.participant_fee, doc.non_member_fee)
		check_status_change(before.status if before else None, doc.status, doc.cancellation_reason)
	except DomainError as e:
		throw(e, title=_("Check the session"))


LIST_FIELDS = [
	"name",
	"session_title",
	"kind",
	"starts_on",
	"ends_on",
	"venue_name",
	"registration_deadline",
	"participant_fee",
	"confirmed_count",
	"capacity",
	"status",
	"route",
]
EARLIER_DAYS = 365  # the programme list also shows the sessions held in the last year


def state_of(session, now) -> str:
	"""Where registration for the session stands (kdf_app.kdf_programmes.core.sessions.registration_state: the rule of the
	registration check itself)."""
	return registration_state(
		session.status,
		get_datetime(session.registration_deadline) if session.registration_deadline else None,
		now,
		get_datetime(session.ends_on) if session.ends_on else None,
	)


def seats_left(session) -> int:
	"""Free seats: the capacity less the confirmed seats (a new session's stored free seats are 0 until its
	first registration counts them)."""
	return max((session.capacity or 0) - (session.confirmed_count or 0), 0)


def next_change(sessions, now, extra=()) -> datetime | None:
	"""The first moment after ``now`` at which one of these sessions changes state by itself (its deadline
	or its end): until then a page that shows them may be cached."""
	moments = [
		get_datetime(m)
		for s in sessions
		for m in (s.registration_deadline, s.ends_on)
		if m and get_datetime(m) > now
	]
	moments += [m for m in extra if m and m > now]
	return min(moments) if moments else None


def programme(now=None) -> dict:
	"""The programme list: published sessions not yet over (each with its registration state) in start order,
	then those held in the last year, latest first. Cancelled sessions are left out."""
	now = now or now_datetime()
	rows = frappe.get_all(
		"Topplederprogram Session",
		filters={
			"published": 1,
			"status": ("not in", [DRAFT, CANCELLED]),
			"ends_on": (">=", add_days(now, -EARLIER_DAYS)),
		},
		fields=LIST_FIELDS,
		order_by="starts_on asc",
	)
	for row in rows:
		row.state = state_of(row, now)
		row.seats_left = seats_left(row)
	upcoming = [r for r in rows if r.state != REG_PAST]
	earlier = [r for r in reversed(rows) if r.state == REG_PAST]
	# an earlier session drops off the list a year after it ended
	leaves = [add_days(get_datetime(r.ends_on), EARLIER_DAYS) for r in earlier]
	return {"upcoming": upcoming, "earlier": earlier, "until": next_change(upcoming, now, leaves)}


def is_public(session) -> bool:
	"""Guests and members see a session's page once it is published and no longer a draft."""
	return bool(session.published) and session.status != DRAFT


def can_view_page(session, user: str | None = None) -> bool:
	"""The secretariat also sees drafts and unpublished sessions (a preview); nobody else does."""
	if is_public(session) or is_secretariat(user):
		return True
	# a 404 would be remembered for the address (Frappe's website_404 cache) and hide the secretariat's
	# preview too: answer this one uncached
	frappe.local.no_cache = 1
	return False


def web_context(session, context) -> None:
	if not can_view_page(session):
		raise frappe.PageDoesNotExistError  # a draft is a 404, as if it did not exist
	now = now_datetime()
	context.show_sidebar = False
	context.title = session.session_title
	context.session = session
	context.agenda_days = agenda_by_day(session.agenda)
	context.preview = not is_public(session)
	context.packages = [
		{"name": r.stay_package, "includes": r.includes, "price": r.price} for r in session.stay_packages
	]
	context.linked = (
		frappe.db.get_value(
			"Topplederprogram Session",
			session.linked_session,
			["name", "session_title", "starts_on", "route", "published"],
			as_dict=True,
		)
		if session.linked_session
		else None
	)
	# the one rule of the registration check (kdf_app.kdf_programmes.core.sessions.registration_state)
	context.state = state_of(session, now)
	takes = context.state in TAKES_REGISTRATIONS
	context.seats_left = seats_left(session)
	member = member_for_user() if frappe.session.user != "Guest" else None
	context.member = member
	context.my_registration = (
		frappe.db.get_value(
			"Registration",
			{"session": session.name, "member": member, "status": ("in", list(LIVE))},
			["name", "status", "waitlist_position", "total"],
			as_dict=True,
		)
		if member
		else None
	)
	context.can_register = bool(member) and takes and not context.my_registration
	# members and their leadership teams (or open): the member may also register colleagues, even when already
	# registered themself
	context.teams = session.participants_allowed in (MEMBERS_AND_TEAMS, OPEN_TO_ALL)
	context.can_register_team = bool(member) and context.teams and takes
	# open to everyone (Åpen): a guest registers from the page, for an organisation on the official list
	context.guest_open = (
		frappe.session.user == "Guest"
		and session.participants_allowed == OPEN_TO_ALL
		and takes
		and is_public(session)
	)
	if context.guest_open:
		from kdf_app.kdf_members.services.membership import official_organisations

		context.organisations = official_organisations()  # names and org numbers: public information
	if member:
		org = frappe.db.get_value("Member", member, "organisation")
		context.default_reference = (
			frappe.db.get_value("Customer", org, "kdf_invoice_reference") if org else None
		)
	context.parents = [{"route": "topplederprogram", "title": _("Topplederprogram")}]
	# a guest's copy (programme, prices, seats) comes from the page cache until the deadline or the end;
	# a preview or anyone logged in gets their own (kdf_app.kdf_app.services.page_cache)
	if context.preview:
		context.no_cache = 1
	else:
		page_cache.guest_page(context, session.route, next_change([session], now))


def default_session() -> str | None:
	"""The next session (not cancelled) that has not ended, or else the one that started last."""
	from kdf_app.kdf_programmes.core.sessions import CANCELLED

	upcoming = frappe.get_all(
		"Topplederprogram Session",
		filters={"ends_on": (">=", now_datetime()), "status": ("!=", CANCELLED)},
		order_by="starts_on asc",
		limit=1,
		pluck="name",
	)
	if upcoming:
		return upcoming[0]
	latest = frappe.get_all("Topplederprogram Session", order_by="starts_on desc", limit=1, pluck="name")
	return latest[0] if latest else None
