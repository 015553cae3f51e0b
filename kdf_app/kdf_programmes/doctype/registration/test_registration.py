import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from kdf_app.tests.utils import (
	make_member,
	make_org,
	make_session,
	make_stay_package,
	queued_mails,
	register,
	start_now,
)

# records are built in code; do not let the runner walk into ERPNext's test records via Sales Invoice
test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]


def queued(reference_name, text):
	"""The queued e-mails about a document whose subject or body contains ``text`` (decoded MIME)."""
	return [
		m["name"]
		for m in queued_mails({"reference_name": reference_name})
		if text in m["subject"] or text in m["body"]
	]


class TestRegistrationPricing(FrappeTestCase):
	def test_2023_prices_are_stored_as_lines(self):
		conference = make_session()
		session = make_session(linked=conference.name)
		m = make_member()
		cases = [
			({}, 6000, ["fee"]),
			({"stay_package": "Test med overnatting"}, 10000, ["fee", "package"]),
			({"stay_package": "Test uten overnatting"}, 7900, ["fee", "package"]),
			(
				{"stay_package": "Test med overnatting", "extra_night": 1},
				12200,
				["fee", "package", "extra_night"],
			),
			(
				{"stay_package": "Test med overnatting", "extra_night": 1, "with_linked_session": 1},
				11900,
				["fee", "package", "combination_discount", "extra_night"],
			),
		]
		for kwargs, total, codes in cases:
			reg = register(session, m, **kwargs)
			self.assertEqual((reg.total, [l.code for l in reg.price_lines]), (total, codes), kwargs)
			self.assertEqual(sum(l.amount for l in reg.price_lines), total)
			reg.cancel_registration()
		discount = register(session, m, stay_package="Test uten overnatting", with_linked_session=1)
		self.assertEqual([l.amount for l in discount.price_lines], [6000, 1900, -300])

	def test_session_prices_are_data(self):
		session = make_session(
			participant_fee=4500, extra_night_price=0, packages={make_stay_package("Test dagpakke", 900): 950}
		)
		reg = register(session, make_member(), stay_package="Test dagpakke")
		self.assertEqual(reg.total, 5450)


class TestCapacityAndWaitlist(FrappeTestCase):
	def test_waitlist_in_arrival_order_and_promotion_on_cancel(self):
		session = make_session(capacity=2)
		regs = [register(session, make_member()) for _ in range(4)]
		self.assertEqual(
			[(r.status, r.waitlist_position) for r in regs],
			[("Bekreftet", 0), ("Bekreftet", 0), ("Venteliste", 1), ("Venteliste", 2)],
		)
		session.reload()
		self.assertEqual(
			(session.confirmed_count, session.waitlist_count, session.free_seats, session.status),
			(2, 2, 0, "Full"),
		)
		self.assertTrue(queued(regs[0].name, "Påmelding bekreftet"))
		self.assertTrue(queued(regs[2].name, "nummer <b>1</b> på ventelisten"))

		promoted = regs[1].cancel_registration()
		self.assertEqual(promoted, [regs[2].name])
		statuses = {
			r.name: frappe.db.get_value("Registration", r.name, ["status", "waitlist_position"]) for r in regs
		}
		self.assertEqual(statuses[regs[1].name], ("Avmeldt", 0))
		self.assertEqual(statuses[regs[2].name], ("Bekreftet", 0))
		self.assertEqual(statuses[regs[3].name], ("Venteliste", 1))
		self.assertTrue(queued(regs[2].name, "Du har fått plass"))
		self.assertTrue(queued(regs[1].name, "Avmelding mottatt"))
		session.reload()
		self.assertEqual((session.confirmed_count, session.waitlist_count, session.status), (2, 1, "Full"))

		regs[3].reload()
		regs[3].cancel_registration()
		session.reload()
		self.assertEqual((session.confirmed_count, session.waitlist_count, session.free_seats), (2, 0, 0))
		regs[0].reload()
		regs[0].cancel_registration()
		session.reload()
		self.assertEqual((session.free_seats, session.status), (1, "Åpen for påmelding"))

	def test_more_capacity_fills_from_the_waitlist(self):
		session = make_session(capacity=1)
		first, second = register(session, make_member()), register(session, make_member())
		self.assertEqual(second.status, "Venteliste")
		session.reload()
		session.capacity = 2
		session.save()
		self.assertEqual(frappe.db.get_value("Registration", second.name, "status"), "Bekreftet")
		self.assertEqual(frappe.db.get_value("Topplederprogram Session", session.name, "status"), "Full")
		self.assertEqual(first.status, "Bekreftet")

	def test_capacity_cannot_drop_below_the_seats_taken(self):
		session = make_session(capacity=3)
		for _ in range(2):
			register(session, make_member())
		session.reload()
		session.capacity = 1
		with self.assertRaisesRegex(frappe.ValidationError, "2 participants already have a seat"):
			session.save()
		session.reload()
		self.assertEqual(session.capacity, 3)
		session.capacity = 2
		session.save()
		self.assertEqual(frappe.db.get_value("Topplederprogram Session", session.name, "status"), "Full")

	def test_a_cancelled_session_cancels_its_registrations_and_tells_everyone(self):
		session = make_session(capacity=1)
		seated, waiting = register(session, make_member()), register(session, make_member())
		other = register(make_session(), make_member())  # another session is untouched
		session.reload()
		session.status = "Avlyst"
		with self.assertRaisesRegex(frappe.ValidationError, "reason"):
			session.save()
		session.reload()
		session.status = "Avlyst"
		session.cancellation_reason = "Hotellet er stengt etter vannlekkasje."
		session.save()
		for reg in (seated, waiting):
			self.assertEqual(
				frappe.db.get_value("Registration", reg.name, ["status", "waitlist_position"]), ("Avmeldt", 0)
			)
			self.assertTrue(frappe.db.get_value("Registration", reg.name, "cancelled_on"))
			self.assertTrue(queued(reg.name, "Hotellet er stengt etter vannlekkasje."))
		self.assertFalse(
			queued(waiting.name, "Du har fått plass")
		)  # nobody is promoted into a cancelled session
		self.assertEqual(frappe.db.get_value("Registration", other.name, "status"), "Bekreftet")
		session.reload()
		self.assertEqual((session.status, session.confirmed_count, session.waitlist_count), ("Avlyst", 0, 0))
		with self.assertRaisesRegex(frappe.ValidationError, "cancelled"):
			register(session, make_member())
		from frappe.website.serve import get_response_content

		page = get_response_content(session.route)
		self.assertIn("kdf-cancelled", page)
		self.assertIn("vannlekkasje", page)
		self.assertNotIn(session.session_title, get_response_content("topplederprogram"))
		session.status = "Åpen for påmelding"
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be reopened"):
			session.save()

	def test_attendance(self):
		session = make_session()
		reg = register(session, make_member())
		# not before the session has started
		self.assertRaisesRegex(
			frappe.ValidationError, "from the start of the session", reg.mark_attendance, 1
		)
		self.assertEqual(frappe.db.get_value("Registration", reg.name, "status"), "Bekreftet")
		start_now(session.name)
		reg.mark_attendance(1)
		self.assertEqual(frappe.db.get_value("Registration", reg.name, "status"), "Deltok")
		session.reload()
		self.assertEqual(session.confirmed_count, 1)  # an attended seat is still taken
		waiting = register(make_session(capacity=1), make_member())
		late = register(waiting.session, make_member())
		start_now(waiting.session)
		self.assertRaises(frappe.ValidationError, late.mark_attendance, 1)


class TestBadInput(FrappeTestCase):
	def assertNothingSaved(self, fn, regex, exc=frappe.ValidationError):
		before = frappe.db.count("Registration")
		self.assertRaisesRegex(exc, regex, fn)
		self.assertEqual(frappe.db.count("Registration"), before)

	def test_refusals(self):
		session = make_session()
		member = make_member()
		make_stay_package("Test ikke tilbudt", 100)
		self.assertNothingSaved(
			lambda: register(session, member, stay_package="Finnes ikke"),
			"Unknown stay package|Could not find",
		)
		self.assertNothingSaved(
			lambda: register(session, member, stay_package="Test ikke tilbudt"), "not offered"
		)
		register(session, member)
		self.assertNothingSaved(
			lambda: register(session, member), "already registered", frappe.DuplicateEntryError
		)
		late = make_session(days_to_deadline=-1)
		self.assertNothingSaved(lambda: register(late, member), "deadline has passed")
		reg = register(late, member, deadline_override_reason="Avtalt med daglig leder")
		self.assertEqual(reg.status, "Bekreftet")
		cancelled = make_session()
		cancelled.db_set("status", "Avlyst")
		self.assertNothingSaved(lambda: register(cancelled, member), "cancelled")

	def test_ehf_payer_needs_an_invoice_reference(self):
		session = make_session()
		self.assertNothingSaved(
			lambda: register(session, make_member(), invoice_reference=""), "ressursnummer"
		)
		org = make_org()
		frappe.db.set_value("Customer", org, "kdf_invoice_reference", "RES-77")
		self.assertEqual(
			register(session, make_member(org), invoice_reference="").invoice_reference, "RES-77"
		)

	def test_script_tags_are_neutralised(self):
		reg = register(
			make_session(),
			make_member(),
			dietary_needs="Glutenfri <script>alert(1)</script><b>og</b> nøtteallergi",
		)
		self.assertEqual(reg.dietary_needs, "Glutenfri og nøtteallergi")

	def test_only_the_secretariat_may_override_the_deadline(self):
		late = make_session(days_to_deadline=-1)
		member = make_member()
		user = member.create_portal_user()
		frappe.set_user(user)
		try:
			self.assertNothingSaved(
				lambda: register(late, member, deadline_override_reason="meg selv"),
				"Only the secretariat",
				frappe.PermissionError,
			)
		finally:
			frappe.set_user("Administrator")


class TestPortalApi(FrappeTestCase):
	def setUp(self):
		self.session = make_session(capacity=1)
		self.me, self.other = make_member(), make_member()
		self.my_user = self.me.create_portal_user()
		self.other_reg = register(self.session, self.other)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_register_and_cancel_through_the_api(self):
		from kdf_app.api.registration import cancel, my_registrations
		from kdf_app.api.registration import register as api_register

		frappe.set_user(self.my_user)
		out = api_register(
			self.session.name,
			stay_package="Test med overnatting",
			extra_night=1,
			invoice_reference="RES-1",
			dietary_needs="Vegetar",
		)
		self.assertEqual((out["status"], out["waitlist_position"], out["total"]), ("Venteliste", 1, 12200.0))
		self.assertEqual(out["total_display"], "kr\u00a012\u00a0200,00")
		self.assertIn("12", out["total_display"])
		self.assertEqual([r.name for r in my_registrations()], [out["name"]])
		# the endpoint skips Frappe's generic link check: the titles it would fetch are there all the same
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value(
				"Registration", out["name"], ["session_title", "member_name", "member_title"], as_dict=True
			),
			{
				"session_title": self.session.session_title,
				"member_name": self.me.member_name,
				"member_title": self.me.title,
			},
		)
		frappe.set_user(self.my_user)
		self.assertEqual(cancel(out["name"])["status"], "Avmeldt")

	def test_the_endpoint_refuses_links_it_was_not_offered(self):
		from kdf_app.api.registration import register as api_register

		other_session = make_session()
		frappe.db.set_value("Topplederprogram Session", other_session.name, "published", 0)
		frappe.set_user(self.my_user)
		for kwargs, message in (
			({"stay_package": "Finnes ikke"}, "Unknown stay package"),
			({"session": other_session.name}, "does not exist"),
			({"session": "TLP-0000-999"}, "does not exist"),
		):
			with self.assertRaises(frappe.ValidationError, msg=str(kwargs)) as caught:
				api_register(**{"session": self.session.name, "invoice_reference": "R", **kwargs})
			self.assertIn(message, str(caught.exception))
		self.assertFalse(frappe.db.exists("Registration", {"member": self.me.name}))

	def test_a_member_only_ever_sees_their_own_registrations(self):
		from kdf_app.api.registration import cancel

		frappe.set_user(self.my_user)
		self.assertEqual(frappe.get_list("Registration", pluck="name"), [])
		self.assertFalse(frappe.has_permission("Registration", "read", self.other_reg.name))
		self.assertRaises(frappe.PermissionError, frappe.client.get, "Registration", self.other_reg.name)
		self.assertRaises(frappe.DoesNotExistError, cancel, self.other_reg.name)
		self.assertRaises(frappe.DoesNotExistError, cancel, "PAM-1999-99999")  # same answer for guessed names
		self.assertRaises(
			frappe.PermissionError,
			frappe.client.insert,
			{"doctype": "Registration", "session": self.session.name, "member": self.me.name},
		)
		self.assertEqual(frappe.db.get_value("Registration", self.other_reg.name, "status"), "Bekreftet")

	def test_guests_and_non_members_cannot_register(self):
		from kdf_app.api.registration import register as api_register

		frappe.set_user("Guest")
		self.assertRaises(frappe.PermissionError, api_register, self.session.name)

	def test_portal_pages_render(self):
		from frappe.website.serve import get_response_content

		frappe.set_user(self.my_user)
		listing = get_response_content("topplederprogram")
		self.assertIn(self.session.session_title, listing)
		page = get_response_content(self.session.route)
		self.assertIn("kdf-register", page)
		self.assertIn("Grand Hotel", page)
		mine = get_response_content("pameldinger")
		self.assertNotIn(self.other_reg.name, mine)


class TestScheduledMails(FrappeTestCase):
	def test_reminder_goes_once_to_active_members_not_registered(self):
		session = make_session(days_to_deadline=3)
		registered, waiting = make_member(), make_member()
		register(session, registered)
		from kdf_app.kdf_programmes.services.reminders import (
			send_deadline_reminders,
			send_practical_information,
		)

		self.assertIn(session.name, send_deadline_reminders())
		recipients = frappe.get_all(
			"Email Queue Recipient",
			filters={
				"parent": (
					"in",
					frappe.get_all("Email Queue", {"reference_name": session.name}, pluck="name"),
				)
			},
			pluck="recipient",
		)
		self.assertIn(waiting.email, recipients)
		self.assertNotIn(registered.email, recipients)
		self.assertNotIn(session.name, send_deadline_reminders())
		soon = make_session(days_to_deadline=-8)
		register(soon, registered, deadline_override_reason="test")
		self.assertIn(soon.name, send_practical_information(add_days(now_datetime(), 1)))


class TestDeskLists(FrappeTestCase):
	def test_participant_list_dietary_list_and_print_format(self):
		from frappe.www.printview import get_html_and_style

		from kdf_app.kdf_programmes.report.session_participants.session_participants import execute

		session = make_session(capacity=2)
		a = register(session, make_member(), dietary_needs="Glutenfri", stay_package="Test med overnatting")
		register(session, make_member())
		w = register(session, make_member())
		_, rows, _, _, summary = execute({"session": session.name})
		self.assertEqual(len(rows), 2)
		self.assertEqual([s["value"] for s in summary], [2, 1, 0])
		_, diet, *_ = execute({"session": session.name, "view": "dietary"})
		self.assertEqual([(r.name, r.dietary_needs) for r in diet], [(a.name, "Glutenfri")])
		_, waiting, *_ = execute({"session": session.name, "view": "waitlist"})
		self.assertEqual([(r.name, r.waitlist_position) for r in waiting], [(w.name, 1)])
		html = get_html_and_style("Topplederprogram Session", session.name, print_format="Deltakerliste")[
			"html"
		]
		self.assertIn(a.member_name, html)
		self.assertIn("Glutenfri", html)
		self.assertNotIn(w.member_name, html)
