"""The member portal says the truth and is fast for guests (issue 17):

* the programme list says of each session what the registration check would do (past, closed, full with a
  waitlist, open with its deadline): kdf_app.kdf_programmes.core.sessions.registration_state, one rule;
* dates and amounts in one Norwegian format on every portal page (2. desember 2026, kr 12 200,00);
* Mine påmeldinger cancels through a dialog with a Norwegian title (not Frappe's "Confirm");
* a guest's programme list, session page and /personvern come from Frappe's page cache, cleared when the
  session, its seats or its deadline change; anyone logged in gets their own page, never a guest's copy."""

import re
import time
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_to_date, get_datetime, now_datetime
from frappe.website.serve import get_response

from kdf_app.kdf_app.services import page_cache, web_render
from kdf_app.kdf_programmes.core.sessions import format_date_no, format_nok
from kdf_app.tests.utils import make_member, make_session, member_user, register

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]


def fetch(path: str, user: str = "Guest") -> tuple[int, str, bool]:
	"""One request for a portal page as ``user``, with the app's before_request hook, as the web server runs
	it: (HTTP status, HTML, served from Frappe's page cache). Nothing here keeps a guest's copy from a member:
	the page renderers do."""
	from frappe.utils import set_request

	frappe.set_user(user)
	try:
		frappe.local.lang = "no"
		frappe.local.no_cache = 0
		frappe.local.response = frappe._dict({"docs": []})
		set_request(method="GET", path=f"/{path}")
		web_render.before_request()
		response = get_response(path)
		return response.status_code, response.get_data(as_text=True), bool(frappe.local.response.from_cache)
	finally:
		frappe.local.no_cache = 0
		frappe.set_user("Administrator")


def card_state(html: str, session: str) -> str | None:
	m = re.search(rf'data-session="{re.escape(session)}" data-state="(\w+)"', html)
	return m.group(1) if m else None


class PortalCase(FrappeTestCase):
	def setUp(self):
		page_cache.clear_sessions()
		page_cache.clear(page_cache.PERSONVERN)

	def tearDown(self):
		frappe.set_user("Administrator")
		page_cache.clear_sessions()


class TestProgrammeList(PortalCase):
	def test_past_and_closed_sessions_are_not_open_for_registration(self):
		open_ = make_session()
		full = make_session(capacity=1)
		register(full, make_member())
		closed = make_session()
		frappe.db.set_value(  # the deadline passed yesterday; nobody changed the status
			"Topplederprogram Session", closed.name, "registration_deadline", add_days(now_datetime(), -1)
		)
		past = make_session()
		start = add_days(now_datetime(), -10)
		frappe.db.set_value(
			"Topplederprogram Session",
			past.name,
			{"starts_on": start, "ends_on": add_days(start, 1), "registration_deadline": add_days(start, -7)},
		)
		frappe.clear_document_cache("Topplederprogram Session", past.name)
		frappe.clear_document_cache("Topplederprogram Session", closed.name)
		page_cache.clear_sessions()
		_m, user = member_user()
		for who in ("Guest", user):
			status, html, _cached = fetch("topplederprogram", who)
			self.assertEqual(status, 200)
			self.assertEqual(card_state(html, open_.name), "open", who)
			self.assertEqual(card_state(html, full.name), "full", who)
			self.assertEqual(card_state(html, closed.name), "closed", who)
			self.assertEqual(card_state(html, past.name), "past", who)
			# a new session's seats are its capacity (its stored free seats are 0 until a registration counts)
			self.assertIn("35 ledige plasser", html)
			# the open one says its deadline, the closed one that registration is closed
			self.assertIn(format_date_no(open_.registration_deadline), html)
			self.assertIn("Påmeldingen er stengt", html)
		# what the list says is what the registration check does
		self.assertEqual(register(open_, make_member()).status, "Bekreftet")
		self.assertEqual(register(full, make_member()).status, "Venteliste")
		for session in (closed, past):
			with self.assertRaises(frappe.ValidationError):
				register(session, make_member())

	def test_the_session_page_of_a_closed_session_offers_no_registration(self):
		session = make_session()
		frappe.db.set_value(
			"Topplederprogram Session", session.name, "registration_deadline", add_days(now_datetime(), -1)
		)
		frappe.clear_document_cache("Topplederprogram Session", session.name)
		_m, user = member_user()
		for who in ("Guest", user):
			status, html, _cached = fetch(session.route, who)
			self.assertEqual(status, 200)
			self.assertIn('data-state="closed"', html)
			self.assertNotIn('id="kdf-register"', html)
			self.assertNotIn("/login?redirect-to=", html)
			self.assertNotIn("ledige plasser", html)


class TestNorwegianFormats(PortalCase):
	def test_radgivning_dates_read_as_on_every_other_page(self):
		from kdf_app.api.cases import request_case

		member, user = member_user()
		frappe.set_user(user)
		try:
			request_case("Veiledning", "Trenger en samtale om budsjettprosessen")
		finally:
			frappe.set_user("Administrator")
		created = frappe.db.get_value("Mentoring Case", {"member": member.name}, "creation")
		status, html, _cached = fetch("radgivning", user)
		self.assertEqual(status, 200)
		self.assertTrue(format_date_no(created) in html, f"no {format_date_no(created)} on /radgivning")
		self.assertIsNone(re.search(r"\b\d\d-\d\d-\d{4}\b", html), "a dd-mm-yyyy date on /radgivning")

	def test_amounts_on_mine_data_read_as_on_the_session_page(self):
		member, user = member_user()
		reg = register(make_session(), member, stay_package="Test med overnatting", extra_night=1)
		before = frappe.db.get_single_value("System Settings", "number_format")
		self.addCleanup(frappe.db.set_single_value, "System Settings", "number_format", before)
		frappe.db.set_single_value("System Settings", "number_format", "#.###,##")  # as on a Norwegian site
		status, html, _cached = fetch("mine-data", user)
		self.assertEqual(status, 200)
		total = format_nok(frappe.db.get_value("Registration", reg.name, "total"))  # kr 12 200,00
		self.assertTrue(total in html, f"no {total} on /mine-data")
		self.assertIsNone(
			re.search(r"kr\s?\d{1,3}\.\d{3},\d\d", html), "an amount as kr 12.200,00 on /mine-data"
		)

	def test_the_session_page_and_list_use_the_portal_formats(self):
		session = make_session()
		status, html, _cached = fetch(session.route)
		self.assertEqual(status, 200)
		self.assertIn(format_date_no(session.registration_deadline), html)
		self.assertIn(format_nok(session.participant_fee), html)
		self.assertIn(format_date_no(get_datetime(session.starts_on), weekday=True, time=True), html)


class TestCancelDialog(PortalCase):
	def test_mine_pameldinger_asks_in_norwegian_in_its_own_dialog(self):
		member, user = member_user()
		register(make_session(), member)
		status, html, _cached = fetch("pameldinger", user)
		self.assertEqual(status, 200)
		self.assertNotIn("frappe.confirm(", html)  # Frappe's dialog is titled "Confirm" on the portal
		title = re.search(r'<h2[^>]*id="kdf-cancel-title"[^>]*>([^<]*)</h2>', html)
		self.assertTrue(title)
		self.assertEqual(title.group(1).strip(), "Melde av påmeldingen?")
		self.assertIn("<dialog", html)
		# stacked on a phone: every cell says what it is
		self.assertIn('class="table kdf-stack"', html)
		self.assertIn('data-label="Status"', html)


class TestGuestPageCache(PortalCase):
	def test_a_guest_gets_the_cached_page_a_member_their_own(self):
		session = make_session()
		_member, user = member_user()
		_s, first, cached = fetch(session.route)
		self.assertFalse(cached)
		_s, again, cached = fetch(session.route)
		self.assertTrue(cached, "a guest's second request is rendered again")
		self.assertEqual(first, again)
		self.assertIn("/login?redirect-to=", again)
		# the member is never served the guest's copy: their page has the form, the guest's has not
		_s, mine, cached = fetch(session.route, user)
		self.assertFalse(cached)
		self.assertIn('id="kdf-register"', mine)
		self.assertNotIn("/login?redirect-to=", mine)
		_s, mine, cached = fetch(session.route, user)
		self.assertFalse(cached)
		# the programme list and the privacy notice likewise
		for path, member_only in (
			("topplederprogram", 'href="/pameldinger"'),
			("personvern", 'href="/mine-data"'),
		):
			fetch(path)
			_s, html, cached = fetch(path)
			self.assertTrue(cached, path)
			self.assertNotIn(member_only, html)
			_s, html, cached = fetch(path, user)
			self.assertFalse(cached, path)
			self.assertIn(member_only, html)

	def test_a_new_seat_count_or_a_changed_session_clears_the_guests_copy(self):
		session = make_session(capacity=2)
		fetch(session.route)
		fetch("topplederprogram")
		self.assertTrue(fetch(session.route)[2])
		register(session, make_member())
		_s, html, cached = fetch(session.route)
		self.assertFalse(cached, "the seat count changed, the guest's copy did not go")
		self.assertIn("1 ledige plasser", html)
		_s, listing, cached = fetch("topplederprogram")
		self.assertFalse(cached)
		self.assertIn("1 ledige plasser", listing)
		register(session, make_member())
		_s, listing, _c = fetch("topplederprogram")
		self.assertEqual(card_state(listing, session.name), "full")
		# the secretariat changes the programme: the guest sees it at once
		fetch(session.route)
		self.assertTrue(fetch(session.route)[2])
		session.reload()
		session.append("agenda", {"day": session.starts_on, "time": "09:00:00", "title": "Ny programpost"})
		session.save()
		_s, html, cached = fetch(session.route)
		self.assertFalse(cached)
		self.assertIn("Ny programpost", html)

	def test_the_guests_copy_goes_when_the_deadline_passes(self):
		session = make_session()
		deadline = get_datetime(session.registration_deadline)
		fetch(session.route)
		fetch("topplederprogram")
		self.assertTrue(fetch(session.route)[2])
		# kept until the deadline, and never longer than MAX_AGE
		for path in (session.route, "topplederprogram"):
			until = frappe.cache.hget(page_cache.EXPIRY, path)
			self.assertLessEqual(until, min(deadline.timestamp(), time.time() + page_cache.MAX_AGE))
		# time passes: the deadline is behind us, nothing was saved (the clock is all that changed)
		frappe.db.set_value(
			"Topplederprogram Session",
			session.name,
			"registration_deadline",
			add_to_date(now_datetime(), hours=-1),
		)
		frappe.clear_document_cache("Topplederprogram Session", session.name)
		with patch.object(page_cache.time, "time", return_value=deadline.timestamp() + 1):
			for path in (session.route, "topplederprogram"):
				_s, html, cached = fetch(path)
				self.assertFalse(cached, f"/{path} still cached after the deadline")
		_s, html, _c = fetch(session.route)
		self.assertIn('data-state="closed"', html)

	def test_a_preview_and_an_unpublished_session_are_never_cached(self):
		session = make_session(published=0, status="Utkast")
		self.assertEqual(fetch(session.route)[0], 404)
		self.assertIsNone(frappe.cache.hget(page_cache.EXPIRY, session.route))
		self.assertFalse(frappe.cache.hget("website_page", session.route))
