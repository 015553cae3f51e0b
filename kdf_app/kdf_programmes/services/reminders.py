"""Scheduled e-mails: the deadline reminder and the practical information a week before."""

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.kdf_programmes.core.sessions import CLOSED, CONFIRMED, FULL, LIVE, OPEN
from kdf_app.kdf_programmes.services.registration.notices import notify
from kdf_app.shared.services.mail import send_template

REMINDER_DAYS_BEFORE_DEADLINE = 7
PRACTICAL_INFO_DAYS_BEFORE = 7


def send_deadline_reminders(today=None) -> list[str]:
	"""Once per open session, a week before its deadline: remind active members not yet registered."""
	now = get_datetime(today) if today else now_datetime()
	sent = []
	for s in frappe.get_all(
		"Topplederprogram Session",
		filters={
			"status": OPEN,
			"published": 1,
			"reminder_sent_on": ("is", "not set"),
			"registration_deadline": ("between", [now, add_days(now, REMINDER_DAYS_BEFORE_DEADLINE)]),
		},
		pluck="name",
	):
		session = frappe.get_doc("Topplederprogram Session", s)
		registered = set(
			frappe.get_all("Registration", {"session": s, "status": ("in", list(LIVE))}, pluck="member")
		)
		for m in frappe.get_all("Member", {"membership_status": ACTIVE}, ["name", "member_name", "email"]):
			if m.name not in registered:
				send_template(
					"session_reminder",
					[m.email],
					{"session": session, "member": m},
					reference=("Topplederprogram Session", s),
				)
		session.db_set("reminder_sent_on", now)
		sent.append(s)
	return sent


def send_practical_information(today=None) -> list[str]:
	"""Once per session, a week before it starts: practical information to confirmed participants."""
	now = get_datetime(today) if today else now_datetime()
	sent = []
	for s in frappe.get_all(
		"Topplederprogram Session",
		filters={
			"status": ("in", [OPEN, FULL, CLOSED]),
			"practical_info_sent_on": ("is", "not set"),
			"starts_on": ("between", [now, add_days(getdate(now), PRACTICAL_INFO_DAYS_BEFORE + 1)]),
		},
		pluck="name",
	):
		session = frappe.get_doc("Topplederprogram Session", s)
		for reg in frappe.get_all("Registration", {"session": s, "status": CONFIRMED}, pluck="name"):
			notify(frappe.get_doc("Registration", reg), "session_practical_info", session=session)
		session.db_set("practical_info_sent_on", now)
		sent.append(s)
	return sent
