"""Topics in advance, the session evaluation end to end (named and anonymous) and the calendar invitations."""

import json
import re

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, cint, get_datetime, now_datetime

from kdf_app.api import evaluation as api
from kdf_app.kdf_programmes.core.calendar import unfold
from kdf_app.kdf_programmes.core.evaluation import key_hash
from kdf_app.kdf_programmes.services import evaluation as service
from kdf_app.kdf_programmes.services.registration.cancellation import cancel
from kdf_app.kdf_programmes.services.registration.single import set_attendance
from kdf_app.tests.utils import (
	mails_about,
	make_member,
	make_session,
	make_test_email_account,
	make_user,
	page,
	register,
	start_now,
	use_test_settings,
)

AGENDA = ["Oppstart og refleksjon over innmeldte tema", "Et liv på toppen", "Middag"]
REPORT = "kdf_app.kdf_programmes.report.session_evaluation_results.session_evaluation_results"


def evaluation_page(user: str = "Guest", **query) -> tuple[int, str]:
	"""/evaluering rendered in-process with the query string (as a real request's form_dict)."""
	from urllib.parse import urlencode

	from frappe.utils import set_request
	from frappe.website.serve import get_response

	frappe.set_user(user)
	try:
		frappe.local.lang = "no"
		set_request(method="GET", path="/evaluering", query_string=urlencode(query))
		frappe.local.form_dict = frappe._dict(query)
		response = get_response("evaluering")
		return response.status_code, response.get_data(as_text=True)
	finally:
		frappe.local.form_dict = frappe._dict()
		frappe.set_user("Administrator")


def key_in(body: str) -> str:
	found = re.findall(r"/evaluering\?key=([A-Za-z0-9_\-]+)", body)
	assert found, body[:500]
	return found[0]


def ics_props(text: str) -> dict:
	out = {}
	for line in unfold(text):
		k, _, v = line.partition(":")
		out.setdefault(k.split(";")[0], v)
	return out


class EvaluationCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_email_account()
		use_test_settings(email_sender="KDF Test Outgoing", evaluation_reminder_days=4)
		cls.secretariat = make_user(["KDF Sekretariat"])
		cls.accountant = make_user(["Accounts User"])

	def setUp(self):
		frappe.local.request_ip = "127.0.0.1"  # the answer endpoint is rate-limited per address

	def tearDown(self):
		frappe.set_user("Administrator")

	def attended(self, n: int, anonymous: bool = False):
		"""A session that ended yesterday with ``n`` participants marked Deltok."""
		session = make_session(
			anonymous_evaluation=int(anonymous),
			agenda=[
				{"day": add_days(now_datetime(), 30).date(), "time": f"{9 + i}:00:00", "title": t}
				for i, t in enumerate(AGENDA)
			],
		)
		regs = [register(session, make_member()) for _ in range(n)]
		start_now(session.name, hours_ago=48)
		for r in regs:
			set_attendance(r.name, True)
		return frappe.get_doc("Topplederprogram Session", session.name), [r.name for r in regs]

	def answer(self, key, overall=4, scores=None, comments="", takeaway="", user="Guest"):
		frappe.set_user(user)
		try:
			return api.submit(
				key=key,
				overall=str(overall),
				scores=json.dumps(scores or {}),
				comments=comments,
				takeaway=takeaway,
			)
		finally:
			frappe.set_user("Administrator")

	def invite(self, session) -> dict[str, str]:
		"""Send the links; the key each registration got by e-mail."""
		sent = service.send_invitations(session.name)
		return {r: key_in(mails_about("Registration", r)[-1]["body"]) for r in sent}


class TestNamedEvaluation(EvaluationCase):
	def test_link_answer_once_and_results(self):
		session, regs = self.attended(2)
		self.assertEqual(session.evaluation_days, 14)  # the default: evaluated for two weeks
		keys = self.invite(session)
		self.assertEqual(set(keys), set(regs))
		mail = mails_about("Registration", regs[0])[-1]
		self.assertIn(session.session_title, mail["subject"])
		self.assertIn("Svar på evalueringen", mail["body"])
		# once: a second run sends nothing
		self.assertEqual(service.send_invitations(session.name), [])
		self.assertEqual(
			len([m for m in mails_about("Registration", regs[0]) if "/evaluering?key=" in m["body"]]), 1
		)

		key = keys[regs[0]]
		# only the hash is stored, never the key
		self.assertTrue(frappe.db.exists("Evaluation Key", {"key_hash": key_hash(key)}))
		self.assertFalse(frappe.db.exists("Evaluation Key", {"key_hash": key}))
		self.assertEqual(
			frappe.db.get_value("Evaluation Key", {"key_hash": key_hash(key)}, "registration"), regs[0]
		)

		status, html = evaluation_page(key=key)
		self.assertEqual(status, 200)
		self.assertIn('id="kdf-evaluation"', html)
		self.assertIn(frappe.utils.escape_html(AGENDA[1]), html)
		self.assertIn("Hva tar du med deg fra denne samlingen?", html)  # Norwegian without login

		r = self.answer(
			key, 5, {AGENDA[0]: 4, AGENDA[1]: 5}, "<script>alert(1)</script>Godt opplegg", "Nettverket"
		)
		self.assertTrue(r["ok"])
		self.assertEqual(frappe.db.get_value("Registration", regs[0], "evaluation_answered"), 1)
		with self.assertRaisesRegex(frappe.ValidationError, "already answered|allerede svart"):
			self.answer(key, 1)
		self.assertEqual(frappe.db.count("Session Evaluation", {"session": session.name}), 1)
		status, html = evaluation_page(key=key)
		self.assertNotIn('id="kdf-evaluation"', html)
		self.assertIn("allerede svart", html)

		stored = frappe.get_doc("Session Evaluation", {"session": session.name})
		self.assertEqual((stored.registration, stored.overall_score), (regs[0], 5))
		self.assertEqual(stored.comments, "Godt opplegg")  # markup stripped
		self.assertEqual({s.agenda_item: s.score for s in stored.scores}, {AGENDA[0]: 4, AGENDA[1]: 5})

		self.answer(keys[regs[1]], 3, {AGENDA[0]: 2})
		frappe.set_user(self.secretariat)
		_columns, rows, _message, _chart, summary = frappe.get_attr(REPORT + ".execute")(
			{"session": session.name}
		)
		by_item = {row["item"]: row for row in rows}
		self.assertEqual(by_item[AGENDA[0]]["average"], 3.0)
		self.assertEqual(by_item[AGENDA[1]]["average"], 5.0)
		self.assertEqual(rows[-1]["average"], 4.0)  # overall
		self.assertEqual(summary[2]["value"], 100.0)
		_c, comments, *_ = frappe.get_attr(REPORT + ".execute")({"session": session.name, "view": "comments"})
		self.assertEqual([c["comments"] for c in comments], ["Godt opplegg"])
		self.assertTrue(comments[0]["member_name"])  # named session: the secretariat sees who
		_c, across = frappe.get_attr(REPORT + ".execute")({})
		mine = [row for row in across if row["session"] == session.name]
		self.assertEqual((mine[0]["answered"], mine[0]["overall"]), (2, 4.0))

	def test_bad_answers_and_bad_links_are_refused_with_a_message(self):
		session, regs = self.attended(1)
		key = self.invite(session)[regs[0]]
		with self.assertRaisesRegex(frappe.ValidationError, "1 to 5|1 til 5"):
			self.answer(key, 7)
		with self.assertRaisesRegex(frappe.ValidationError, "agenda|programmet"):
			self.answer(key, 4, {"Noe annet": 3})
		self.assertEqual(frappe.db.get_value("Registration", regs[0], "evaluation_answered"), 0)
		with self.assertRaises(frappe.DoesNotExistError):
			self.answer("not-a-key-" + key[:10], 4)
		_status, html = evaluation_page(key="feil")
		self.assertIn("ikke gyldig", html)
		self.assertNotIn('id="kdf-evaluation"', html)
		self.answer(key, 4)  # still answerable after refusals

	def test_logged_in_member_answers_from_mine_pameldinger_only_their_own(self):
		_session, regs = self.attended(2)
		owner = frappe.get_doc("Member", frappe.db.get_value("Registration", regs[0], "member"))
		user = owner.create_portal_user()
		other_member = frappe.get_doc("Member", frappe.db.get_value("Registration", regs[1], "member"))
		other = other_member.create_portal_user()
		_status, html = page("pameldinger", user)
		self.assertIn(f"/evaluering?registration={regs[0]}", html)
		frappe.set_user(other)
		with self.assertRaises(frappe.DoesNotExistError):
			api.submit(registration=regs[0], overall="5", scores="{}")
		frappe.set_user(user)
		api.submit(registration=regs[0], overall="5", scores="{}")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Registration", regs[0], "evaluation_answered"), 1)
		self.assertEqual(frappe.db.get_value("Registration", regs[1], "evaluation_answered"), 0)

	def test_not_before_the_end_and_not_after_the_window(self):
		session, regs = self.attended(1)
		frappe.db.set_value("Topplederprogram Session", session.name, "ends_on", add_days(now_datetime(), 1))
		self.assertEqual(service.send_invitations(session.name), [])
		frappe.db.set_value(
			"Topplederprogram Session", session.name, "ends_on", add_days(now_datetime(), -15)
		)
		self.assertEqual(service.send_invitations(session.name), [])
		frappe.db.set_value("Topplederprogram Session", session.name, "ends_on", add_days(now_datetime(), -1))
		self.assertEqual(service.send_invitations(session.name), regs)

	def test_one_reminder_to_those_who_have_not_answered(self):
		session, regs = self.attended(2)
		keys = self.invite(session)
		self.answer(keys[regs[0]], 4)
		later = add_days(now_datetime(), 5)
		self.assertEqual(service.send_reminders(now=add_days(now_datetime(), 2)), [])
		reminded = [r for r in service.send_reminders(now=later) if r in regs]
		self.assertEqual(reminded, [regs[1]])
		self.assertIn("Påminnelse", mails_about("Registration", regs[1])[-1]["subject"])
		self.assertEqual([r for r in service.send_reminders(now=later) if r in regs], [])
		# the first link still works after the reminder
		self.answer(keys[regs[1]], 2)


class TestAnonymousEvaluation(EvaluationCase):
	def test_the_secretariat_never_sees_who_answered_what(self):
		session, regs = self.attended(3, anonymous=True)
		keys = self.invite(session)
		secret = f"anonym-hemmelig-{frappe.generate_hash(length=6)}"
		for i, r in enumerate(regs):
			self.answer(keys[r], 5 - i, {AGENDA[1]: 5 - i}, f"{secret}-{i}", "Ro")
		names = frappe.get_all("Session Evaluation", {"session": session.name}, pluck="name")
		self.assertEqual(len(names), 3)
		ends_on = get_datetime(session.ends_on)
		for name in names:
			doc = frappe.get_doc("Session Evaluation", name)
			self.assertTrue(doc.anonymous)
			self.assertFalse(doc.registration or doc.member or doc.member_name)
			self.assertEqual((doc.owner, doc.modified_by), ("Administrator", "Administrator"))
			self.assertEqual(get_datetime(doc.creation), ends_on)  # no time to match to a registration
			self.assertEqual(get_datetime(doc.modified), ends_on)
		# each answered registration carries only the flag, and was not touched otherwise
		for r in regs:
			self.assertEqual(frappe.db.get_value("Registration", r, "evaluation_answered"), 1)
		self.assertFalse(
			frappe.db.exists(
				"Version",
				{
					"ref_doctype": "Registration",
					"docname": ("in", regs),
					"data": ("like", "%evaluation_answered%"),
				},
			)
		)

		frappe.set_user(self.secretariat)
		# not as documents, lists, counts or group-by counts
		self.assertEqual(frappe.get_list("Session Evaluation", {"session": session.name}), [])
		self.assertFalse(frappe.has_permission("Session Evaluation", "read", doc=names[0]))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Session Evaluation", names[0]).check_permission("read")
		from kdf_app.api.guarded import get_count

		self.assertEqual(get_count("Session Evaluation", {"session": session.name}), 0)
		self.assertEqual(
			frappe.get_list(
				"Session Evaluation Score", {"parent": ("in", names)}, parent_doctype="Session Evaluation"
			),
			[],
		)
		# while the evaluation is open nothing shows (comparing the results before and after one more
		# participant is marked as having answered would give that answer away)
		_c, rows, message, _x, _summary = frappe.get_attr(REPORT + ".execute")({"session": session.name})
		self.assertTrue(all(row["average"] is None for row in rows))
		self.assertIn("closed", message)
		_c, comments, *_ = frappe.get_attr(REPORT + ".execute")({"session": session.name, "view": "comments"})
		self.assertEqual(comments, [])
		frappe.set_user("Administrator")
		closed = add_days(now_datetime(), -(cint(session.evaluation_days) + 1))
		frappe.db.set_value("Topplederprogram Session", session.name, "ends_on", closed)
		frappe.set_user(self.secretariat)
		# once it has closed: the results and the comments, without names
		_c, rows, _message, _x, _summary = frappe.get_attr(REPORT + ".execute")({"session": session.name})
		self.assertEqual({row["item"]: row["average"] for row in rows}[AGENDA[1]], 4.0)
		columns, comments, *_ = frappe.get_attr(REPORT + ".execute")(
			{"session": session.name, "view": "comments"}
		)
		self.assertNotIn("member_name", [c["fieldname"] for c in columns])
		self.assertEqual(sorted(c["comments"] for c in comments), [f"{secret}-{i}" for i in range(3)])
		self.assertTrue(all("member_name" not in c for c in comments))
		frappe.set_user("Administrator")

	def test_results_hidden_until_enough_have_answered(self):
		session, regs = self.attended(3, anonymous=True)
		keys = self.invite(session)
		self.answer(keys[regs[0]], 1, {AGENDA[0]: 1}, "eneste-svar")
		frappe.set_user(self.secretariat)
		_c, rows, message, _x, summary = frappe.get_attr(REPORT + ".execute")({"session": session.name})
		self.assertTrue(all(row["average"] is None for row in rows))
		self.assertIn("3", message)
		self.assertEqual(summary[1]["value"], 1)
		_c, comments, *_ = frappe.get_attr(REPORT + ".execute")({"session": session.name, "view": "comments"})
		self.assertEqual(comments, [])

	def test_members_and_the_accountant_get_no_evaluations(self):
		session, regs = self.attended(1)
		self.answer(self.invite(session)[regs[0]], 4, comments="named")
		for user in (self.accountant,):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				frappe.get_list("Session Evaluation", {"session": session.name})
			with self.assertRaises(frappe.PermissionError):
				frappe.get_attr(REPORT + ".execute")({"session": session.name})
		frappe.set_user(self.secretariat)
		self.assertEqual(len(frappe.get_list("Session Evaluation", {"session": session.name})), 1)


class TestTopics(EvaluationCase):
	def test_topic_from_the_form_to_the_report_and_print(self):
		session = make_session()
		member = make_member()
		user = member.create_portal_user()
		frappe.set_user(user)
		from kdf_app.api.registration import register as portal_register

		r = portal_register(
			session.name,
			invoice_reference="R-1",
			topic="<b>Hvordan</b> lede <script>x()</script>gjennom kriser?",
		)
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Registration", r["name"], "topic"), "Hvordan lede gjennom kriser?"
		)
		_status, html = page("pameldinger", user)
		self.assertIn("Hvordan lede gjennom kriser?", html)

		frappe.set_user(self.secretariat)
		_columns, rows = frappe.get_attr(
			"kdf_app.kdf_programmes.report.session_topics.session_topics.execute"
		)({"session": session.name})
		self.assertEqual(
			[(row.member_name, row.topic) for row in rows],
			[(member.member_name, "Hvordan lede gjennom kriser?")],
		)
		self.assertTrue(rows[0].organisation_name)
		html = frappe.get_print("Topplederprogram Session", session.name, "Innmeldte tema")
		self.assertIn("Hvordan lede gjennom kriser?", html)
		# the accountant reads registrations, but neither the topic nor the list
		frappe.set_user(self.accountant)
		self.assertNotIn(
			"Hvordan", frappe.get_print("Topplederprogram Session", session.name, "Innmeldte tema")
		)
		doc = frappe.get_doc("Registration", r["name"])
		doc.apply_fieldlevel_read_permissions()
		self.assertFalse(doc.get("topic"))


class TestCalendarInvitation(EvaluationCase):
	def test_confirmation_carries_a_request_and_cancellation_a_cancel(self):
		session = make_session()
		reg = register(session, make_member())
		confirmation = mails_about("Registration", reg.name)[-1]
		ics = confirmation["files"].get("invitasjon.ics")
		self.assertTrue(ics, confirmation["files"])
		p = ics_props(ics)
		self.assertEqual(p["METHOD"], "REQUEST")
		self.assertEqual(p["UID"], f"{reg.name}@{frappe.local.site}")
		self.assertEqual(p["SUMMARY"], session.session_title)
		self.assertEqual(p["LOCATION"], "Grand Hotel")
		self.assertTrue(re.fullmatch(r"\d{8}T\d{6}Z", p["DTSTART"]))

		cancel(reg.name)
		cancelled = mails_about("Registration", reg.name)[-1]
		c = ics_props(cancelled["files"]["avlysning.ics"])
		self.assertEqual((c["METHOD"], c["UID"]), ("CANCEL", p["UID"]))
		self.assertGreater(int(c["SEQUENCE"]), int(p["SEQUENCE"]))

	def test_a_waitlist_place_gets_no_invitation(self):
		session = make_session(capacity=1)
		register(session, make_member())
		waiting = register(session, make_member())
		self.assertEqual(waiting.status, "Venteliste")
		self.assertEqual(mails_about("Registration", waiting.name)[-1]["files"], {})
		cancel(waiting.name)
		# it never had an invitation to cancel
		self.assertEqual(mails_about("Registration", waiting.name)[-1]["files"], {})
