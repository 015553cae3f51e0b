"""Need-to-know access to confidential cases, over every path, for every role."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_years, today

from kdf_app.tests.utils import make_member, make_org, make_user

test_ignore = ["Member", "Mentor", "Customer"]
SECRET = "hemmelig-konflikt-med-ordfører"


def make_mentor(name, user=None, organisation=None, capacity=2, member=None, **offers):
	return (
		frappe.get_doc(
			{
				"doctype": "Mentor",
				"mentor_name": name,
				"user": user,
				"email": f"{frappe.scrub(name)}@mentor.example",
				"organisation": organisation,
				"capacity": capacity,
				"member": member,
				"region": "Testfylke",
				"offers_mentoring": 1,
				"offers_legal": 1,
				**offers,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def assigned_case(member_user: str, request: str, mentor: str, notes: str, **values) -> str:
	"""A case asked for by the member on the portal, then assigned to ``mentor`` with one meeting."""
	from kdf_app.api.cases import request_case

	frappe.set_user(member_user)
	name = request_case("Juridisk bistand", request)["name"]
	frappe.set_user("Administrator")
	case = frappe.get_doc("Mentoring Case", name)
	case.status = "Under vurdering"
	case.save()
	case.update({"mentor": mentor, "status": "Tildelt", **values})
	case.append("meetings", {"meeting_date": today(), "duration_minutes": 60, "notes": notes})
	case.save()
	return name


class TestCaseAccess(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		uid = frappe.generate_hash(length=5)
		cls.manager = make_user(["KDF Saksbehandler"], email=f"saksbehandler-{uid}@kdf.example")
		cls.secretary = make_user(
			["KDF Sekretariat", "System Manager"], email=f"sekretariat-{uid}@kdf.example"
		)
		cls.mentor_user = make_user(["KDF Mentor"], email=f"mentor-a-{uid}@kdf.example")
		cls.other_mentor_user = make_user(["KDF Mentor"], email=f"mentor-b-{uid}@kdf.example")
		cls.mentor = make_mentor(f"Mentor A {uid}", cls.mentor_user)
		cls.other_mentor = make_mentor(f"Mentor B {uid}", cls.other_mentor_user)
		cls.owner_member = make_member(make_org())
		cls.owner = cls.owner_member.create_portal_user()
		cls.other_member = make_member(make_org())
		cls.other = cls.other_member.create_portal_user()
		cls.case = assigned_case(
			cls.owner, f"Jeg trenger råd: {SECRET}", cls.mentor, f"Notat: {SECRET}", conflict_related=1
		)

	def tearDown(self):
		frappe.set_user("Administrator")

	def paths(self, user):
		"""What ``user`` gets from each path; True means the case (or its content) was reachable."""
		from frappe.api.v1 import read_doc
		from frappe.desk.form.load import getdoc
		from frappe.desk.reportview import get as reportview
		from frappe.desk.search import search_link

		frappe.set_user(user)
		try:
			listed = self.case in frappe.get_list("Mentoring Case", pluck="name")
		except frappe.PermissionError:
			listed = False
		out = {"list": listed, "has_permission": frappe.has_permission("Mentoring Case", "read", self.case)}
		frappe.local.form_dict = frappe._dict(doctype="Mentoring Case", fields=["name"])
		try:
			out["reportview"] = self.case in str(reportview())
		except frappe.PermissionError:
			out["reportview"] = False
		for name, call in (
			("rest", lambda: read_doc("Mentoring Case", self.case)),
			("form", lambda: getdoc("Mentoring Case", self.case)),
			("client", lambda: frappe.client.get("Mentoring Case", self.case)),
		):
			try:
				call()
				out[name] = True
			except frappe.PermissionError:
				out[name] = False
			finally:
				frappe.clear_last_message()
				frappe.local.message_log = []
		try:
			out["link_search"] = self.case in str(search_link("Mentoring Case", "", page_length=100))
		except frappe.PermissionError:
			out["link_search"] = False
		from frappe.desk.listview import get_group_by_count

		try:  # list sidebar and dashboard counts
			counts = get_group_by_count("Mentoring Case", "[]", "status")
			out["dashboard_counts"] = any(c.get("name") == "Tildelt" and c.get("count") for c in counts)
		except frappe.PermissionError:
			out["dashboard_counts"] = False
		return out

	def test_permission_matrix(self):
		expected = {
			self.manager: True,
			self.mentor_user: True,
			self.other_mentor_user: False,
			self.secretary: False,
			self.owner: False,  # the member follows status through the portal API only
			self.other: False,
			"Guest": False,
		}
		for user, allowed in expected.items():
			got = self.paths(user)
			self.assertEqual(got, {k: allowed for k in got}, user)

	def test_the_mentor_pool_is_for_case_managers_a_mentor_sees_only_themself(self):
		from frappe.api.v1 import read_doc

		for user, visible in (
			(self.manager, {self.mentor, self.other_mentor}),
			(self.mentor_user, {self.mentor}),
			(self.other_mentor_user, {self.other_mentor}),
			(self.secretary, set()),
			(self.owner, set()),
		):
			frappe.set_user(user)
			try:
				listed = set(frappe.get_list("Mentor", pluck="name", limit_page_length=0))
			except frappe.PermissionError:
				listed = set()
			self.assertEqual(listed & {self.mentor, self.other_mentor}, visible, user)
			for name in (self.mentor, self.other_mentor):
				try:
					read_doc("Mentor", name)
					got = True
				except frappe.PermissionError:
					got = False
				finally:
					frappe.clear_last_message()
				self.assertEqual(got, name in visible, (user, name))

	def test_member_sees_own_status_without_internal_notes(self):
		from kdf_app.api.cases import my_cases

		frappe.set_user(self.owner)
		mine = my_cases()
		self.assertEqual([(c.name, c.status) for c in mine], [(self.case, "Tildelt")])
		self.assertNotIn(SECRET, str(mine))
		self.assertNotIn("request", mine[0])
		from frappe.website.serve import get_response_content

		page = get_response_content("radgivning")
		self.assertIn("Juridisk bistand", page)
		self.assertIn("Tildelt", page)
		self.assertIn("kdf-case-form", page)
		self.assertNotIn(SECRET, page)
		frappe.set_user(self.other)
		self.assertEqual(my_cases(), [])
		self.assertNotIn("Tildelt", get_response_content("radgivning"))
		from frappe.www.printview import get_html_and_style

		self.assertRaises(frappe.PermissionError, get_html_and_style, "Mentoring Case", self.case)

	def test_global_search_and_board_report_carry_no_case_content(self):
		from frappe.utils.global_search import search

		from kdf_app.kdf_advice.report.case_statistics.case_statistics import execute

		self.assertEqual([r for r in search(SECRET) if r.get("doctype") == "Mentoring Case"], [])
		frappe.set_user(self.secretary)
		_, rows = execute({})
		text = str(rows)
		self.assertNotIn(SECRET, text)
		self.assertNotIn(self.owner_member.member_name, text)
		mine = [r for r in rows if r.case_type == "Juridisk bistand" and r.status == "Tildelt"]
		self.assertTrue(mine and mine[0].conflict_related >= 1)

	def test_notifications_carry_only_a_link(self):
		import email as email_lib

		queued = frappe.get_all(
			"Email Queue",
			{"creation": (">=", frappe.utils.add_days(today(), -1))},
			["message"],
			order_by="creation desc",
			limit=50,
		)
		bodies = [email_lib.message_from_string(q.message) for q in queued]
		texts = []
		for m in bodies:
			for part in m.walk():
				if part.get_content_type() in ("text/html", "text/plain"):
					texts.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
		case_mails = [t for t in texts if "tildelt en sak" in t or "oppdatering i saken" in t.lower()]
		self.assertTrue(case_mails)
		for t in case_mails:
			self.assertNotIn(SECRET, t)
			self.assertNotIn("Juridisk", t)

	def test_every_read_is_logged_and_only_case_managers_see_the_log(self):
		before = frappe.db.count("Case Read Log", {"case": self.case})
		self.paths(self.mentor_user)
		self.paths(self.other)  # refused attempts are logged too
		frappe.set_user("Administrator")
		logs = frappe.get_all(
			"Case Read Log",
			{"case": self.case},
			["user", "path", "allowed", "action"],
			order_by="creation asc",
		)
		self.assertGreater(len(logs), before)
		self.assertIn(self.mentor_user, {l.user for l in logs})
		self.assertTrue(any(l.user == self.other and not l.allowed and l.action == "Refused" for l in logs))
		for user, visible in ((self.manager, True), (self.mentor_user, False), (self.secretary, False)):
			frappe.set_user(user)
			try:
				seen = bool(frappe.get_list("Case Read Log", {"case": self.case}))
			except frappe.PermissionError:
				seen = False
			self.assertEqual(seen, visible, user)

	def test_a_mentor_cannot_reassign_or_see_the_member_change(self):
		frappe.set_user(self.mentor_user)
		case = frappe.get_doc("Mentoring Case", self.case)
		case.mentor = self.other_mentor
		self.assertRaises(frappe.PermissionError, case.save)


class TestMatchingAndRetention(FrappeTestCase):
	def test_matching_excludes_conflicts(self):
		from kdf_app.kdf_advice.services.cases import suggest_mentors

		current, former, elsewhere = make_org(), make_org(), make_org()
		member = make_member(former, position_start="2015-01-01")
		member.change_position(current, "Kommunedirektør", "2020-01-01", "Ny stilling")
		colleague = make_member(current)
		same_org = make_mentor("Kollega", member=colleague.name)
		old_employer = make_mentor("Tidligere arbeidsgiver", organisation=former)
		full = make_mentor("Full", organisation=elsewhere, capacity=0)
		free = make_mentor("Ledig", organisation=elsewhere, capacity=3)
		case = frappe.get_doc(
			{"doctype": "Mentoring Case", "case_type": "Mentorordning", "member": member.name}
		).insert()
		result = suggest_mentors(case.name)
		suggested = [s["mentor"] for s in result["suggested"]]
		excluded = {e["mentor"] for e in result["excluded"]}
		self.assertIn(free, suggested)
		self.assertTrue({same_org, old_employer, full} <= excluded)
		self.assertFalse({same_org, old_employer, full} & set(suggested))

	def test_retention_anonymises_closed_cases_but_keeps_statistics(self):
		from kdf_app.kdf_advice.services.cases import anonymise_due_cases

		frappe.db.set_single_value("KDF Settings", "case_retention_years", 3)
		member = make_member(make_org())
		mentor = make_mentor(f"Arkiv {frappe.generate_hash(length=4)}")
		case = frappe.get_doc(
			{
				"doctype": "Mentoring Case",
				"case_type": "Veiledning",
				"member": member.name,
				"request": "Navn og detaljer",
				"conflict_related": 1,
				"topic": "Karriere og overgang",
			}
		).insert()
		for status in ("Under vurdering", "Tildelt", "Aktiv", "Avsluttet"):
			case.status = status
			case.mentor = mentor
			case.closing_summary = "Oppsummering med navn" if status == "Avsluttet" else None
			case.append(
				"meetings", {"meeting_date": today(), "notes": "Notat"}
			) if status == "Aktiv" else None
			case.save()
		open_case = frappe.get_doc(
			{"doctype": "Mentoring Case", "case_type": "Veiledning", "member": member.name}
		).insert()
		self.assertNotIn(case.name, anonymise_due_cases(add_years(today(), 2)))
		done = anonymise_due_cases(add_years(today(), 3))
		self.assertIn(case.name, done)
		self.assertNotIn(open_case.name, done)
		row = frappe.db.get_value(
			"Mentoring Case",
			case.name,
			[
				"member",
				"mentor",
				"request",
				"closing_summary",
				"case_type",
				"status",
				"conflict_related",
				"topic",
				"year",
			],
			as_dict=True,
		)
		self.assertEqual((row.member, row.mentor, row.request, row.closing_summary), (None, None, None, None))
		self.assertEqual(
			(row.case_type, row.status, row.conflict_related, row.topic),
			("Veiledning", "Avsluttet", 1, "Karriere og overgang"),
		)
		self.assertEqual(frappe.db.count("Case Meeting", {"parent": case.name}), 0)
		self.assertEqual(anonymise_due_cases(add_years(today(), 4)), [])  # once
