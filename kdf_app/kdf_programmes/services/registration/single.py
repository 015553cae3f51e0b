"""One registration: who takes part, who pays, the stored price lines, and the insert as one short unit of
work (the seat decision is kept to :mod:`seats`); attendance; a member's own registrations."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from kdf_app.kdf_programmes.core.cancellation import attendance_status, cancellation_notice, check_attendance
from kdf_app.kdf_programmes.core.sessions import (
	CONFIRMED,
	CONTACT_PARTICIPANT,
	MEMBER_PARTICIPANT,
	PRICE_LABELS,
	WAITLISTED,
	SessionPrices,
	check_invoice_reference,
	clean_text,
	money,
	price_registration,
)
from kdf_app.kdf_programmes.services.registration.cancellation import cancellation_policy
from kdf_app.kdf_programmes.services.registration.notices import notify, send_deferred_email
from kdf_app.kdf_programmes.services.registration.seats import SESSION, as_one_unit, update_counts
from kdf_app.permissions import is_secretariat
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw
from kdf_app.shared.services.language import MEMBER_LANGUAGE


def session_prices_of(name: str) -> SessionPrices:
	"""The session's prices, read directly (two small queries; the cached document is cleared by every
	seat count, so it would be rebuilt for each registration)."""
	s = frappe.db.get_value(
		SESSION,
		name,
		["participant_fee", "extra_night_price", "combination_discount", "linked_session", "non_member_fee"],
		as_dict=True,
	)
	if not s:
		frappe.throw(_("Session {0} does not exist.").format(name), frappe.DoesNotExistError)
	rows = frappe.db.get_all(
		"Session Stay Package",
		filters={"parent": name, "parenttype": SESSION, "parentfield": "stay_packages"},
		fields=["stay_package", "price"],
	)
	return SessionPrices(
		participant_fee=money(s.participant_fee),
		packages={r.stay_package: money(r.price) for r in rows},
		extra_night=money(s.extra_night_price),
		combination_discount=money(s.combination_discount),
		has_linked_session=bool(s.linked_session),
		non_member_fee=money(s.non_member_fee) if s.non_member_fee else None,
	)


PRICE_LABELS_CACHE = "kdf_app:price_line_labels"


def price_labels() -> dict[str, str]:
	"""The price lines' descriptions as members read them (Norwegian, whoever registered: a member on the
	portal or the secretariat in the desk in English; kdf_app.shared.services.language). Cached, because loading a
	language's whole translation table for three labels costs more than the rest of a registration's pricing;
	the cache is cleared with Frappe's (migrate, ``bench clear-cache``) and whenever a Translation changes."""
	lang = MEMBER_LANGUAGE
	return frappe.cache.hget(
		PRICE_LABELS_CACHE, lang, generator=lambda: {label: _(label, lang=lang) for label in PRICE_LABELS}
	)


def clear_price_labels(*args, **kwargs) -> None:
	frappe.cache.delete_value(PRICE_LABELS_CACHE)


def validate(doc) -> None:
	"""Defaults, clean free text and the stored price lines (from kdf_app.kdf_programmes.core.sessions). A new
	registration has this done in ``before_insert``, before Frappe takes the naming series' lock, so the locks
	are held only for the seat decision and the insert; ``validate`` then finds it done (``flags.kdf_prepared``)."""
	if doc.flags.kdf_prepared:
		doc.flags.kdf_prepared = False  # a later save of the same object validates again
		return
	prepare(doc)


def prepare(doc) -> None:
	try:
		doc.dietary_needs = clean_text(doc.dietary_needs)
		doc.topic = clean_text(doc.topic) or None
		doc.invoice_reference = clean_text(doc.invoice_reference, limit=140) or None
		doc.deadline_override_reason = clean_text(doc.deadline_override_reason) or None
	except DomainError as e:
		throw(e)
	if (
		doc.has_value_changed("deadline_override_reason")
		and doc.deadline_override_reason
		and not is_secretariat()
	):
		frappe.throw(_("Only the secretariat can register after the deadline."), frappe.PermissionError)
	set_participant(doc)
	if not doc.paying_organisation:
		frappe.throw(_("Choose the organisation that pays for this registration."), title=_("Missing payer"))
	payer = frappe.db.get_value(
		"Customer", doc.paying_organisation, ["kdf_send_ehf", "kdf_invoice_reference"], as_dict=True
	)
	doc.invoice_reference = doc.invoice_reference or payer.kdf_invoice_reference
	try:
		check_invoice_reference(
			doc.paying_organisation,
			payer.kdf_send_ehf,
			doc.invoice_reference,
			None if doc.is_new() else doc.status,  # a new one is always live (allocate decides how)
		)
	except DomainError as e:
		throw(e, title=_("Missing invoice reference"))
	if doc.sales_invoice:
		return  # invoiced: the price stays as billed
	try:
		lines, total = price_registration(
			session_prices_of(doc.session),
			doc.stay_package,
			bool(doc.extra_night),
			bool(doc.with_linked_session),
			known_packages=[doc.stay_package]
			if doc.stay_package and frappe.db.exists("Stay Package", doc.stay_package)
			else [],
			participant_type=doc.participant_type,
		)
	except DomainError as e:
		throw(e)
	labels = price_labels()
	doc.set(
		"price_lines",
		[
			{"code": l.code, "description": labels.get(l.description, l.description), "amount": l.amount}
			for l in lines
		],
	)
	doc.total = total


def set_participant(doc) -> None:
	"""Who the registration is for, copied onto it: the member (as before), or a Contact of the paying
	organisation (a colleague from the leadership team, or anyone on an open session). One query each."""
	doc.participant_type = doc.participant_type or MEMBER_PARTICIPANT
	if doc.participant_type == MEMBER_PARTICIPANT:
		member = frappe.db.get_value(
			"Member", doc.member, ["organisation", "member_name", "title", "email", "mobile"], as_dict=True
		)
		if not member:
			frappe.throw(_("Member {0} does not exist.").format(doc.member))
		doc.contact = None
		doc.member_name, doc.member_title = member.member_name, member.title  # as their fetch_from would
		doc.paying_organisation = doc.paying_organisation or member.organisation
		doc.participant_name, doc.participant_title = member.member_name, member.title
		doc.participant_email, doc.participant_mobile = member.email, member.mobile
	elif doc.participant_type == CONTACT_PARTICIPANT:
		if doc.member:
			frappe.throw(
				_(
					"A registration for a contact has no member: clear the member or choose participant type Medlem."
				)
			)
		if not doc.contact:
			frappe.throw(_("Choose the contact who takes part."), title=_("Missing participant"))
		contact = frappe.db.get_value(
			"Contact",
			doc.contact,
			["first_name", "last_name", "designation", "email_id", "mobile_no"],
			as_dict=True,
		)
		if not contact:
			frappe.throw(_("Contact {0} does not exist.").format(doc.contact))
		organisations = frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "parent": doc.contact, "link_doctype": "Customer"},
			pluck="link_name",
		)
		doc.paying_organisation = doc.paying_organisation or (organisations[0] if organisations else None)
		if doc.paying_organisation and doc.paying_organisation not in organisations:
			frappe.throw(
				_("{0} is not a contact of {1}: a non-member is invoiced to their own organisation.").format(
					doc.contact, doc.paying_organisation
				),
				title=_("Wrong organisation"),
			)
		if doc.registered_by and (
			frappe.db.get_value("Member", doc.registered_by, "organisation") != doc.paying_organisation
		):
			frappe.throw(
				_("{0} can register colleagues from their own organisation only.").format(doc.registered_by),
				title=_("Wrong organisation"),
			)
		doc.participant_name = " ".join(p for p in (contact.first_name, contact.last_name) if p)
		doc.participant_title = contact.designation
		doc.participant_email, doc.participant_mobile = contact.email_id, contact.mobile_no
	else:
		frappe.throw(_("Unknown participant type {0}.").format(doc.participant_type))


def after_insert(doc) -> None:
	update_counts(doc.session, known=doc.flags.kdf_seats)
	purpose = "registration_confirmed" if doc.status == CONFIRMED else "registration_waitlisted"
	if doc.flags.kdf_defer_email:
		doc.flags.kdf_deferred_email = purpose  # sent by the caller once the seat is committed
	else:
		notify(doc, purpose)


def register_now(values: dict, attempts: int = 3, links_checked: bool = False):
	"""Insert a registration as one short unit of work: only the seat decision runs while the session's row
	lock (and the naming series') is held; the transaction is committed right after, and the e-mail is
	rendered and queued once the locks are released. A deadlock rolls back the whole transaction, so the
	whole unit is tried again (nothing of it was kept).

	``links_checked``: the caller (the portal endpoint) passes only links this module checks itself: the
	session (published, and locked in allocate), the caller's own member (read in set_participant, with the
	paying organisation from it) and the stay package (one the session offers, else price_registration
	refuses it). Frappe's generic link check, which loads every linked doctype's metadata on each request,
	is then skipped; the fetched titles are set where they are read."""

	def insert():
		doc = frappe.get_doc({"doctype": "Registration", **values})
		doc.flags.ignore_permissions = True
		doc.flags.ignore_links = links_checked
		doc.flags.kdf_defer_email = True
		return doc.insert()

	doc = as_one_unit(insert, attempts)
	send_deferred_email(doc)
	return doc


def set_attendance(name: str, attended: bool) -> None:
	doc = frappe.get_doc("Registration", name)
	starts_on = frappe.db.get_value(SESSION, doc.session, "starts_on")
	try:
		check_attendance(doc.status, now_datetime(), get_datetime(starts_on))
	except DomainError as e:
		throw(e, title=_("Attendance"))
	doc.status = attendance_status(attended)
	doc.save()


def registrations_of(member: str) -> list[dict]:
	"""A member's own registrations, newest first, with the session page's route (portal and API)."""
	rows = frappe.get_all(
		"Registration",
		or_filters={"member": member, "registered_by": member},
		fields=[
			"name",
			"member",
			"participant_name",
			"session",
			"session_title",
			"status",
			"waitlist_position",
			"total",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"registered_on",
			"topic",
			"evaluation_answered",
		],
		order_by="registered_on desc",
		ignore_permissions=True,
	)
	sessions = {
		s.name: s
		for s in frappe.get_all(
			"Topplederprogram Session",
			{"name": ("in", [r.session for r in rows] or [""])},
			["name", "route", "registration_deadline", "starts_on"],
		)
	}
	policy = cancellation_policy()
	now = now_datetime()
	for r in rows:
		s = sessions.get(r.session)
		r.route = s.route if s else None
		r.starts_on = s.starts_on if s else None
		# made for a colleague: the member sees who and the status, never the colleague's own answers
		r.for_colleague = r.member != member
		r.pop("member")
		if r.for_colleague:
			r.topic = None
			r.evaluation_answered = None
		# why a member cannot cancel this one (None: the portal offers the button)
		notice = (
			cancellation_notice(
				r.status,
				policy,
				get_datetime(s.registration_deadline) if s.registration_deadline else None,
				get_datetime(s.starts_on),
				now,
			)
			if s and r.status in (CONFIRMED, WAITLISTED)
			else None
		)
		# why a member cannot cancel this one (None: the portal offers the button)
		r.cancel_notice = notice.render(_) if notice else None
		r.can_cancel = r.status in (CONFIRMED, WAITLISTED) and not r.cancel_notice
	return rows
