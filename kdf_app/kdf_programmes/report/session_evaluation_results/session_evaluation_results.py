"""Evaluation results: for one session the average per agenda item and overall, the answer rate and the
comments; without a session, one row per evaluated session. Anonymous sessions show results only once the
evaluation has closed and from kdf_app.kdf_programmes.core.evaluation.MIN_ANONYMOUS_ANSWERS answers on, and comments without
names."""

import frappe
from frappe import _
from frappe.utils import getdate

from kdf_app.kdf_app.report import column
from kdf_app.kdf_programmes.core.evaluation import MIN_ANONYMOUS_ANSWERS
from kdf_app.kdf_programmes.services.evaluation import session_comments, session_results
from kdf_app.permissions import require_roles


def execute(filters=None):
	require_roles()
	filters = frappe._dict(filters or {})
	if not filters.get("session"):
		return across_sessions(filters)
	if filters.get("view") == "comments":
		return comments(filters.session)
	return per_item(filters.session)


def _summary(r) -> list[dict]:
	return [
		{"label": _("Invited"), "value": r.invited, "indicator": "Blue"},
		{"label": _("Answered"), "value": r.answered, "indicator": "Green"},
		{"label": _("Answer Rate (%)"), "value": r.answer_rate, "indicator": "Orange"},
		{
			"label": _("Overall Average"),
			"value": r.overall.average if r.overall.average is not None else "—",
			"indicator": "Green",
		},
	]


def per_item(session: str):
	r = session_results(session)
	columns = [
		column("item", _("Agenda Item"), "Data", 380),
		column("average", _("Average (1–5)"), "Float", 120),
		column("answers", _("Answers"), "Int", 90),
	]
	rows = [{"item": i.item, "average": i.average, "answers": i.answers} for i in r.items]
	rows.append(
		{
			"item": _("The session as a whole"),
			"average": r.overall.average,
			"answers": r.overall.answers,
			"bold": 1,
		}
	)
	message = None
	if not r.shown:
		message = _(
			"Anonymous evaluation: results show once the evaluation has closed, from {0} answers on."
		).format(MIN_ANONYMOUS_ANSWERS)
	return columns, rows, message, None, _summary(r)


def comments(session: str):
	anonymous = frappe.db.get_value("Topplederprogram Session", session, "anonymous_evaluation")
	columns = ([] if anonymous else [column("member_name", _("Participant"), "Data", 180)]) + [
		column("takeaway", _("What do you take with you from this session?"), "Data", 380),
		column("comments", _("Other comments"), "Data", 380),
	]
	rows = [
		{
			"takeaway": c.takeaway,
			"comments": c.comments,
			**({} if anonymous else {"member_name": c.member_name}),
		}
		for c in session_comments(session)
	]
	return columns, rows, None, None, _summary(session_results(session))


def across_sessions(filters):
	conditions = {"evaluation_days": (">", 0), "ends_on": ("<=", frappe.utils.now_datetime())}
	if filters.get("from_date"):
		conditions["starts_on"] = (">=", getdate(filters.from_date))
	sessions = frappe.get_all(
		"Topplederprogram Session",
		filters=conditions,
		fields=["name", "session_title", "kind", "starts_on", "anonymous_evaluation"],
		order_by="starts_on desc",
	)
	rows = []
	for s in sessions:
		r = session_results(s.name)
		rows.append(
			{
				"session": s.name,
				"session_title": s.session_title,
				"kind": s.kind,
				"starts_on": getdate(s.starts_on),
				"anonymous": s.anonymous_evaluation,
				"invited": r.invited,
				"answered": r.answered,
				"answer_rate": r.answer_rate,
				"overall": r.overall.average,
			}
		)
	columns = [
		column("session", _("Session"), "Link", 130, options="Topplederprogram Session"),
		column("session_title", _("Session Title"), "Data", 260),
		column("kind", _("Kind"), "Data", 150),
		column("starts_on", _("Starts On"), "Date", 100),
		column("anonymous", _("Anonymous Evaluation"), "Check", 90),
		column("invited", _("Invited"), "Int", 80),
		column("answered", _("Answered"), "Int", 80),
		column("answer_rate", _("Answer Rate (%)"), "Float", 100),
		column("overall", _("Overall Average"), "Float", 110),
	]
	return columns, rows
