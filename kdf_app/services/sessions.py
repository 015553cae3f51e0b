"""Sessions: seat changes and what the portal shows."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from kdf_app.core.i18n import DomainError
from kdf_app.core.sessions import (
	DRAFT,
	FULL,
	LIVE,
	MEMBERS_AND_TEAMS,
	OPEN,
	OPEN_TO_ALL,
	agenda_by_day,
	check_capacity,
	check_schedule,
	check_session_participants,
	check_status_change,
)
from kdf_app.permissions import is_secretariat
from kdf_app.services.errors import throw
from kdf_app.services.members import member_for_user


def check_session(doc) -> None:
	"""The session's own rules on save (kdf_app.core): dates, links, packages, capacity against the seats
	taken, and cancelling."""
	from kdf_app.services.registration import lock_session, seats

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


def open_sessions() -> list[dict]:
	return frappe.get_all(
		"Topplederprogram Session",
		filters={"published": 1, "status": ("in", [OPEN, FULL])},
		fields=[
			"name",
			"session_title",
			"kind",
			"starts_on",
			"ends_on",
			"venue_name",
			"registration_deadline",
			"participant_fee",
			"free_seats",
			"capacity",
			"status",
			"route",
		],
		order_by="starts_on asc",
	)


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
	context.no_cache = 1
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
	deadline_passed = session.registration_deadline and now_datetime() > get_datetime(
		session.registration_deadline
	)
	context.can_register = (
		bool(member)
		and session.status in (OPEN, FULL)
		and not deadline_passed
		and not context.my_registration
	)
	# members and their leadership teams (or open): the member may also register colleagues, even when already
	# registered themself
	context.teams = session.participants_allowed in (MEMBERS_AND_TEAMS, OPEN_TO_ALL)
	context.can_register_team = (
		bool(member) and context.teams and session.status in (OPEN, FULL) and not deadline_passed
	)
	# open to everyone (Åpen): a guest registers from the page, for an organisation on the official list
	context.guest_open = (
		frappe.session.user == "Guest"
		and session.participants_allowed == OPEN_TO_ALL
		and session.status in (OPEN, FULL)
		and not deadline_passed
		and is_public(session)
	)
	if context.guest_open:
		from kdf_app.services.membership import official_organisations

		context.organisations = official_organisations()  # names and org numbers: public information
	if member:
		org = frappe.db.get_value("Member", member, "organisation")
		context.default_reference = (
			frappe.db.get_value("Customer", org, "kdf_invoice_reference") if org else None
		)
	context.parents = [{"route": "topplederprogram", "title": _("Topplederprogram")}]


def default_session() -> str | None:
	"""The next session (not cancelled) that has not ended, or else the one that started last."""
	from kdf_app.core.sessions import CANCELLED

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
