"""Retention of former members and the member's consents (kdf_app.kdf_privacy.services.retention, .privacy)."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_years, getdate, today

from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.kdf_members.core.newsletter import GROUP
from kdf_app.kdf_members.services.invitations import portal_user
from kdf_app.kdf_members.services.newsletter import ensure_group
from kdf_app.kdf_privacy.core.retention import ANONYMOUS
from kdf_app.kdf_privacy.services import retention
from kdf_app.tests.test_invoicing import InvoicingCase
from kdf_app.tests.utils import make_member, make_org, make_session, register, use_test_settings


def leave(member, years_ago: float = 0, status: str = "Utmeldt"):
	member.reload()
	member.membership_status = status
	member.membership_ended_on = add_days(today(), -int(365.25 * years_ago)) if years_ago else None
	member.save()
	return member


def group_row(email: str):
	return frappe.db.get_value(
		"Email Group Member", {"email_group": GROUP, "email": email}, ["name", "unsubscribed"], as_dict=True
	)


def log_of(member: str) -> list:
	return frappe.get_all("Retention Log", {"member": member}, pluck="action")


class TestRetention(InvoicingCase):
	def setUp(self):
		super().setUp()
		use_test_settings(member_retention_years=5, accounting_retention_years=5)
		ensure_group()

	def test_membership_ended_on_follows_the_status(self):
		member = make_member(make_org())
		self.assertIsNone(member.membership_ended_on)
		member.membership_status = "Utmeldt"
		member.save()
		self.assertEqual(getdate(member.membership_ended_on), getdate(today()))
		member.membership_status = "Aktiv"
		member.save()
		self.assertIsNone(member.membership_ended_on)

	def test_long_gone_recently_gone_and_active(self):
		long_gone = make_member(make_org(), mobile="+4791234567")
		recent = make_member(make_org())
		active = make_member(make_org())
		user = portal_user(long_gone)
		long_gone.reload()
		contact = long_gone.contact
		self.assertTrue(user and contact)
		# they had unsubscribed from the newsletter while active: the row (with the address) stays until now
		frappe.db.set_value("Email Group Member", group_row(long_gone.email).name, "unsubscribed", 1)
		reg = register(self.session, long_gone, dietary_needs="Nøtteallergi")
		email = long_gone.email
		leave(long_gone, years_ago=8)
		leave(recent, years_ago=1)
		self.assertTrue(group_row(email))

		counts = retention.run()

		self.assertIn(long_gone.name, counts["anonymised"])
		self.assertNotIn(recent.name, counts["anonymised"])
		m = frappe.db.get_value(
			"Member",
			long_gone.name,
			["member_name", "first_name", "last_name", "email", "mobile", "user", "contact", "anonymised_on"],
			as_dict=True,
		)
		self.assertEqual(
			(m.member_name, m.first_name, m.last_name, m.email, m.mobile, m.user, m.contact),
			(ANONYMOUS, ANONYMOUS, "", None, None, None, None),
		)
		self.assertEqual(getdate(m.anonymised_on), getdate(today()))
		self.assertFalse(frappe.db.exists("User", user))
		self.assertFalse(frappe.db.exists("Contact", contact))
		self.assertIsNone(group_row(email))
		self.assertFalse(frappe.db.exists("Version", {"ref_doctype": "Member", "docname": long_gone.name}))
		# the position history stays for the name-free statistics
		self.assertTrue(frappe.db.exists("Member Position", {"parent": long_gone.name}))
		# no invoice: the registration loses the name and the health data
		r = frappe.db.get_value(
			"Registration",
			reg.name,
			["member_name", "participant_name", "participant_email", "participant_mobile", "dietary_needs"],
			as_dict=True,
		)
		self.assertEqual(
			(r.member_name, r.participant_name, r.participant_email, r.participant_mobile, r.dietary_needs),
			(ANONYMOUS, ANONYMOUS, None, None, None),
		)
		self.assertEqual(log_of(long_gone.name), ["Anonymised"])
		# the others are untouched
		for other in (recent, active):
			self.assertEqual(
				frappe.db.get_value("Member", other.name, ["member_name", "anonymised_on"]),
				(other.member_name, None),
			)
			self.assertEqual(log_of(other.name), [])
		# the anonymised member cannot be edited back
		doc = frappe.get_doc("Member", long_gone.name)
		doc.first_name = "Igjen"
		self.assertRaises(frappe.ValidationError, doc.save)

		# idempotent: a second run does nothing more to them
		again = retention.run()
		self.assertNotIn(long_gone.name, again["anonymised"])
		self.assertEqual(log_of(long_gone.name), ["Anonymised"])
		runs = frappe.get_all(
			"Retention Log", {"log_type": "Run"}, ["detail"], order_by="creation desc", limit=2
		)
		self.assertEqual(len(runs), 2)
		self.assertIn("retention 5 years", runs[0].detail)

		# the recently gone is anonymised once their time has come
		later = retention.run(on=add_years(today(), 5))
		self.assertIn(recent.name, later["anonymised"])
		self.assertNotIn(active.name, later["anonymised"])

	def test_the_books_keep_what_they_need_and_invoices_are_never_touched(self):
		(invoice,) = create_session_invoices(self.session.name)
		lines_before = frappe.get_all(
			"Sales Invoice Item", {"parent": invoice}, ["description", "amount", "kdf_member"], order_by="idx"
		)
		gl_before = frappe.get_all("GL Entry", {"voucher_no": invoice}, ["account", "debit", "credit"])
		self.assertTrue(any(self.kari.last_name in (li.description or "") for li in lines_before))
		frappe.db.set_value("Registration", self.reg.name, "dietary_needs", "Glutenfri")
		leave(self.kari, years_ago=8)

		counts = retention.run()
		self.assertIn(self.kari.name, counts["anonymised"])
		reg = frappe.db.get_value(
			"Registration",
			self.reg.name,
			["member_name", "member_title", "invoice_reference", "dietary_needs", "sales_invoice"],
			as_dict=True,
		)
		# the invoice of this year is inside the accounting period: the registration keeps what the books need
		self.assertEqual(
			(reg.member_name, reg.invoice_reference, reg.sales_invoice),
			(self.kari.member_name, "3400123", invoice),
		)
		self.assertIsNone(reg.dietary_needs)
		self.assertEqual(
			frappe.get_all(
				"Sales Invoice Item",
				{"parent": invoice},
				["description", "amount", "kdf_member"],
				order_by="idx",
			),
			lines_before,
		)
		self.assertEqual(
			frappe.get_all("GL Entry", {"voucher_no": invoice}, ["account", "debit", "credit"]), gl_before
		)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "docstatus"), 1)

		# still inside the period at the end of the fifth year after the invoice's year
		end_of_period = getdate(f"{getdate(today()).year + 5}-12-31")
		retention.run(on=end_of_period)
		self.assertEqual(
			frappe.db.get_value("Registration", self.reg.name, "member_name"), self.kari.member_name
		)
		# after it, the next run lets the name go (and logs it); the invoice still stands as it was
		after = retention.run(on=add_days(end_of_period, 1))
		self.assertGreaterEqual(after["released"], 1)
		reg = frappe.db.get_value(
			"Registration", self.reg.name, ["member_name", "member_title", "invoice_reference"], as_dict=True
		)
		self.assertEqual((reg.member_name, reg.member_title, reg.invoice_reference), (ANONYMOUS, None, None))
		self.assertEqual(
			frappe.db.get_value("Registration", self.reg.name, ["participant_name", "participant_title"]),
			(ANONYMOUS, None),
		)
		self.assertIn("Registrations Released", log_of(self.kari.name))
		self.assertEqual(
			frappe.get_all(
				"Sales Invoice Item",
				{"parent": invoice},
				["description", "amount", "kdf_member"],
				order_by="idx",
			),
			lines_before,
		)

	def test_applications_change_requests_topics_evaluations_and_mail_go_too(self):
		member = make_member(make_org())
		email = member.email
		user = portal_user(member)
		member.reload()
		contact = member.contact
		frappe.get_doc(
			{"doctype": "Activity Log", "user": user, "operation": "Login", "subject": f"{user} logged in"}
		).insert(ignore_permissions=True)
		org = make_org()

		def application(**values):
			return (
				frappe.get_doc(
					{
						"doctype": "Membership Application",
						"first_name": "Søker",
						"last_name": frappe.generate_hash(length=6),
						"title": "Kommunedirektør",
						"organisation": org,
						"start_date": today(),
						"status": "Ny",
						**values,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

		joined = application(email=email, mobile="+4790000001", status="Godkjent", member=member.name)
		change = (
			frappe.get_doc(
				{
					"doctype": "Member Change Request",
					"member": member.name,
					"kind": "Slutter",
					"start_date": today(),
					"reason": "Annet",
					"note": "oppbevaring-endringsnotat",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		reg = register(self.session, member)
		frappe.db.set_value("Registration", reg.name, "topic", "oppbevaring-tema")

		def evaluation(anonymous: bool, comment: str) -> str:
			return (
				frappe.get_doc(
					{
						"doctype": "Session Evaluation",
						"session": self.session.name,
						"anonymous": int(anonymous),
						"registration": None if anonymous else reg.name,
						"member": None if anonymous else member.name,
						"member_name": None if anonymous else member.member_name,
						"overall_score": 4,
						"comments": comment,
						"takeaway": comment,
						"scores": [{"agenda_item": "Oppbevaring", "score": 5}],
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

		named = evaluation(False, "oppbevaring-navngitt")
		anonymous = evaluation(True, "oppbevaring-anonym")

		def queued(*recipients: str) -> str:
			return (
				frappe.get_doc(
					{
						"doctype": "Email Queue",
						"message": "oppbevaring",
						"status": "Sent",
						"recipients": [{"recipient": r, "status": "Sent"} for r in recipients],
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

		alone, shared = queued(email), queued(email, "en-annen@example.no")
		frappe.get_doc(
			{
				"doctype": "Email Unsubscribe",
				"email": email,
				"reference_doctype": "Email Group",
				"reference_name": GROUP,
			}
		).insert(ignore_permissions=True)
		# rejected applications of people who never became members: gone after the same years from the decision
		old_reject = application(email=f"avvist-{frappe.generate_hash(length=6)}@example.no", status="Avvist")
		new_reject = application(email=f"avvist-{frappe.generate_hash(length=6)}@example.no", status="Avvist")
		frappe.db.set_value("Membership Application", old_reject, "decided_on", add_years(today(), -6))
		frappe.db.set_value("Membership Application", new_reject, "decided_on", add_years(today(), -1))
		leave(member, years_ago=8)

		counts = retention.run()

		self.assertIn(member.name, counts["anonymised"])
		self.assertGreaterEqual(counts["applications"], 1)
		for name in (joined, old_reject):
			a = frappe.db.get_value(
				"Membership Application",
				name,
				["applicant_name", "first_name", "last_name", "email", "mobile", "organisation", "status"],
				as_dict=True,
			)
			self.assertEqual(
				(a.applicant_name, a.first_name, a.last_name, a.email, a.mobile),
				(ANONYMOUS, ANONYMOUS, "", None, None),
			)
			self.assertEqual(a.organisation, org)  # name-free statistics stay
		self.assertNotEqual(
			frappe.db.get_value("Membership Application", new_reject, "applicant_name"), ANONYMOUS
		)
		c = frappe.db.get_value(
			"Member Change Request", change, ["member_name", "note", "kind"], as_dict=True
		)
		self.assertEqual((c.member_name, c.note, c.kind), (ANONYMOUS, None, "Slutter"))
		self.assertIsNone(frappe.db.get_value("Registration", reg.name, "topic"))
		e = frappe.db.get_value(
			"Session Evaluation",
			named,
			["member_name", "comments", "takeaway", "overall_score"],
			as_dict=True,
		)
		self.assertEqual((e.member_name, e.comments, e.takeaway, e.overall_score), (ANONYMOUS, None, None, 4))
		self.assertEqual(frappe.db.get_value("Session Evaluation Score", {"parent": named}, "score"), 5)
		# an anonymous answer names nobody: it is left as it is
		self.assertEqual(
			frappe.db.get_value("Session Evaluation", anonymous, "comments"), "oppbevaring-anonym"
		)
		self.assertFalse(frappe.db.exists("Email Queue", alone))
		self.assertTrue(frappe.db.exists("Email Queue", shared))
		self.assertEqual(
			frappe.get_all("Email Queue Recipient", {"parent": shared}, pluck="recipient"),
			["en-annen@example.no"],
		)
		self.assertFalse(frappe.db.exists("Email Queue Recipient", {"recipient": email}))
		self.assertFalse(frappe.db.exists("Email Unsubscribe", {"email": email}))
		# nor does Frappe keep copies or traces of what was deleted: Deleted Document, the "deleted" feed, the
		# login's activity
		self.assertFalse(frappe.db.exists("User", user))
		self.assertFalse(frappe.db.exists("Contact", contact))
		self.assertEqual(
			frappe.get_all(
				"Deleted Document",
				{"data": ("like", f"%{email}%")},
				pluck="deleted_doctype",
			),
			[],
		)
		self.assertFalse(frappe.db.exists("Deleted Document", {"deleted_name": ("in", [user, contact])}))
		self.assertEqual(
			frappe.get_all(
				"Comment", {"subject": ("like", f"%{user}%")}, ["comment_type", "subject", "creation"]
			),
			[],
		)
		self.assertFalse(frappe.db.exists("Activity Log", {"user": user}))

	def test_switched_off_and_unknown_leaving_date(self):
		use_test_settings(member_retention_years=0)
		member = leave(make_member(make_org()), years_ago=30)
		self.assertNotIn(member.name, retention.run()["anonymised"])
		use_test_settings(member_retention_years=5)
		# a former member with an open position and no recorded end: no leaving date, nothing happens
		frappe.db.set_value("Member", member.name, "membership_ended_on", None)
		counts = retention.run()
		self.assertNotIn(member.name, counts["anonymised"])
		self.assertGreaterEqual(counts["no leaving date"], 1)
		self.assertIsNone(frappe.db.get_value("Member", member.name, "anonymised_on"))


class TestConsent(InvoicingCase):
	def setUp(self):
		super().setUp()
		ensure_group()
		self.member = make_member(make_org())
		self.user = portal_user(self.member)
		self.member.reload()

	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def test_member_changes_own_consents_and_the_newsletter_follows(self):
		from kdf_app.api.privacy import my_consent, set_consent

		other = make_member(make_org())
		self.assertTrue(group_row(self.member.email))
		frappe.set_user(self.user)
		state = my_consent()
		self.assertEqual(
			(state["newsletter"], state["directory"], state["receives_newsletter"]), (True, False, True)
		)
		self.assertIsNone(state["newsletter_on"])  # the default, never changed
		state = set_consent(directory=1, newsletter=0)
		self.assertEqual(
			(state["newsletter"], state["directory"], state["receives_newsletter"]), (False, True, False)
		)
		self.assertTrue(state["newsletter_on"] and state["directory_on"])
		frappe.set_user("Administrator")
		self.assertIsNone(group_row(self.member.email))
		# the sync never adds them back while they have not consented
		doc = frappe.get_doc("Member", self.member.name)
		doc.mobile = "+4798765432"
		doc.save()
		self.assertIsNone(group_row(self.member.email))
		# the other member is untouched
		self.assertEqual(
			frappe.db.get_value("Member", other.name, ["newsletter_consent", "directory_consent"]), (1, 0)
		)
		self.assertTrue(group_row(other.email))

	def test_saying_yes_again_lifts_an_earlier_unsubscribe_from_the_group(self):
		from kdf_app.api.privacy import set_consent

		frappe.db.set_value("Email Group Member", group_row(self.member.email).name, "unsubscribed", 1)
		frappe.set_user(self.user)
		self.assertTrue(set_consent(newsletter=1)["receives_newsletter"])
		frappe.set_user("Administrator")
		self.assertEqual(group_row(self.member.email).unsubscribed, 0)

	def test_only_a_logged_in_member_and_only_their_own(self):
		from kdf_app.api.privacy import my_consent, set_consent

		frappe.set_user("Guest")
		self.assertRaises(frappe.PermissionError, my_consent)
		self.assertRaises(frappe.PermissionError, set_consent, newsletter=0)
		frappe.set_user("Administrator")
		self.assertIsNone(frappe.db.get_value("Member", self.member.name, "newsletter_consent_on"))


class TestParticipantRetention(FrappeTestCase):
	"""Health data kept for the session only; non-member participants anonymised after the retention years."""

	def setUp(self):
		use_test_settings(member_retention_years=5, accounting_retention_years=5, dietary_needs_days=30)

	def _team_registration(self, **extra):
		from kdf_app.kdf_programmes.services.registration.group import register_group

		org = make_org()
		director = make_member(org)
		session = make_session(participants_allowed="Medlemmer og ledergrupper", non_member_fee=7500)
		uid = frappe.generate_hash(length=6)
		(reg,) = register_group(
			director.name,
			session.name,
			[
				{
					"name": f"Kari Kollega{uid}",
					"email": f"kari-{uid}@example.no",
					"title": "Kommunalsjef",
					"mobile": "+4791234567",
					"dietary_needs": "Nøtteallergi",
					"topic": "Budsjett",
					**extra,
				}
			],
			invoice_reference="R-1",
		)
		return session, reg

	def _session_ended(self, session, days_ago: int):
		ends = add_days(today(), -days_ago)
		frappe.db.set_value(
			"Topplederprogram Session",
			session.name,
			{"starts_on": f"{add_days(ends, -1)} 10:00:00", "ends_on": f"{ends} 12:00:00"},
			update_modified=False,
		)

	def test_dietary_needs_go_a_month_after_the_session_for_everyone(self):
		session, colleague = self._team_registration()
		member_reg = register(session, make_member(make_org()), dietary_needs="Glutenfri")
		later = register(make_session(), make_member(make_org()), dietary_needs="Laktosefri")
		self._session_ended(session, 20)
		retention.run()
		self.assertEqual(frappe.db.get_value("Registration", colleague.name, "dietary_needs"), "Nøtteallergi")
		self._session_ended(session, 31)
		counts = retention.run()
		self.assertGreaterEqual(counts["dietary"], 2)
		for name in (colleague.name, member_reg.name):
			self.assertIsNone(frappe.db.get_value("Registration", name, "dietary_needs"))
		# a session still ahead keeps them, and 0 switches the rule off
		self.assertEqual(frappe.db.get_value("Registration", later.name, "dietary_needs"), "Laktosefri")
		use_test_settings(dietary_needs_days=0)
		frappe.db.set_value("Registration", member_reg.name, "dietary_needs", "Glutenfri")
		retention.run()
		self.assertEqual(frappe.db.get_value("Registration", member_reg.name, "dietary_needs"), "Glutenfri")

	def test_a_non_member_participant_is_anonymised_after_the_retention_years(self):
		session, reg = self._team_registration()
		contact = reg.contact
		self.assertTrue(contact and frappe.db.exists("Contact", contact))
		self._session_ended(session, int(365.25 * 4))
		retention.run()
		self.assertEqual(
			frappe.db.get_value("Registration", reg.name, "participant_email"), reg.participant_email
		)

		self._session_ended(session, int(365.25 * 6))
		counts = retention.run()
		self.assertEqual(counts["non-members"], 1)
		after = frappe.db.get_value(
			"Registration",
			reg.name,
			[
				"participant_name",
				"participant_title",
				"participant_email",
				"participant_mobile",
				"topic",
				"dietary_needs",
				"contact",
				"invoice_reference",
			],
			as_dict=True,
		)
		self.assertEqual(tuple(after.values()), (ANONYMOUS, None, None, None, None, None, None, None), after)
		# the Contact made for the registration goes with it; nothing else used it
		self.assertFalse(frappe.db.exists("Contact", contact))
		self.assertFalse(frappe.db.exists("Version", {"ref_doctype": "Registration", "docname": reg.name}))
		self.assertEqual(retention.run()["non-members"], 0)

	def test_an_invoiced_non_member_keeps_the_name_the_books_need_and_a_used_contact_stays(self):
		session, reg = self._team_registration()
		frappe.db.set_value("Customer", reg.paying_organisation, "customer_primary_contact", reg.contact)
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"customer": reg.paying_organisation,
				"company": frappe.db.get_single_value("KDF Settings", "company"),
				"posting_date": today(),
				"due_date": today(),
				"items": [{"item_code": "KDF-DELTAKERAVGIFT", "qty": 1, "rate": 100}],
			}
		)
		invoice.set_missing_values()
		invoice.insert(ignore_permissions=True)
		frappe.db.set_value("Registration", reg.name, "sales_invoice", invoice.name, update_modified=False)
		self._session_ended(session, int(365.25 * 6))
		retention.run()
		kept = frappe.db.get_value(
			"Registration", reg.name, ["participant_name", "participant_email", "contact"], as_dict=True
		)
		self.assertEqual((kept.participant_name, kept.participant_email), (reg.participant_name, None))
		end_of_period = getdate(f"{getdate(today()).year + 5}-12-31")
		retention.run(on=add_days(end_of_period, 1))
		self.assertEqual(frappe.db.get_value("Registration", reg.name, "participant_name"), ANONYMOUS)
		# the organisation's primary contact is its business contact: kept
		self.assertTrue(frappe.db.exists("Contact", reg.contact))
