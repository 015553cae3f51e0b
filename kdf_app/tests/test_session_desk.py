"""Sessions in the desk (issue 17): what a stay package includes is each session's own, with its dates; the desk's
Register a Group takes each colleague's package, extra night and dietary needs and refuses a half-filled or empty
row by its number; the lists people read are in Norwegian alphabetical order (Æ, Ø, Å after Z)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, now_datetime

from kdf_app.kdf_programmes.core.stay import includes_text
from kdf_app.tests.test_group_registration import TEAMS, colleague, team_session
from kdf_app.tests.utils import (
	make_member,
	make_org,
	make_session,
	make_stay_package,
	make_test_email_account,
	member_user,
	page,
	register,
	use_test_settings,
)

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]

SEPTEMBER_TEXT = "Lunsj og kaffepauser begge dager, middag 6. september, overnatting 6.–7. september"


def package_with_old_text(name: str) -> str:
	"""A package as made before the move: its text (with September's dates) on the package itself. Where the
	package has no such field any more, the value is simply not stored."""
	if not frappe.db.exists("Stay Package", name):
		frappe.get_doc(
			{
				"doctype": "Stay Package",
				"package_name": name,
				"nights": 1,
				"price": 4000,
				"item": "KDF-DELTAKERAVGIFT",
				"accommodation_share": 55,
				"includes": SEPTEMBER_TEXT,
			}
		).insert(ignore_permissions=True)
	return name


def january_session(package: str, **row):
	"""A two-day session in January (of next year), with ``package``."""
	year = now_datetime().year + 1
	start = f"{year}-01-13 10:00:00"
	return make_session(
		starts_on=start,
		ends_on=f"{year}-01-14 15:00:00",
		registration_deadline=add_days(now_datetime(), 10),
		packages={},
		stay_packages=[{"stay_package": package, "price": 4000, **row}],
	)


class TestSessionPackages(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_test_settings()

	def test_a_session_writes_what_its_package_includes_from_its_own_dates(self):
		package = package_with_old_text(f"Test pakke {frappe.generate_hash(length=5)}")
		year = now_datetime().year + 1
		session = january_session(package, dinner_on=f"{year}-01-13")
		(row,) = session.stay_packages
		self.assertEqual(row.nights, 1)  # the package's number, the session's dates
		self.assertEqual(
			row.includes,
			"Lunsj og kaffepauser begge dager, middag 13. januar, overnatting 13.–14. januar",
		)
		self.assertNotIn("september", row.includes)

	def test_each_session_shows_its_own_text_on_its_page(self):
		package = make_stay_package(f"Test pakke {frappe.generate_hash(length=5)}", 4000)
		january = january_session(package, includes="Lunsj begge dager, middag 13. januar")
		autumn = make_session(packages={}, stay_packages=[{"stay_package": package, "price": 3500}])
		start, end = getdate(autumn.starts_on), getdate(autumn.ends_on)
		self.assertEqual(autumn.stay_packages[0].includes, includes_text(start, end))
		for session, text in (
			(january, "Lunsj begge dager, middag 13. januar"),
			(autumn, includes_text(start, end)),
		):
			context = frappe._dict()
			frappe.get_doc("Topplederprogram Session", session.name).get_context(context)
			self.assertEqual([p["includes"] for p in context.packages], [text])
		status, html = page(january.route, "Guest")
		self.assertEqual(status, 200)
		self.assertIn("Lunsj begge dager, middag 13. januar", html)

	def test_a_text_or_dinner_outside_the_session_is_refused(self):
		package = make_stay_package(f"Test pakke {frappe.generate_hash(length=5)}", 4000)
		with self.assertRaisesRegex(frappe.ValidationError, "6. september"):
			january_session(package, includes=SEPTEMBER_TEXT)
		year = now_datetime().year + 1
		with self.assertRaisesRegex(frappe.ValidationError, "dinner"):
			january_session(package, dinner_on=f"{year}-02-01")
		with self.assertRaisesRegex(frappe.ValidationError, "nights"):
			january_session(package, nights=3)

	def test_moving_the_session_asks_for_the_text_but_an_unrelated_save_does_not(self):
		package = make_stay_package(f"Test pakke {frappe.generate_hash(length=5)}", 4000)
		session = january_session(package, includes="Middag 13. januar")
		session.reload()
		session.capacity = 40
		session.save()  # nothing about the packages changed
		session.starts_on = add_days(session.starts_on, 7)
		session.ends_on = add_days(session.ends_on, 7)
		with self.assertRaisesRegex(frappe.ValidationError, "13. januar"):
			session.save()

	def test_the_patch_copies_the_package_text_and_flags_a_session_it_does_not_fit(self):
		from kdf_app.patches import session_package_texts

		if not frappe.db.has_column("Stay Package", "includes"):
			self.skipTest("a site installed after the move has no package text to copy")
		package = package_with_old_text(f"Test pakke {frappe.generate_hash(length=5)}")
		frappe.db.set_value("Stay Package", package, "includes", SEPTEMBER_TEXT)
		session = january_session(package)
		frappe.db.sql(
			"update `tabSession Stay Package` set includes = null, nights = 0 where parent = %s", session.name
		)
		session_package_texts.execute()
		row = frappe.db.get_value(
			"Session Stay Package", {"parent": session.name}, ["includes", "nights"], as_dict=True
		)
		self.assertEqual((row.includes, row.nights), (SEPTEMBER_TEXT, 1))
		comments = frappe.get_all(
			"Comment",
			{"reference_doctype": "Topplederprogram Session", "reference_name": session.name},
			pluck="content",
		)
		self.assertTrue(any("6. september" in c for c in comments), comments)


class TestRegisterGroupInTheDesk(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_test_settings()
		make_test_email_account()

	def test_each_colleague_and_the_member_with_their_own_package_night_and_diet(self):
		from kdf_app.api.registration import register_group_for

		session = team_session()
		member, _user = member_user()
		register_group_for(
			session.name,
			member.name,
			[
				colleague(
					"Kari Nordmann",
					stay_package="Test med overnatting",
					extra_night=1,
					dietary_needs="Vegetar",
				),
				colleague("Per Hansen", stay_package="Test uten overnatting"),
			],
			include_member=1,
			invoice_reference="R-1",
			stay_package="Test uten overnatting",
			extra_night=1,
			dietary_needs="Glutenfri",
		)
		regs = {
			r.participant_name: r
			for r in frappe.get_all(
				"Registration",
				{"session": session.name},
				["participant_name", "stay_package", "extra_night", "dietary_needs", "total"],
			)
		}
		self.assertEqual(
			(
				regs["Kari Nordmann"].stay_package,
				regs["Kari Nordmann"].extra_night,
				regs["Kari Nordmann"].dietary_needs,
			),
			("Test med overnatting", 1, "Vegetar"),
		)
		self.assertEqual(
			(regs["Per Hansen"].stay_package, regs["Per Hansen"].extra_night), ("Test uten overnatting", 0)
		)
		mine = regs[member.member_name]
		self.assertEqual(
			(mine.stay_package, mine.extra_night, mine.dietary_needs),
			("Test uten overnatting", 1, "Glutenfri"),
		)

	def test_a_half_filled_or_empty_row_is_refused_by_its_number_and_nothing_is_saved(self):
		from kdf_app.api.registration import register_group_for

		session = team_session()
		member, _user = member_user()
		for rows, message in (
			(
				[colleague("Kari Nordmann"), {"name": "", "email": "", "dietary_needs": ""}],
				"Row 2 has no name",
			),
			([colleague("Kari Nordmann"), {"name": "Per Hansen", "email": ""}], r"Row 2 \(Per Hansen\)"),
			([{"name": "", "email": "per@example.no", "title": "Rådgiver"}], r"Row 1 \(per@example.no\)"),
		):
			with self.assertRaisesRegex(frappe.ValidationError, message):
				register_group_for(session.name, member.name, rows, include_member=1, invoice_reference="R-1")
			self.assertEqual(frappe.db.count("Registration", {"session": session.name}), 0)


class TestNorwegianOrder(FrappeTestCase):
	"""Lists people read: Æ, Ø, Å after Z (the database's utf8mb4_unicode_ci files Å with A)."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_test_settings()
		make_test_email_account()

	def test_the_organisation_picker(self):
		from kdf_app.kdf_members.services.membership import official_organisations

		tag = frappe.generate_hash(length=6)
		names = [f"{c}ktest {tag}" for c in ("Å", "Ø", "A", "Z", "Æ")]
		for name in names:
			make_org(name)
		listed = [o["label"] for o in official_organisations() if o["label"].endswith(tag)]
		self.assertEqual(listed, [f"{c}ktest {tag}" for c in ("A", "Z", "Æ", "Ø", "Å")])

	def test_participant_list_badges_report_and_topics(self):
		from kdf_app.kdf_programmes.report.session_participants.session_participants import execute
		from kdf_app.kdf_programmes.services.participants import participant_list
		from kdf_app.kdf_programmes.services.topics import session_topics

		session = make_session(participants_allowed=TEAMS, non_member_fee=7500)
		org = make_org()
		for first in ("Åse", "Øyvind", "Anne", "Ziggy", "Ærlig"):
			register(session, make_member(org, first_name=first, last_name="Testesen"), topic="Tillit")
		want = ["Anne", "Ziggy", "Ærlig", "Øyvind", "Åse"]

		def firsts(rows):
			return [r["member_name"].split()[0] for r in rows]

		self.assertEqual(firsts(participant_list(session.name)), want)
		self.assertEqual(firsts(execute({"session": session.name})[1]), want)
		self.assertEqual(firsts(session_topics(session.name)), want)
		badges = frappe.get_print("Topplederprogram Session", session.name, "Navneskilt")
		positions = [badges.index(f"{f} Testesen") for f in want]
		self.assertEqual(positions, sorted(positions))

	def test_membership_coverage_counties(self):
		from kdf_app.kdf_members.report.membership_coverage.membership_coverage import execute

		tag = frappe.generate_hash(length=6)
		for c in ("Å", "Ø", "A", "Z"):
			make_org(county=f"{c}testfylke {tag}")
		counties = [r["county"] for r in execute({})[1] if str(r["county"]).endswith(tag)]
		self.assertEqual(counties, [f"{c}testfylke {tag}" for c in ("A", "Z", "Ø", "Å")])
