"""Evaluations after a session: the link e-mails, the reminder, the answer and the results.

Rules in ``kdf_app.kdf_programmes.core.evaluation``. Who is asked: registrations with status *Deltok* of a session that is over
and whose evaluation is open (``evaluation_days`` after ``ends_on``; 0 = none). Each gets one e-mail (template
``session_evaluation``) with a link ``/evaluering?key=…``: the key is random, only its SHA-256 is stored
(*Evaluation Key*, System Manager only), and the link needs no login. A logged-in member also reaches the form
from *Mine påmeldinger* (``/evaluering?registration=…``, their own registrations only). One reminder
(``session_evaluation_reminder``, with a fresh key; the first link keeps working) after *KDF Settings →
Evaluation Reminder After (Days)* to those who have not answered.

An answer is accepted once: the registration's row is locked and its *Evaluation Answered* flag checked and set
in the same transaction. When the session's evaluation is anonymous the *Session Evaluation* carries no
registration, member or name, its owner is Administrator and its creation/modified times are the session's end
(no time to match against anything else), and the secretariat can neither read it as a document nor list it;
results and comments reach them only through the report, from ``MIN_ANONYMOUS_ANSWERS`` answers on.
"""

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, get_url, now_datetime

from kdf_app.kdf_programmes.core.evaluation import (
	DEFAULT_REMINDER_DAYS,
	Answer,
	agenda_items,
	check_answer,
	check_not_answered,
	check_open,
	closes_on,
	due_reminder,
	is_open,
	key_hash,
	new_key,
)
from kdf_app.kdf_programmes.core.sessions import ATTENDED, CANCELLED, clean_text
from kdf_app.shared.core.collation import sort_key
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw

SESSION = "Topplederprogram Session"
EVALUATION = "Session Evaluation"
KEY = "Evaluation Key"


def items_of(session) -> list[str]:
	return agenda_items([(r.title, r.time) for r in session.agenda])


def _open_sessions(now, session: str | None = None) -> list:
	filters = {"status": ("!=", CANCELLED), "evaluation_days": (">", 0), "ends_on": ("<=", now)}
	if session:
		filters["name"] = session
	rows = frappe.get_all(SESSION, filters=filters, fields=["name", "ends_on", "evaluation_days"])
	return [r for r in rows if is_open(get_datetime(r.ends_on), cint(r.evaluation_days), now)]


def _link_for(registration: str) -> str:
	key = new_key()
	frappe.get_doc({"doctype": KEY, "registration": registration, "key_hash": key_hash(key)}).insert(
		ignore_permissions=True
	)
	return get_url(f"/evaluering?key={key}")


def _mail(registration: str, purpose: str, session) -> None:
	from kdf_app.shared.services.mail import send_template

	reg = frappe.get_doc("Registration", registration)
	if reg.member:
		member = frappe.db.get_value("Member", reg.member, ["email", "member_name"], as_dict=True)
	else:  # a non-member participant: to their own address
		member = frappe._dict(email=reg.participant_email, member_name=reg.participant_name)
	if not member or not member.email:
		return
	send_template(
		purpose,
		[member.email],
		{
			"doc": reg,
			"member": member,
			"session": session,
			"link": _link_for(registration),
			"closes_on": closes_on(get_datetime(session.ends_on), cint(session.evaluation_days)),
		},
		reference=("Registration", registration),
	)


def send_invitations(session: str | None = None, now=None) -> list[str]:
	"""Each attended participant of an open evaluation gets the link once. Returns the registrations."""
	now = get_datetime(now) if now else now_datetime()
	sent = []
	for s in _open_sessions(now, session):
		doc = frappe.get_doc(SESSION, s.name)
		for name in frappe.get_all(
			"Registration",
			filters={"session": s.name, "status": ATTENDED, "evaluation_sent_on": ("is", "not set")},
			pluck="name",
		):
			_mail(name, "session_evaluation", doc)
			frappe.db.set_value("Registration", name, "evaluation_sent_on", now, update_modified=False)
			sent.append(name)
	return sent


def send_reminders(now=None) -> list[str]:
	"""One reminder, after the days set in KDF Settings, to those who have not answered an open evaluation."""
	from kdf_app.shared.services.settings import get_settings

	now = get_datetime(now) if now else now_datetime()
	days = get_settings().evaluation_reminder_days
	days = DEFAULT_REMINDER_DAYS if days is None else cint(days)
	sent = []
	for s in _open_sessions(now):
		doc = frappe.get_doc(SESSION, s.name)
		for r in frappe.get_all(
			"Registration",
			filters={"session": s.name, "status": ATTENDED, "evaluation_answered": 0},
			fields=["name", "evaluation_sent_on", "evaluation_reminded_on"],
		):
			if due_reminder(
				get_datetime(r.evaluation_sent_on) if r.evaluation_sent_on else None,
				r.evaluation_reminded_on,
				False,
				days,
				now,
			):
				_mail(r.name, "session_evaluation_reminder", doc)
				frappe.db.set_value(
					"Registration", r.name, "evaluation_reminded_on", now, update_modified=False
				)
				sent.append(r.name)
	return sent


def daily() -> None:
	"""Scheduled: links for sessions that are over, then the reminders."""
	send_invitations()
	send_reminders()


# --- the form ------------------------------------------------------------------------------------------


def registration_for_key(key: str | None) -> str | None:
	if not key or len(key) > 200:
		return None
	return frappe.db.get_value(KEY, {"key_hash": key_hash(key)}, "registration")


def registration_for_member(registration: str | None) -> str | None:
	"""The logged-in member's own registration (None for anyone else's, or a guest)."""
	from kdf_app.kdf_members.services.members import member_for_user

	if not registration or frappe.session.user == "Guest":
		return None
	member = member_for_user()
	if member and frappe.db.get_value("Registration", registration, "member") == member:
		return registration
	return None


def resolve(key: str | None = None, registration: str | None = None) -> str | None:
	return registration_for_key(key) if key else registration_for_member(registration)


def form_state(registration: str | None, now=None) -> dict:
	"""What the page shows: ``invalid`` (unknown link), ``answered``, ``closed`` (with why) or ``form``."""
	now = get_datetime(now) if now else now_datetime()
	if not registration:
		return {"state": "invalid"}
	reg = frappe.db.get_value(
		"Registration", registration, ["session", "status", "evaluation_answered"], as_dict=True
	)
	if not reg or reg.status != ATTENDED:
		return {"state": "invalid"}
	session = frappe.get_doc(SESSION, reg.session)
	out = {
		"session_title": session.session_title,
		"anonymous": bool(session.anonymous_evaluation),
		"starts_on": session.starts_on,
	}
	if reg.evaluation_answered:
		return {**out, "state": "answered"}
	if session.status == CANCELLED:
		return {**out, "state": "invalid"}
	try:
		check_open(get_datetime(session.ends_on), cint(session.evaluation_days), now)
	except DomainError as e:
		return {**out, "state": "closed", "message": e.render(_)}
	return {**out, "state": "form", "items": items_of(session)}


def submit(
	registration: str | None, overall, scores: dict, comments: str | None, takeaway: str | None
) -> str:
	"""Store one answer (once). Returns the Session Evaluation's name."""
	if not registration:
		frappe.throw(_("This evaluation link is not valid."), frappe.DoesNotExistError)
	# the registration's row lock makes "once" hold against two submits at the same time
	locked = frappe.db.sql(
		"select name, session, member, member_name, status, evaluation_answered from `tabRegistration` "
		"where name = %s for update",
		registration,
		as_dict=True,
	)
	if not locked or locked[0].status != ATTENDED:
		frappe.throw(_("This evaluation link is not valid."), frappe.DoesNotExistError)
	reg = locked[0]
	session = frappe.get_doc(SESSION, reg.session)
	try:
		check_not_answered(bool(reg.evaluation_answered))
		if session.status == CANCELLED:
			raise DomainError("This session has no evaluation.")
		check_open(get_datetime(session.ends_on), cint(session.evaluation_days), now_datetime())
		answer = check_answer(
			items_of(session),
			overall,
			scores or {},
			clean_text(comments),
			clean_text(takeaway),
			overall_label=_("the session as a whole"),
		)
	except DomainError as e:
		throw(e, title=_("Evaluation"))
	name = _store(session, reg, answer)
	frappe.db.set_value("Registration", registration, "evaluation_answered", 1, update_modified=False)
	return name


def _store(session, reg, answer: Answer) -> str:
	anonymous = bool(session.anonymous_evaluation)
	doc = frappe.get_doc(
		{
			"doctype": EVALUATION,
			"session": session.name,
			"anonymous": int(anonymous),
			"registration": None if anonymous else reg.name,
			"member": None if anonymous else reg.member,
			"member_name": None if anonymous else (reg.participant_name or reg.member_name),
			"overall_score": answer.overall,
			"comments": answer.comments or None,
			"takeaway": answer.takeaway or None,
			"scores": [{"agenda_item": item, "score": score} for item, score in answer.scores.items()],
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	if anonymous:
		# nothing about the answer's time or author to match against the registration, a login or an e-mail
		stamp = get_datetime(session.ends_on)
		for table in (EVALUATION, "Session Evaluation Score"):
			key = "name" if table == EVALUATION else "parent"
			frappe.db.sql(
				f"""update `tab{table}` set creation = %(t)s, modified = %(t)s, owner = 'Administrator',
				modified_by = 'Administrator' where {key} = %(name)s""",
				{"t": stamp, "name": doc.name},
			)
	return doc.name


# --- results -------------------------------------------------------------------------------------------


def session_results(session: str):
	"""kdf_app.kdf_programmes.core.evaluation.Results for one session (invited = links sent to those who attended)."""
	from kdf_app.kdf_programmes.core.evaluation import results

	doc = frappe.get_doc(SESSION, session)
	invited = frappe.db.count(
		"Registration", {"session": session, "status": ATTENDED, "evaluation_sent_on": ("is", "set")}
	)
	evaluations = frappe.get_all(EVALUATION, {"session": session}, ["name", "overall_score"])
	scores: dict[str, dict[str, int]] = {e.name: {} for e in evaluations}
	for row in frappe.get_all(
		"Session Evaluation Score",
		{"parenttype": EVALUATION, "parent": ("in", list(scores) or [""])},
		["parent", "agenda_item", "score"],
	):
		scores[row.parent][row.agenda_item] = cint(row.score)
	answers = [(cint(e.overall_score), scores[e.name]) for e in evaluations]
	items = items_of(doc)
	# items answered under an earlier agenda stay in the results, after today's agenda
	for answer in answers:
		items += [i for i in answer[1] if i not in items]
	return results(items, answers, invited, bool(doc.anonymous_evaluation), closed=is_closed(doc))


def is_closed(session) -> bool:
	"""No more answers can come: the session is cancelled, not evaluated, or its evaluation window is over."""
	if session.status == CANCELLED or not session.ends_on or cint(session.evaluation_days) <= 0:
		return True
	return now_datetime() > closes_on(get_datetime(session.ends_on), cint(session.evaluation_days))


def session_comments(session: str) -> list[dict]:
	"""The free-text answers of one session; for an anonymous one without names, in a fixed order that says
	nothing about who answered when, and only once enough have answered."""
	from kdf_app.kdf_programmes.core.evaluation import anonymous_results_shown

	doc = frappe.get_doc(SESSION, session)
	anonymous = doc.anonymous_evaluation
	rows = frappe.get_all(
		EVALUATION,
		{"session": session},
		["member_name", "comments", "takeaway", "overall_score", "anonymous"],
	)
	if anonymous or any(r.anonymous for r in rows):
		if not anonymous_results_shown(len(rows), is_closed(doc)):
			return []
		rows = [{"member_name": None, "comments": r.comments, "takeaway": r.takeaway} for r in rows]
		return sorted(
			(frappe._dict(r) for r in rows if r["comments"] or r["takeaway"]),
			key=lambda r: ((r.comments or ""), (r.takeaway or "")),
		)
	return sorted(
		(r for r in rows if r.comments or r.takeaway),
		key=lambda r: (sort_key(r.member_name), r.comments or ""),  # Norwegian order: Å after Ø
	)


def mark_open(registrations: list[dict], now=None) -> list[dict]:
	"""For Mine påmeldinger: ``evaluation_open`` on each attended registration whose evaluation can be
	answered now."""
	now = get_datetime(now) if now else now_datetime()
	attended = [  # a registration made for a colleague is theirs to evaluate, not the member's
		r
		for r in registrations
		if r.get("status") == ATTENDED and not r.get("evaluation_answered") and not r.get("for_colleague")
	]
	sessions = {
		s.name: s
		for s in frappe.get_all(
			SESSION,
			{"name": ("in", [r["session"] for r in attended] or [""]), "status": ("!=", CANCELLED)},
			["name", "ends_on", "evaluation_days"],
		)
	}
	for r in registrations:
		s = sessions.get(r.get("session")) if r in attended else None
		r["evaluation_open"] = bool(
			s and is_open(get_datetime(s.ends_on) if s.ends_on else None, cint(s.evaluation_days), now)
		)
	return registrations
