"""Privacy: the public notice and the member's own data export (never anyone else's, never case content)."""

import inspect
import json

import frappe
from frappe.utils import add_days, today

from kdf_app.api import privacy as api
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase
from kdf_app.tests.utils import make_member, make_org, make_user, page, register, use_test_settings

SECRET = "personvern-hemmelig-foresporsel"
NOTES = "personvern-hemmelig-motenotat"


class TestPrivacy(InvoicingCase):
	def setUp(self):
		super().setUp()
		# Kari (from InvoicingCase) is registered for self.session; she changed jobs after a conflict
		self.kari.reload()
		self.kari.change_position(make_org(), "Kommunedirektør", add_days(today(), 1), "Konflikt")
		self.kari_user = self.kari.create_portal_user()
		self.kari.reload()
		self.mentor_name = f"Mentor Hemmelig {frappe.generate_hash(length=5)}"
		mentor = frappe.get_doc(
			{
				"doctype": "Mentor",
				"mentor_name": self.mentor_name,
				"email": f"mentor-{frappe.generate_hash(length=6)}@example.no",
				"capacity": 3,
				"offers_legal": 1,
			}
		).insert(ignore_permissions=True)
		case = frappe.get_doc(
			{
				"doctype": "Mentoring Case",
				"case_type": "Juridisk bistand",
				"member": self.kari.name,
				"request": f"Konflikt: {SECRET}",
				"status": "Mottatt",
			}
		).insert(ignore_permissions=True)
		case.status = "Under vurdering"
		case.save(ignore_permissions=True)
		case.mentor = mentor.name
		case.status = "Tildelt"
		case.append("meetings", {"meeting_date": today(), "duration_minutes": 45, "notes": NOTES})
		case.save(ignore_permissions=True)
		# another member on the same session, with their own login
		self.ola = make_member(self.org)
		self.ola_user = self.ola.create_portal_user()
		register(self.session, self.ola, invoice_reference="3400999")

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def export_as(self, user: str) -> dict:
		frappe.set_user(user)
		try:
			return api.my_data()
		finally:
			frappe.set_user("Administrator")

	def test_export_holds_everything_about_the_member(self):
		invoices = create_session_invoices(self.session.name)
		kari_invoice = frappe.db.get_value("Registration", self.reg.name, "sales_invoice")
		self.assertIn(kari_invoice, invoices)
		data = self.export_as(self.kari_user)
		self.assertEqual(data["member"]["email"], self.kari.email)
		self.assertEqual(data["member"]["name"], self.kari.name)
		self.assertEqual([p["reason"] for p in data["position_history"]], ["Konflikt", None])
		(reg,) = data["registrations"]
		self.assertEqual(reg["name"], self.reg.name)
		self.assertEqual(len(reg["price_lines"]), len(self.reg.price_lines))
		self.assertEqual(
			sum(line["amount"] for line in reg["price_lines"]),
			frappe.db.get_value("Registration", self.reg.name, "total"),
		)
		(inv,) = data["invoices"]
		self.assertEqual(inv["invoice"], kari_invoice)
		self.assertGreater(inv["amount_for_you"], 0)
		self.assertEqual(data["cases"], [{"type": "Juridisk bistand", "status": "Tildelt"}])
		self.assertEqual(data["consents"]["receives_newsletter"], True)
		text = json.dumps(data, ensure_ascii=False)
		for secret in (SECRET, NOTES, self.mentor_name, self.ola.email, self.ola.name):
			self.assertNotIn(secret, text)

	def test_export_holds_consents_topics_and_named_evaluation_answers(self):
		from kdf_app.api.privacy import set_consent

		frappe.db.set_value("Registration", self.reg.name, "topic", "personvern-innmeldt-tema")
		frappe.set_user(self.kari_user)
		set_consent(directory=1, newsletter=0)
		frappe.set_user("Administrator")
		ola_reg = frappe.db.get_value("Registration", {"member": self.ola.name}, "name")
		for member, reg, anonymous, comment in (
			(self.kari, self.reg.name, 0, "personvern-kari-svar"),
			(None, None, 1, "personvern-anonymt-svar"),
			(self.ola, ola_reg, 0, "personvern-ola-svar"),
		):
			frappe.get_doc(
				{
					"doctype": "Session Evaluation",
					"session": self.session.name,
					"anonymous": anonymous,
					"registration": reg,
					"member": member and member.name,
					"member_name": member and member.member_name,
					"overall_score": 5,
					"comments": comment,
					"scores": [{"agenda_item": "Personvern", "score": 3}],
				}
			).insert(ignore_permissions=True)

		data = self.export_as(self.kari_user)

		(reg,) = data["registrations"]
		self.assertEqual(reg["topic"], "personvern-innmeldt-tema")
		consents = data["consents"]
		self.assertEqual((consents["member_directory"], consents["newsletter"]), (True, False))
		self.assertTrue(consents["member_directory_changed_on"] and consents["newsletter_changed_on"])
		(answer,) = data["evaluations"]
		self.assertEqual((answer["comments"], answer["overall_score"]), ("personvern-kari-svar", 5))
		self.assertEqual(answer["scores"], [{"agenda_item": "Personvern", "score": 3}])
		text = json.dumps(data, ensure_ascii=False)
		self.assertNotIn("personvern-anonymt-svar", text)
		self.assertNotIn("personvern-ola-svar", text)
		# the readable page shows the same
		status, html = page("mine-data", self.kari_user)
		self.assertEqual(status, 200)
		for shown in ("personvern-innmeldt-tema", "personvern-kari-svar"):
			self.assertIn(shown, html)
		self.assertNotIn("personvern-anonymt-svar", html)

	def test_a_member_without_an_address_gets_no_anonymised_application(self):
		# an application as retention leaves it: no name, no address
		scrubbed = frappe.get_doc(
			{
				"doctype": "Membership Application",
				"first_name": "Søker",
				"last_name": "Anonym",
				"email": f"anonym-{frappe.generate_hash(length=6)}@example.no",
				"title": "Kommunedirektør",
				"organisation": self.org,
				"start_date": today(),
				"status": "Avvist",
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value(
			"Membership Application",
			scrubbed.name,
			{"first_name": "Anonymisert", "last_name": "", "applicant_name": "Anonymisert", "email": None},
		)
		frappe.db.set_value("Member", self.kari.name, "email", None)
		self.assertEqual(self.export_as(self.kari_user)["membership_applications"], [])

	def test_only_ever_ones_own_data(self):
		self.assertEqual(list(inspect.signature(api.my_data).parameters), [])
		self.assertEqual(list(inspect.signature(api.download_my_data).parameters), [])
		ola = self.export_as(self.ola_user)
		self.assertEqual(ola["member"]["email"], self.ola.email)
		self.assertNotIn(self.kari.email, json.dumps(ola))
		# a desk user, a website user without a member record and a guest have nothing to export
		for user in (make_user(["KDF Sekretariat"]), make_user([], "Website User"), "Guest"):
			with self.assertRaises(frappe.PermissionError, msg=user):
				self.export_as(user)

	def test_download_is_json_of_the_same(self):
		frappe.set_user(self.kari_user)
		api.download_my_data()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.response["type"], "download")
		self.assertTrue(frappe.response["filename"].endswith(".json"))
		data = json.loads(frappe.response["filecontent"])
		self.assertEqual(data["member"]["email"], self.kari.email)

	def test_readable_page_and_profile_links(self):
		status, html = page("mine-data", self.kari_user)
		self.assertEqual(status, 200)
		self.assertIn(frappe.utils.escape_html(self.kari.member_name), html)
		self.assertIn("Juridisk bistand", html)
		self.assertIn("Konflikt", html)
		for secret in (SECRET, NOTES, self.mentor_name, self.ola.email):
			self.assertNotIn(secret, html)
		status, html = page("min-profil", self.kari_user)
		self.assertIn("/api/method/kdf_app.api.privacy.download_my_data", html)
		self.assertIn('href="/mine-data"', html)
		status, _html = page("mine-data", "Guest")
		self.assertNotEqual(status, 200)

	def test_public_privacy_notice_states_retention_from_settings(self):
		from kdf_app.kdf_privacy.services.privacy import ensure_privacy_link, remove_privacy_link

		use_test_settings(case_retention_years=7)
		status, html = page("personvern", "Guest")
		self.assertEqual(status, 200)
		self.assertIn("Personvernerklæring", html)
		self.assertIn("anonymiseres 7 år", html)
		self.assertIn("5 år", html)
		self.assertIn("/mine-data", html)
		ensure_privacy_link()
		ensure_privacy_link()  # once only
		footer = frappe.get_single("Website Settings").footer_items
		self.assertEqual([r.url for r in footer if r.url == "/personvern"], ["/personvern"])
		remove_privacy_link()  # uninstall
		footer = frappe.get_single("Website Settings").footer_items
		self.assertEqual([r.url for r in footer if r.url == "/personvern"], [])
		ensure_privacy_link()
