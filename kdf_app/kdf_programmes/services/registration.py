"""Registrations for Topplederprogram sessions: seats, the waitlist, prices and the e-mails that follow.

Every path that creates or cancels a registration (portal API, desk form, data import) goes through the
Registration controller, which calls :func:`allocate` and :func:`validate` here. Seat decisions are taken
while holding a row lock on the session, so concurrent registrations never confirm more than capacity."""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, now_datetime

from kdf_app.kdf_app.services import page_cache
from kdf_app.kdf_programmes.core.cancellation import (
	AT_DEADLINE,
	CHARGE_FULL,
	CHARGE_NOTHING,
	CancellationPolicy,
	attendance_status,
	cancellation_notice,
	charged_kinds,
	check_attendance,
	check_cancellation,
	may_promote,
)
from kdf_app.kdf_programmes.core.sessions import (
	CANCELLED_REG,
	CONFIRMED,
	CONTACT_PARTICIPANT,
	LIVE,
	MEMBER_PARTICIPANT,
	PRICE_LABELS,
	SEAT_HOLDING,
	WAITLISTED,
	Seats,
	SessionPrices,
	check_invoice_reference,
	check_open_for_registration,
	check_participant_allowed,
	clean_text,
	money,
	place,
	price_registration,
	renumber,
	seats_after,
	session_status,
	to_promote,
)
from kdf_app.permissions import is_secretariat
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw
from kdf_app.shared.services.language import MEMBER_LANGUAGE

SESSION = "Topplederprogram Session"


def lock_session(name: str) -> dict:
	"""Take the session's row lock for the rest of the transaction and read its current values."""
	row = frappe.db.sql(
		"""select name, session_title, status, capacity, registration_deadline, starts_on, participants_allowed
		from `tabTopplederprogram Session` where name = %s for update""",
		name,
		as_dict=True,
	)
	if not row:
		frappe.throw(_("Session {0} does not exist.").format(name), frappe.DoesNotExistError)
	return row[0]


def seats(session: str, capacity: int) -> Seats:
	"""Count seats with a locking read (the latest committed rows, not the transaction's snapshot)."""
	counts = dict(
		frappe.db.sql(
			"select status, count(*) from `tabRegistration` where session = %s group by status for update",
			session,
		)
	)
	return Seats(int(capacity or 0), sum(counts.get(s, 0) for s in SEAT_HOLDING), counts.get(WAITLISTED, 0))


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
	"""Defaults, clean free text and the stored price lines (from kdf_app.core). A new registration has this
	done in ``before_insert``, before Frappe takes the naming series' lock, so the locks are held only for
	the seat decision and the insert; ``validate`` then finds it done (``flags.kdf_prepared``)."""
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


def allocate(doc) -> None:
	"""Give a new registration a seat or a waitlist place, under the session's lock."""
	session = lock_session(doc.session)
	doc.session_title = session.session_title  # as its fetch_from would (register_now may skip link checks)
	try:
		check_open_for_registration(
			session.status,
			get_datetime(session.registration_deadline) if session.registration_deadline else None,
			now_datetime(),
			doc.deadline_override_reason,
		)
		check_participant_allowed(
			session.participants_allowed,
			doc.participant_type or MEMBER_PARTICIPANT,
			bool(doc.registered_by),
			doc.participant_name or doc.contact or "",
		)
	except DomainError as e:
		throw(e, title=_("Registration not possible"))
	if (doc.participant_type or MEMBER_PARTICIPANT) == MEMBER_PARTICIPANT:
		duplicate = frappe.db.sql(
			"""select name from `tabRegistration` where session = %s and member = %s and status in %s
			for update""",
			(doc.session, doc.member, tuple(LIVE)),
		)
	else:  # one live registration per person: by contact, or by the e-mail address
		duplicate = frappe.db.sql(
			"""select name from `tabRegistration` where session = %s and status in %s
			and (contact = %s or (participant_email != '' and participant_email = %s)) for update""",
			(doc.session, tuple(LIVE), doc.contact, doc.participant_email or ""),
		)
	if duplicate:
		frappe.throw(
			_("{0} is already registered for this session ({1}).").format(
				doc.participant_name or doc.member_name or doc.member, duplicate[0][0]
			),
			frappe.DuplicateEntryError,
			title=_("Already registered"),
		)
	try:
		before = seats(doc.session, session.capacity)
		doc.status, position = place(before)
		doc.waitlist_position = position or 0
		# the counts once this one is in, for after_insert: no second locking count
		doc.flags.kdf_seats = (session.status, seats_after(before, doc.status))
	except DomainError as e:
		throw(e)
	doc.registered_on = now_datetime()


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


def as_one_unit(work, attempts: int = 3):
	"""Run ``work`` (inserts under the session's lock) as one unit: in a web request it is committed at once, so
	the locks go; a deadlock rolls the whole transaction back, so the whole unit is tried again."""
	import random
	import time

	in_request = bool(getattr(frappe.local, "request", None))
	for attempt in range(attempts):
		try:
			result = work()
			if in_request:
				frappe.db.commit()
			return result
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))


def send_deferred_email(doc) -> None:
	"""The e-mail an insert kept back (``flags.kdf_defer_email``): in a web request by a background job, so
	nobody waits for it to be rendered; otherwise at once."""
	if not doc.flags.kdf_deferred_email:
		return
	if getattr(frappe.local, "request", None):
		frappe.enqueue(
			"kdf_app.kdf_programmes.services.registration.send_notice",
			queue="short",
			registration=doc.name,
			purpose=doc.flags.kdf_deferred_email,
		)
	else:
		notify(doc, doc.flags.kdf_deferred_email)


def send_notice(registration: str, purpose: str) -> None:
	"""Background job: the e-mail for a registration made over the web."""
	notify(frappe.get_doc("Registration", registration), purpose)


def cancellation_policy(settings=None) -> CancellationPolicy:
	from kdf_app.shared.services.settings import get_settings

	settings = settings or get_settings()
	try:
		return CancellationPolicy(
			settings.member_cancellation_cutoff or AT_DEADLINE,
			cint(settings.member_cancellation_days),
			settings.late_cancellation_charge or CHARGE_FULL,
		)
	except DomainError as e:
		throw(e, title=_("Check KDF Settings"))


def cancel(name: str) -> list[str]:
	"""Cancel a registration under the rules of kdf_app.kdf_programmes.core.cancellation (members until the cut-off, the
	secretariat until the start, late seats charged as the settings say); a freed seat goes to the first on
	the waitlist. Returns the promoted registrations."""
	doc = frappe.get_doc("Registration", name)
	session = lock_session(doc.session)
	doc.reload()  # its status may have changed while we waited for the lock
	try:
		decision = check_cancellation(
			doc.status,
			cancellation_policy(),
			get_datetime(session.registration_deadline) if session.registration_deadline else None,
			get_datetime(session.starts_on),
			now_datetime(),
			by_secretariat=is_secretariat(),
		)
	except DomainError as e:
		throw(e, title=_("Cannot cancel"))
	_withdraw(doc, "registration_cancelled", charge=decision.charge)
	return refresh_seats(doc.session)


def cancel_for_session(session, report=None) -> list[str]:
	"""The session is cancelled (Avlyst): every confirmed or waitlisted registration is cancelled, credited if
	it was already invoiced, and the member is told why. Returns the cancelled registrations. Runs as a
	background job (kdf_app.shared.services.jobs); each registration is committed as it is done, and running it again
	finds only what is left."""
	from kdf_app.shared.services.jobs import step_done

	names = frappe.get_all(
		"Registration",
		filters={"session": session.name, "status": ("in", [CONFIRMED, WAITLISTED])},
		pluck="name",
		order_by="registered_on asc",
	)
	done = []
	for i, name in enumerate(names, start=1):
		lock_session(session.name)
		doc = frappe.get_doc("Registration", name)
		if doc.status in (CONFIRMED, WAITLISTED):  # each save updates the session's counts
			_withdraw(doc, "session_cancelled", session=session)
			done.append(name)
		step_done()
		if report:
			report(i, len(names))
	return done


def _withdraw(doc, purpose: str, session=None, charge: str = CHARGE_NOTHING) -> None:
	"""Set a registration to Avmeldt and tell the member. What a late cancellation still costs stays
	invoiced (``charge``): an invoiced seat is credited for the rest, one not yet invoiced is invoiced for
	that part only when the session is invoiced."""
	if doc.sales_invoice and doc.status in SEAT_HOLDING:
		from kdf_app.kdf_billing.services.invoicing import credit_registration

		credit_registration(doc, keep=charged_kinds(charge))
	doc.late_charge = charge if doc.status in SEAT_HOLDING and charge != CHARGE_NOTHING else None
	doc.status = CANCELLED_REG
	doc.waitlist_position = 0
	doc.cancelled_on = now_datetime()
	doc.flags.ignore_permissions = True
	doc.save()
	notify(doc, purpose, session=session)


def refresh_seats(session_name: str) -> list[str]:
	"""Promote from the waitlist into free seats, renumber the waitlist and update the session's counts."""
	session = lock_session(session_name)
	# nobody is moved into a session that has started (nor e-mailed a seat they cannot use)
	free = (
		seats(session_name, session.capacity).free
		if may_promote(now_datetime(), get_datetime(session.starts_on))
		else 0
	)
	waitlist = [
		(r.name, r.waitlist_position or 0)
		for r in frappe.get_all(
			"Registration",
			filters={"session": session_name, "status": WAITLISTED},
			fields=["name", "waitlist_position"],
			order_by="waitlist_position asc, registered_on asc",
		)
	]
	promoted = to_promote(waitlist, free)
	for name in promoted:
		frappe.db.set_value("Registration", name, {"status": CONFIRMED, "waitlist_position": 0})
		notify(frappe.get_doc("Registration", name), "registration_promoted")
	for name, position in renumber([w for w in waitlist if w[0] not in promoted]).items():
		frappe.db.set_value("Registration", name, "waitlist_position", position, update_modified=False)
	update_counts(session_name)
	return promoted


def update_counts(session_name: str, known: tuple[str, Seats] | None = None) -> None:
	"""Store the session's seat counts; ``known`` (status, seats) when the caller has just counted them under
	the session's lock."""
	if known:
		status, current = known
	else:
		session = frappe.db.get_value(SESSION, session_name, ["status", "capacity"], as_dict=True)
		status, current = session.status, seats(session_name, session.capacity)
	frappe.db.set_value(
		SESSION,
		session_name,
		{
			"confirmed_count": current.confirmed,
			"waitlist_count": current.waitlisted,
			"free_seats": current.free,
			"status": session_status(status, current),
		},
		update_modified=False,
	)
	frappe.clear_document_cache(SESSION, session_name)
	page_cache.session_changed(session_name)  # a guest's cached list and page show the seats


def set_attendance(name: str, attended: bool) -> None:
	doc = frappe.get_doc("Registration", name)
	starts_on = frappe.db.get_value(SESSION, doc.session, "starts_on")
	try:
		check_attendance(doc.status, now_datetime(), get_datetime(starts_on))
	except DomainError as e:
		throw(e, title=_("Attendance"))
	doc.status = attendance_status(attended)
	doc.save()


# --- e-mail --------------------------------------------------------------------------------------


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


# --- group registration --------------------------------------------------------------------------

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
				"kdf_app.kdf_programmes.services.registration.send_group_summary",
				queue="short",
				member=member,
				registrations=[d.name for d in docs],
			)
		else:
			send_group_summary(member, [d.name for d in docs])
	return docs


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
	docs = [frappe.get_doc("Registration", r) for r in registrations]
	if not me or not me.email or not docs:
		return
	session = frappe.get_cached_doc(SESSION, docs[0].session)
	send_template(
		"registration_group_summary",
		[me.email],
		{"member": me, "session": session, "registrations": docs, "message": group_message(docs)},
		reference=(SESSION, session.name),
	)


def check_open(session: str, values: dict) -> dict:
	"""What a guest's form says, checked the same way for any address (kdf_app.kdf_programmes.services.guest_registration):
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
	the link sent to their address (kdf_app.kdf_programmes.services.guest_registration): a non-member participant of an
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
