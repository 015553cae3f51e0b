"""The member portal is KDF's: menu, login page, profile; public session pages and hidden drafts; the agenda."""

from datetime import timedelta

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from kdf_app.tests.utils import make_session, make_user, member_user, page

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]

KDF_MENU = ["Topplederprogram", "Mine påmeldinger", "Rådgivning", "Mine fakturaer", "Min profil"]


class TestPortalMenu(FrappeTestCase):
	def setUp(self):
		from kdf_app.kdf_app.services.portal import setup_portal

		setup_portal()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_portal_settings_show_only_kdf_items_and_keep_other_apps_rows(self):
		settings = frappe.get_single("Portal Settings")
		enabled = [r.title for r in settings.menu if r.enabled]
		self.assertEqual(enabled, KDF_MENU)
		# ERPNext's rows are still there, only switched off
		routes = {r.route: r.enabled for r in settings.menu}
		for route in ("/orders", "/invoices", "/quotations", "/project", "/timesheets"):
			if route in routes:
				self.assertEqual(routes[route], 0, route)
		self.assertGreater(len(settings.menu), len(KDF_MENU))

	def test_a_new_erpnext_item_is_disabled_again_after_migrate(self):
		from kdf_app.kdf_app.services.portal import setup_portal

		settings = frappe.get_single("Portal Settings")
		settings.append("menu", {"title": "Nytt fra ERPNext", "route": "/new-erp-thing", "enabled": 1})
		settings.save(ignore_permissions=True)
		setup_portal()
		rows = {r.route: r for r in frappe.get_single("Portal Settings").menu}
		self.assertEqual(rows["/new-erp-thing"].enabled, 0)
		self.assertTrue(frappe.db.exists("Portal Menu Item", rows["/new-erp-thing"].name))

	def test_kdf_items_come_back_after_frappes_own_menu_sync(self):
		from kdf_app.kdf_app.services.portal import setup_portal

		# what every migrate does before our after_migrate: drops items without a reference doctype
		frappe.get_single("Portal Settings").sync_menu()
		setup_portal()
		settings = frappe.get_single("Portal Settings")
		self.assertEqual([r.title for r in settings.menu if r.enabled], KDF_MENU)

	def test_member_sidebar_is_kdf_in_norwegian_even_with_a_customer_role(self):
		from frappe.website.utils import get_portal_sidebar_items

		_member, user = member_user()
		frappe.db.sql(  # a Customer role left by an earlier version (written past our User hooks)
			"insert into `tabHas Role` (name, parent, parenttype, parentfield, role) values (%s, %s, 'User', 'roles', 'Customer')",
			(frappe.generate_hash(length=10), user),
		)
		frappe.clear_cache(user=user)
		frappe.set_user(user)
		frappe.cache.hdel("portal_menu_items", user)
		titles = [i["title"] for i in get_portal_sidebar_items()]
		frappe.set_user("Administrator")
		self.assertEqual(titles, KDF_MENU)
		status, html = page("me", user)
		self.assertEqual(status, 200)
		for title in KDF_MENU:
			self.assertIn(title, html)
		for erpnext in ("/orders", "/quotations", "/timesheets", "/project"):
			self.assertNotIn(f'href="{erpnext}"', html)
		self.assertIn('href="/radgivning"', html)

	def test_min_profil_shows_the_members_own_record(self):
		m, user = member_user(mobile="+47 912 34 567")
		other, _ = member_user()
		status, html = page("min-profil", user)
		self.assertEqual(status, 200)
		self.assertIn(frappe.utils.escape_html(m.member_name), html)
		self.assertIn(m.email, html)
		self.assertIn("+47 912 34 567", html)
		self.assertIn(frappe.utils.escape_html(m.organisation_name or m.organisation), html)
		self.assertNotIn(other.email, html)
		self.assertEqual(page("min-profil", "Guest")[0], 403)

	def test_login_page_names_kdf_in_norwegian(self):
		from kdf_app.kdf_app.services.portal import setup_website

		setup_website()
		self.assertEqual(frappe.db.get_single_value("Website Settings", "app_name"), "KDF")
		self.assertEqual(frappe.db.get_single_value("Website Settings", "disable_signup"), 1)
		status, html = page("login", "Guest")
		self.assertEqual(status, 200)
		self.assertIn("Logg inn på KDF", html)
		self.assertNotIn("Login to Frappe", html)


class TestSessionPages(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.secretariat = make_user(["KDF Sekretariat"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_guest_sees_a_published_session_with_a_login_button(self):
		session = make_session()
		status, html = page(session.route, "Guest")
		self.assertEqual(status, 200)
		self.assertIn(frappe.utils.escape_html(session.session_title), html)
		self.assertIn(f"/login?redirect-to=/{session.route}", html)
		self.assertIn("Grand Hotel", html)
		self.assertNotIn('id="kdf-register"', html)  # the form is for logged-in members

	def test_drafts_and_unpublished_sessions_are_404_except_for_the_secretariat(self):
		_, member = member_user()
		draft = make_session(status="Utkast")
		unpublished = make_session(published=0)
		for session in (draft, unpublished):
			for user in ("Guest", member):
				status, html = page(session.route, user)
				self.assertEqual(status, 404, (session.status, session.published, user))
				self.assertNotIn(session.session_title, html)
			status, html = page(session.route, self.secretariat)
			self.assertEqual(status, 200)
			self.assertIn('id="kdf-preview"', html)
		# once published and open, the same page is public
		draft.status = "Åpen for påmelding"
		draft.save()
		self.assertEqual(page(draft.route, "Guest")[0], 200)

	def test_agenda_in_time_order_without_stray_colons(self):
		session = make_session()
		day = session.starts_on.date() if hasattr(session.starts_on, "date") else session.starts_on
		for time, title in (("12:00:00", "Lunsj"), ("8:30:00", "Registrering"), ("10:15:00", "Foredrag")):
			session.append("agenda", {"day": day, "time": time, "title": title})
		session.append("agenda", {"day": add_days(day, 1), "time": "09:00:00", "title": "Dag to"})
		session.save()
		status, html = page(session.route, "Guest")
		self.assertEqual(status, 200)
		positions = [html.index(t) for t in ("Registrering", "Foredrag", "Lunsj", "Dag to")]
		self.assertEqual(positions, sorted(positions))
		for shown in ("08:30", "10:15", "12:00", "09:00"):
			self.assertIn(f">{shown}<", html)
		self.assertNotIn("8:30:<", html)

	def test_participant_list_defaults_to_the_next_session(self):
		from kdf_app.api.sessions import default_session

		make_session()
		frappe.set_user(self.secretariat)
		chosen = default_session()
		frappe.set_user("Administrator")
		doc = frappe.get_doc("Topplederprogram Session", chosen)
		self.assertGreaterEqual(doc.ends_on, now_datetime() - timedelta(seconds=1))
		earlier = frappe.get_all(
			"Topplederprogram Session",
			filters={
				"ends_on": (">=", now_datetime()),
				"status": ("!=", "Avlyst"),
				"starts_on": ("<", doc.starts_on),
			},
		)
		self.assertEqual(earlier, [])
		_, member = member_user()
		frappe.set_user(member)
		self.assertRaises(frappe.PermissionError, default_session)
