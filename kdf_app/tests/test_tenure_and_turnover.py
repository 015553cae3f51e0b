"""Tenure and Turnover: the report, the årsmelding's year (the same figures, as of the year's 31 December), the
research consent (Min profil, the membership application) and the research extract (only the research role,
only consenting members, k from KDF Settings, every extract logged, nothing released on bad input)."""

import csv
import io
import json
import zipfile
from base64 import b64decode
from datetime import date

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from kdf_app.api import research as api
from kdf_app.kdf_app.report.kdf_annual_report.kdf_annual_report import execute as annual_report
from kdf_app.kdf_app.services.annual_report import figures
from kdf_app.kdf_members.report.tenure_and_turnover.tenure_and_turnover import execute as tenure_report
from kdf_app.kdf_members.services import turnover as service
from kdf_app.tests.utils import make_member, make_org, make_user, page, use_test_settings

YEAR = getdate(today()).year
LAST = YEAR - 1
LOG = "Research Extract Log"
# a stretch of years nothing else on a test site has: the extract's people are the test's own
FAR = 1971


def person(positions: list[tuple], consent: int = 0, **extra):
	"""A member with this position history: (organisation, from, to, reason); the last may be open."""
	uid = frappe.generate_hash(length=8)
	open_rows = [p for p in positions if not p[2]]
	doc = frappe.get_doc(
		{
			"doctype": "Member",
			"first_name": "Forsker",
			"last_name": f"Test {uid}",
			"email": f"forsk-{uid}@example.no",
			"title": "Kommunedirektør",
			"organisation": open_rows[0][0] if open_rows else None,
			"research_consent": consent,
			"positions": [
				{"organisation": o, "title": "Kommunedirektør", "from_date": f, "to_date": t, "reason": r}
				for o, f, t, r in positions
			],
			**extra,
		}
	).insert(ignore_permissions=True)
	return doc


def percent(value) -> str:
	return f"{round(float(value), 1):n} %".replace(".", ",")


class TurnoverCase(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint("turnover_test")  # each test on its own: what it made goes in tearDown
		self.lang, frappe.local.lang = frappe.local.lang, "en"
		frappe.db.set_single_value("KDF Settings", "research_k", 5)
		use_test_settings(research_k=5)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = self.lang
		frappe.db.rollback(save_point="turnover_test")
		frappe.clear_document_cache("KDF Settings", "KDF Settings")


class TestReportAndAnnualReport(TurnoverCase):
	def test_the_annual_reports_past_year_is_the_reports_year_end(self):
		a, b, c = make_org(county="Agder"), make_org(county="Agder"), make_org(kind="Fylkeskommune")
		person([(a, f"{LAST - 4}-01-01", f"{LAST}-03-31", "Konflikt"), (b, f"{LAST}-04-01", None, None)])
		person([(c, f"{LAST - 9}-08-01", f"{LAST}-06-30", "Pensjon")])
		person([(a, f"{LAST}-05-01", None, None)])
		# what happens after the year's end does not change it: an end and a start this year
		person([(b, f"{LAST - 2}-01-01", f"{YEAR}-01-01", "Konflikt"), (c, f"{YEAR}-01-02", None, None)])
		_columns, rows, *_rest = tenure_report({"from_year": LAST, "to_year": LAST})
		(year, total) = rows
		self.assertEqual((year["label"], total["label"]), (str(LAST), "Total"))
		self.assertEqual(year["as_of"], date(LAST, 12, 31))
		self.assertGreaterEqual(year["left"], 2)
		values = {r["key"]: r["value"] for r in annual_report({"year": LAST})[1] if r.get("key")}
		self.assertEqual(
			[values[k] for k in ("directors_started", "directors_left", "directors_in_post")],
			[year["started"], year["left"], year["in_post"]],
		)
		self.assertEqual(values["turnover_rate"], percent(year["rate"]))
		self.assertEqual(values["conflict_share"], percent(year["konflikt"]))
		median = year["median"]
		self.assertEqual(
			values["median_tenure"], "not reached" if median is None else f"{median:n}".replace(".", ",")
		)
		# the same functions: the service's year is the report's row
		f = figures(LAST)["directors"]
		self.assertEqual(
			(f.started, f.left, f.in_post, f.rate),
			(year["started"], year["left"], year["in_post"], year["rate"]),
		)

	def test_a_past_year_does_not_move_when_later_things_happen(self):
		before = service.year_figures(LAST)
		org = make_org()
		# in post at the end of last year, left this year: still in post on 31 December last year
		person(
			[
				(org, f"{LAST - 3}-01-01", f"{YEAR}-01-01", "Konflikt"),
				(make_org(), f"{YEAR}-01-02", None, None),
			]
		)
		after = service.year_figures(LAST)
		self.assertEqual((after.left, after.in_post - before.in_post), (before.left, 1))
		self.assertEqual(after.in_post_at_end - before.in_post_at_end, 1)
		self.assertEqual(after.reasons, before.reasons)
		self.assertEqual(after.survival.ongoing - before.survival.ongoing, 1)

	def test_the_annual_reports_coverage_of_a_past_year_is_as_of_its_end(self):
		"""Before: the årsmelding showed today's coverage for any year. A director who was a member through last
		year and left both post and membership this year covered their kommune on 31 December last year."""
		org = make_org()
		before = figures(LAST)
		m = person([(org, f"{LAST - 5}-01-01", f"{YEAR}-01-01", "Pensjon")], member_since=f"{LAST - 5}-01-01")
		frappe.db.set_value(
			"Member", m.name, {"membership_status": "Utmeldt", "membership_ended_on": f"{YEAR}-01-01"}
		)
		after = figures(LAST)
		(covered_before, orgs_before), (covered_after, orgs_after) = (
			before["coverage_counts"],
			after["coverage_counts"],
		)
		self.assertEqual((covered_after - covered_before, orgs_after), (1, orgs_before))
		self.assertEqual(after["coverage_on"], date(LAST, 12, 31))
		self.assertIsNone(after["coverage_today"])
		# this year's is today's Membership Coverage, where the member (gone) does not count
		this = figures(YEAR)
		self.assertIsNone(this["coverage"])
		self.assertIsNotNone(this["coverage_today"])
		values = {r["key"]: r["value"] for r in annual_report({"year": LAST})[1] if r.get("key")}
		self.assertEqual(values["coverage"], percent(after["coverage"]))

	def test_per_county_and_kind_with_a_chart(self):
		agder, troms = make_org(county="Agder-T"), make_org(county="Troms-T", kind="Fylkeskommune")
		person([(agder, f"{LAST - 2}-01-01", f"{LAST}-02-28", "Konflikt")])
		person([(troms, f"{LAST - 2}-01-01", None, None)])
		_c, rows, message, chart, summary = tenure_report(
			{"from_year": LAST - 2, "to_year": LAST, "group_by": "County"}
		)
		by = {r["label"]: r for r in rows}
		self.assertEqual((by["Agder-T"]["left"], by["Agder-T"]["konflikt"]), (1, 100.0))
		self.assertEqual(by["Troms-T"]["in_post_at_end"], 1)
		self.assertEqual(rows[-1]["label"], "Total")
		self.assertIn("Agder-T", chart["data"]["labels"])
		self.assertIn("Kaplan–Meier", message)
		self.assertEqual(summary[1]["value"], rows[-1]["rate"])  # the whole period's rate, as the Total row
		_c, rows, *_ = tenure_report(
			{"from_year": LAST - 2, "to_year": LAST, "group_by": "Kind", "county": "Troms-T"}
		)
		self.assertEqual([r["label"] for r in rows], ["Fylkeskommune", "Total"])
		_c, rows, _m, chart, _s = tenure_report({"from_year": LAST - 2, "to_year": LAST})
		self.assertEqual(chart["type"], "axis-mixed")
		self.assertEqual(chart["data"]["labels"], [str(y) for y in range(LAST - 2, LAST + 1)])

	def test_a_bad_year_range_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as ctx:
			tenure_report({"from_year": LAST, "to_year": LAST - 3})
		self.assertIn("after the last", str(ctx.exception))

	def test_who_runs_the_report(self):
		from frappe.desk.query_report import run

		frappe.set_user(make_user(["KDF Sekretariat"]))
		self.assertTrue(run("Tenure and Turnover", {"from_year": LAST, "to_year": LAST})["result"])
		for roles in (["Accounts User"], ["KDF Saksbehandler"], ["KDF Mentor"], ["KDF Medlem"]):
			frappe.set_user("Administrator")
			frappe.set_user(make_user(roles))
			self.assertRaises(
				frappe.PermissionError, run, "Tenure and Turnover", {"from_year": LAST, "to_year": LAST}
			)


class TestResearchConsent(TurnoverCase):
	def test_a_member_gives_and_withdraws_it_on_min_profil_with_its_time(self):
		from kdf_app.api.privacy import my_consent, set_consent

		m = make_member(make_org())
		self.assertEqual(m.research_consent, 0)  # default no
		user = m.create_portal_user()
		frappe.set_user(user)
		self.assertFalse(my_consent()["research"])
		result = set_consent(research=1)
		self.assertTrue(result["research"])
		given = result["research_on"]
		self.assertIsNotNone(given)
		self.assertTrue(set_consent(newsletter=0)["research"])  # another consent leaves it as it was
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Member", m.name, "research_consent"), 1)
		self.assertIn(m.name, service.consenting())
		frappe.set_user(user)
		result = set_consent(research=0)
		self.assertFalse(result["research"])
		self.assertGreaterEqual(getdate(result["research_on"]), getdate(given))
		frappe.set_user("Administrator")
		self.assertNotIn(m.name, service.consenting())

	def test_the_secretariat_records_a_withdrawal_never_a_yes(self):
		m = person([(make_org(), f"{LAST}-01-01", None, None)], consent=1)
		frappe.set_user(make_user(["KDF Sekretariat"]))
		frappe.get_doc("Member", m.name).withdraw_research_consent()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Member", m.name, "research_consent"), 0)
		self.assertIsNotNone(frappe.db.get_value("Member", m.name, "research_consent_on"))
		self.assertNotIn(m.name, service.consenting())
		for roles in (["KDF Saksbehandler"], ["Accounts User"]):
			frappe.set_user(make_user(roles))
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc("Member", m.name).withdraw_research_consent()
			frappe.set_user("Administrator")

	def test_min_profil_and_the_privacy_notice_say_it(self):

		use_test_settings(research_k=5, research_partners="Universitetet i Agder")
		m = make_member(make_org())
		status, html = page("min-profil", m.create_portal_user())
		self.assertEqual(status, 200)
		self.assertIn('id="kdf-consent-research"', html)
		self.assertNotIn('id="kdf-consent-research" name="research" checked', html)
		status, html = page(
			"personvern", make_user([], user_type="Website User")
		)  # not a guest's cached copy
		self.assertIn('id="forskning"', html)
		self.assertIn("Universitetet i Agder", html)
		self.assertRegex(html, r"minst\s+5\s+personer")

	def test_the_membership_application_carries_it_to_the_member(self):
		from kdf_app.api import membership as membership_api
		from kdf_app.tests.utils import make_test_email_account

		make_test_email_account()
		made = {}
		for answer in (1, 0):
			uid = frappe.generate_hash(length=6)
			org = make_org()
			frappe.set_user("Guest")
			try:
				membership_api.apply(
					first_name="Forsk",
					last_name=f"Søker {uid}",
					email=f"forsk-soker-{uid}@example.no",
					title="Kommunedirektør",
					organisation=org,
					start_date=add_days(today(), -10),
					consent=1,
					research_consent=answer,
				)
			finally:
				frappe.set_user("Administrator")
			app = frappe.get_doc("Membership Application", {"email": f"forsk-soker-{uid}@example.no"})
			self.assertEqual(app.research_consent, answer)
			member = app.approve()["member"]
			made[answer] = (
				frappe.db.get_value("Member", member, ["research_consent", "research_consent_on"]),
				app,
			)
		(yes, yes_on), app = made[1]
		self.assertEqual((yes, yes_on), (1, app.consent_on))
		(no, no_on), _app = made[0]
		self.assertEqual((no, no_on), (0, None))

	def test_the_page_offers_it_unticked(self):

		status, html = page("bli-medlem", "Guest")
		self.assertEqual(status, 200)
		self.assertIn('id="kdf-research-consent" name="research_consent" value="1">', html)


class TestResearchExtract(TurnoverCase):
	def setUp(self):
		super().setUp()
		self.researcher = make_user(["KDF Forskningsuttrekk"])
		self.org = make_org(county="Agder")
		# five who consented with the same story in FAR's years, and five who did not
		self.yes = [
			person([(self.org, f"{FAR}-02-01", f"{FAR + 3}-05-31", "Konflikt")], consent=1).name
			for _ in range(5)
		]
		self.no = [person([(self.org, f"{FAR}-02-01", f"{FAR + 3}-05-31", "Pensjon")]).name for _ in range(5)]

	def extract(self, user=None, **args):
		frappe.set_user(user or self.researcher)
		try:
			return api.make_extract(**{"from_year": FAR, "to_year": FAR + 4, **args})
		finally:
			frappe.set_user("Administrator")

	def refused(self, exc=frappe.ValidationError, user=None, **args) -> str:
		logs = frappe.db.count(LOG)
		with self.assertRaises(exc) as ctx:
			self.extract(user, **args)
		self.assertEqual(frappe.db.count(LOG), logs, "nothing is logged: nothing was released")
		return str(ctx.exception)

	def test_only_consenting_members_and_every_extract_logged(self):
		result = self.extract()
		log = frappe.get_doc(LOG, result["log"])
		self.assertEqual(
			(log.made_by, log.from_year, log.to_year, log.k, log.granularity),
			(self.researcher, FAR, FAR + 4, 5, "year"),
		)
		self.assertEqual((log.people_in_period, log.rows_released, log.rows_suppressed), (5, 5, 0))
		self.assertIsNotNone(log.made_on)
		self.assertIn("year, county: 5", log.detail)
		with zipfile.ZipFile(io.BytesIO(b64decode(result["content"]))) as z:
			names = z.namelist()
			text = {n: z.read(n).decode() for n in names}
		(csv_name,) = [n for n in names if n.endswith(".csv") and not n.endswith("-ordbok.csv")]
		rows = list(csv.DictReader(io.StringIO(text[csv_name])))
		self.assertEqual(len(rows), 5)
		self.assertEqual(
			{(r["start"], r["end"], r["county"], r["kind"], r["reason"]) for r in rows},
			{(str(FAR), str(FAR + 3), "Agder", "Kommune", "Konflikt")},
		)
		self.assertEqual(len({r["person_key"] for r in rows}), 5)
		document = json.loads(text[csv_name.replace(".csv", ".json")])
		self.assertEqual(document["what_was_done"]["rows_released"], 5)
		self.assertEqual(
			[e["column"] for e in document["data_dictionary"]][:6],
			["person_key", "start", "end", "county", "kind", "reason"],
		)
		everything = "".join(text.values())
		for name in self.yes + self.no:
			self.assertNotIn(name, everything)
		self.assertNotIn("Pensjon,", text[csv_name])  # those who did not consent are not there
		self.assertNotIn(self.org, everything)
		# a half-year extract: a new log, new keys
		again = self.extract(granularity="half-year")
		self.assertNotEqual(again["log"], result["log"])
		self.assertEqual(frappe.db.get_value(LOG, again["log"], "granularity"), "half-year")

	def test_a_role_without_the_right_is_refused(self):
		for roles in (["KDF Sekretariat"], ["System Manager"], ["KDF Saksbehandler"], ["KDF Medlem"]):
			message = self.refused(frappe.PermissionError, user=make_user(roles))
			self.assertIn("KDF Forskningsuttrekk", message)
		# the role is a System Manager's to give: not in the secretariat's Role Profile
		profile = frappe.get_all(
			"Has Role", {"parenttype": "Role Profile", "parent": "KDF Sekretariat"}, pluck="role"
		)
		self.assertNotIn("KDF Forskningsuttrekk", profile)
		# the log is the role's and the System Manager's to read, not the secretariat's
		frappe.set_user(make_user(["KDF Sekretariat"]))
		self.assertFalse(frappe.has_permission(LOG, "read"))
		frappe.set_user(self.researcher)
		self.assertTrue(frappe.has_permission(LOG, "read"))
		self.assertFalse(frappe.has_permission(LOG, "create"))

	def test_k_below_three_is_refused(self):
		frappe.db.set_single_value("KDF Settings", "research_k", 2)
		self.assertIn("k = 2 is too small", self.refused())
		# and KDF Settings does not take it
		settings = frappe.get_single("KDF Settings")
		settings.research_k = 2
		settings.flags.ignore_mandatory = True
		with self.assertRaises(frappe.ValidationError):
			settings.save(ignore_permissions=True)

	def test_too_few_people_or_everything_suppressed_releases_nothing(self):
		message = self.refused(from_year=FAR + 10, to_year=FAR + 12)
		self.assertIn("Only 0 people", message)
		self.assertIn("Nothing is released", message)
		frappe.db.set_single_value("KDF Settings", "research_k", 6)
		self.assertIn("at least k = 6", self.refused())
		# six who consented, but their stories differ: every row would have to be suppressed
		person([(self.org, f"{FAR}-02-01", f"{FAR + 3}-05-31", "Annet")], consent=1)
		frappe.db.set_single_value("KDF Settings", "research_k", 3)
		frappe.db.set_value("Member Position", {"parent": self.yes[0]}, "reason", "Pensjon")
		frappe.db.set_value("Member Position", {"parent": self.yes[1]}, "reason", "Ny stilling")
		frappe.db.set_value("Member Position", {"parent": self.yes[2]}, "to_date", None)
		frappe.db.set_value("Member Position", {"parent": self.yes[2]}, "reason", None)
		frappe.db.set_value("Member Position", {"parent": self.yes[3]}, "from_date", f"{FAR - 20}-01-01")
		self.assertIn("had to be suppressed", self.refused())
		self.assertEqual(frappe.db.count(LOG, {"made_by": self.researcher}), 0)

	def test_bad_years_are_refused(self):
		self.assertIn("after the last", self.refused(from_year=FAR + 4, to_year=FAR))
		self.refused(granularity="month")

	def test_the_log_is_written_only_by_the_app(self):
		from frappe.utils import set_request

		from kdf_app.kdf_privacy.services.guard import app_write

		set_request(method="POST", path="/api/resource/Research Extract Log")
		try:
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc({"doctype": LOG, "made_by": "Administrator", "rows_released": 1}).insert(
					ignore_permissions=True
				)
		finally:
			frappe.local.request = None
		with app_write():
			name = (
				frappe.get_doc({"doctype": LOG, "made_by": "Administrator"})
				.insert(ignore_permissions=True)
				.name
			)
		doc = frappe.get_doc(LOG, name)
		doc.rows_released = 99
		with self.assertRaises(frappe.PermissionError):
			doc.save(ignore_permissions=True)
