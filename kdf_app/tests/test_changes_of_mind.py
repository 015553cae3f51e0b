"""Registrations through changes of mind: the members' cut-off, late cancellations and what they still cost,
no promotion into a started session, and long work as background jobs that can be run again."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime
from frappe.utils.background_jobs import get_queue

from kdf_app.kdf_billing.services.invoicing import (
	INVOICING_JOB,
	create_session_invoices,
	run_invoicing,
	start_invoicing,
)
from kdf_app.kdf_programmes.core.cancellation import CHARGE_FULL, CHARGE_NOTHING, CHARGE_PACKAGE
from kdf_app.kdf_programmes.services.registration.cancellation import cancel, run_cancellation
from kdf_app.kdf_programmes.services.registration.seats import refresh_seats
from kdf_app.kdf_programmes.services.registration.single import registrations_of
from kdf_app.shared.services import jobs
from kdf_app.tests.utils import make_member, make_session, make_user, register, start_now, use_test_settings

test_ignore = ["Sales Invoice", "Customer", "Member", "Topplederprogram Session"]


def portal_user(member) -> str:
	"""The member's portal user, made by hand (not by the invitation)."""
	member.db_set("user", make_user(["KDF Medlem"], "Website User", email=member.email, first_name="Medlem"))
	return member.email


def past_cutoff(session: str) -> None:
	"""The registration deadline (the default cut-off) passed yesterday; the session starts in a week."""
	now = now_datetime()
	frappe.db.set_value(
		"Topplederprogram Session",
		session,
		{
			"registration_deadline": add_days(now, -1),
			"starts_on": add_days(now, 7),
			"ends_on": add_days(now, 8),
		},
		update_modified=False,
	)
	frappe.clear_document_cache("Topplederprogram Session", session)


class ChangesOfMind(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		# KDF's company, price list, items and the numbers an EHF needs, whatever the site holds
		use_test_settings(
			org_number="958935420",
			bank_account="86011117947",
			vat_setup="Not VAT registered",
			ehf_adapter="Outbox",
			ehf_outbox="private/ehf-outbox-test",
		)
		self.session = make_session(capacity=2)
		self.member = make_member()

	def tearDown(self):
		frappe.set_user("Administrator")


class TestCutOff(ChangesOfMind):
	def test_a_member_cancels_before_the_cutoff_but_not_after(self):
		reg = register(self.session, self.member)
		user = portal_user(self.member)
		frappe.set_user(user)
		(row,) = registrations_of(self.member.name)
		self.assertTrue(row.can_cancel)
		frappe.set_user("Administrator")
		past_cutoff(self.session.name)
		frappe.set_user(user)
		(row,) = registrations_of(self.member.name)
		self.assertFalse(row.can_cancel)
		self.assertIn("passed", row.cancel_notice)
		from kdf_app.api.registration import cancel as portal_cancel

		self.assertRaisesRegex(frappe.ValidationError, "cancellation deadline", portal_cancel, reg.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Registration", reg.name, "status"), "Bekreftet")

	def test_the_secretariat_cancels_late_and_the_policy_charges(self):
		for charge, kinds in (
			(CHARGE_FULL, {"fee", "accommodation", "food"}),
			(CHARGE_PACKAGE, {"accommodation", "food"}),
		):
			session = make_session(capacity=2)
			reg = register(session, make_member(), stay_package="Test med overnatting")
			past_cutoff(session.name)
			use_test_settings(late_cancellation_charge=charge)
			cancel(reg.name)
			reg.reload()
			self.assertEqual((reg.status, reg.late_charge), ("Avmeldt", charge))
			(invoice,) = create_session_invoices(session.name, submit=False)
			lines = frappe.get_all("Sales Invoice Item", {"parent": invoice}, pluck="kdf_line_kind")
			self.assertEqual(set(lines), kinds, charge)
			self.assertEqual(create_session_invoices(session.name, submit=False), [])  # once

	def test_a_late_cancellation_that_costs_nothing_is_not_invoiced(self):
		reg = register(self.session, self.member)
		past_cutoff(self.session.name)
		use_test_settings(late_cancellation_charge=CHARGE_NOTHING)
		cancel(reg.name)
		self.assertFalse(frappe.db.get_value("Registration", reg.name, "late_charge"))
		self.assertEqual(create_session_invoices(self.session.name, submit=False), [])

	def test_an_invoiced_seat_cancelled_late_is_credited_only_for_what_is_not_charged(self):
		reg = register(self.session, self.member, stay_package="Test med overnatting")
		(invoice,) = create_session_invoices(self.session.name, submit=True)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "docstatus"), 1, "held as a draft")
		past_cutoff(self.session.name)
		use_test_settings(late_cancellation_charge=CHARGE_PACKAGE)
		cancel(reg.name)
		credit = frappe.db.get_value("Sales Invoice", {"return_against": invoice, "docstatus": 1})
		self.assertTrue(credit)
		kinds = set(frappe.get_all("Sales Invoice Item", {"parent": credit}, pluck="kdf_line_kind"))
		self.assertEqual(kinds, {"fee"})
		# the package stays charged: outstanding = the package
		si = frappe.get_doc("Sales Invoice", invoice)
		package = sum(i.amount for i in si.items if i.kdf_line_kind in ("accommodation", "food"))
		self.assertAlmostEqual(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount"), package)

	def test_charged_in_full_credits_nothing(self):
		reg = register(self.session, self.member)
		(invoice,) = create_session_invoices(self.session.name, submit=True)
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "docstatus"), 1, "held as a draft")
		past_cutoff(self.session.name)
		use_test_settings(late_cancellation_charge=CHARGE_FULL)
		cancel(reg.name)
		self.assertFalse(frappe.db.exists("Sales Invoice", {"return_against": invoice}))

	def test_a_waitlist_place_cancelled_late_costs_nothing(self):
		register(self.session, make_member())
		register(self.session, make_member())
		waiting = register(self.session, self.member)
		self.assertEqual(waiting.status, "Venteliste")
		past_cutoff(self.session.name)
		cancel(waiting.name)
		self.assertFalse(frappe.db.get_value("Registration", waiting.name, "late_charge"))


class TestAfterTheStart(ChangesOfMind):
	def test_nobody_cancels_once_the_session_has_started(self):
		reg = register(self.session, self.member)
		start_now(self.session.name)
		self.assertRaisesRegex(frappe.ValidationError, "has started", cancel, reg.name)
		self.assertEqual(frappe.db.get_value("Registration", reg.name, "status"), "Bekreftet")

	def test_no_promotion_into_a_started_session(self):
		first = register(self.session, make_member())
		register(self.session, make_member())
		waiting = register(self.session, self.member)
		start_now(self.session.name)
		frappe.db.set_value("Registration", first.name, "status", "Avmeldt")  # a seat frees up somehow
		mails = frappe.db.count("Email Queue", {"reference_name": waiting.name})
		self.assertEqual(refresh_seats(self.session.name), [])
		self.assertEqual(frappe.db.get_value("Registration", waiting.name, "status"), "Venteliste")
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": waiting.name}), mails)


class TestJobs(ChangesOfMind):
	def test_invoicing_runs_as_a_job_with_progress_and_can_run_again(self):
		for _ in range(2):
			register(self.session, make_member())
		reported = []
		created = create_session_invoices(
			self.session.name, submit=False, report=lambda d, t: reported.append((d, t))
		)
		self.assertEqual(len(created), 2)
		self.assertEqual(reported, [(0, 2), (1, 2), (2, 2)])  # the bar shows from the start
		self.assertEqual(run_invoicing(self.session.name), [])  # again: nothing new
		comments = frappe.get_all(
			"Comment", {"reference_name": self.session.name, "comment_type": "Info"}, pluck="content"
		)
		self.assertTrue(any("0 invoices made" in c for c in comments))

	def test_a_second_start_while_one_runs_is_refused(self):
		jid = jobs.job_id(INVOICING_JOB, self.session.name)
		from frappe.utils.background_jobs import create_job_id

		# a job for this session in the queue: queued, or started by a worker and still running (a sleep)
		queue = get_queue("long")
		job = queue.enqueue_call("time.sleep", args=(60,), job_id=create_job_id(jid))
		try:
			self.assertRaisesRegex(
				frappe.ValidationError, "already running", start_invoicing, self.session.name
			)
		finally:
			job.delete()

	def test_cancelling_a_session_cancels_everyone_as_a_job_and_can_run_again(self):
		regs = [register(self.session, make_member()) for _ in range(3)]
		self.session.reload()
		self.session.status = "Avlyst"
		self.session.cancellation_reason = "For få påmeldte"
		self.session.save()
		for r in regs:
			self.assertEqual(frappe.db.get_value("Registration", r.name, "status"), "Avmeldt")
		self.assertEqual(run_cancellation(self.session.name), [])


class TestOverHTTPRegistrationCommitsEarly(ChangesOfMind):
	def test_register_now_inserts_and_queues_the_confirmation(self):
		from kdf_app.kdf_programmes.services.registration.single import register_now

		doc = register_now(
			{"session": self.session.name, "member": self.member.name, "invoice_reference": "R"}
		)
		self.assertEqual(doc.status, "Bekreftet")
		self.assertTrue(frappe.db.exists("Email Queue", {"reference_name": doc.name}))
