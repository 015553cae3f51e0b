"""The annual report (årsmelding): its figures against records the test builds, and who may run it."""

import frappe
from frappe.utils import add_to_date, flt, get_datetime, getdate, now_datetime, today

from kdf_app.kdf_app.report.kdf_annual_report.kdf_annual_report import execute
from kdf_app.kdf_app.services.annual_report import figures
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase
from kdf_app.tests.utils import make_member, make_org, make_session, make_user

YEAR = getdate(today()).year


def member(since: str, ended: str | None = None, **extra):
	m = make_member(make_org(), position_start=f"{YEAR - 10}-01-01", **extra)
	values = {"member_since": since}
	if ended:
		values.update(membership_status="Utmeldt", membership_ended_on=ended)
	frappe.db.set_value("Member", m.name, values)
	return m


def case(case_type: str, member: str, start: str, closed_on: str | None = None) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Mentoring Case",
			"case_type": case_type,
			"member": member,
			"request": "Årsmelding-test",
			"start_date": start,
			"status": "Mottatt",
		}
	).insert(ignore_permissions=True)
	if closed_on:
		frappe.db.set_value("Mentoring Case", doc.name, {"status": "Avsluttet", "end_date": closed_on})
	return doc.name


class TestAnnualReport(InvoicingCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def test_figures_follow_the_records(self):
		# members made for the cases and the position change count as new members: made before the baseline
		asking = make_member(make_org()).name
		mover = make_member(make_org(), position_start=f"{YEAR - 6}-01-01")
		before = figures(YEAR)
		member(f"{YEAR - 5}-01-01")  # there all year
		member(f"{YEAR}-03-01")  # new
		member(f"{YEAR - 5}-01-01", f"{YEAR}-06-30")  # left
		member(f"{YEAR}-02-01", f"{YEAR}-10-01")  # new and left
		member(f"{YEAR - 5}-01-01", f"{YEAR - 1}-12-31")  # left the year before: not there
		# no end of membership recorded, but their last position ended this year: that is their leaving date
		retired = member(f"{YEAR - 5}-01-01")
		frappe.db.set_value("Member", retired.name, "membership_status", "Avsluttet")
		# (on 1 January: the current year's figures are as of today, so an end later this year is not yet one)
		frappe.db.set_value("Member Position", {"parent": retired.name}, "to_date", f"{YEAR}-01-01")
		# a director who left their position after a conflict this year
		mover.change_position(make_org(), "Kommunedirektør", f"{YEAR}-01-02", "Konflikt")
		# the session of the test case: invoiced, held this year, its participant attended
		(invoice,) = create_session_invoices(self.session.name)
		net_total = frappe.db.get_value("Sales Invoice", invoice, "net_total")
		# started already, this year
		started = max(get_datetime(f"{YEAR}-01-01 00:00:01"), add_to_date(now_datetime(), hours=-1))
		frappe.db.set_value("Topplederprogram Session", self.session.name, "starts_on", started)
		to_come = make_session()  # later this year or early next: not held (yet)
		frappe.db.set_value("Topplederprogram Session", to_come.name, "starts_on", f"{YEAR}-12-31 23:59:00")
		frappe.db.set_value("Registration", self.reg.name, "status", "Deltok")
		cancelled = frappe.get_doc("Topplederprogram Session", self.conference.name)
		frappe.db.set_value(
			"Topplederprogram Session",
			cancelled.name,
			{"starts_on": f"{YEAR}-01-16 09:00", "status": "Avlyst"},
		)
		case("Veiledning", asking, f"{YEAR}-02-01")
		case("Juridisk bistand", asking, f"{YEAR - 1}-11-01", f"{YEAR}-01-20")
		case("Juridisk bistand", asking, f"{YEAR}-03-01", f"{YEAR}-05-01")

		after = figures(YEAR)
		b, a = before["membership"], after["membership"]
		self.assertEqual(
			(a.at_start - b.at_start, a.new - b.new, a.left - b.left, a.at_end - b.at_end), (3, 2, 3, 2)
		)
		self.assertEqual(a.at_start + a.new - a.left, a.at_end)
		# the mover (after a conflict) and the retired member (no reason recorded)
		self.assertEqual(after["directors_left"] - before["directors_left"], 2)
		self.assertEqual(
			after["leaving_reasons"].get("Ukjent", 0) - before["leaving_reasons"].get("Ukjent", 0), 1
		)
		self.assertEqual(
			after["leaving_reasons"].get("Konflikt", 0) - before["leaving_reasons"].get("Konflikt", 0), 1
		)
		self.assertGreater(after["conflict_share"], 0)
		(held,) = [s for s in after["sessions"] if s["session"] == self.session.name]
		self.assertEqual(
			(held["seats_taken"], held["capacity"], held["attended"], held["fill_rate"]),
			(1, 35, 1, round(100 / 35, 1)),
		)
		self.assertEqual(flt(held["revenue"], 2), flt(net_total, 2))
		self.assertNotIn(self.conference.name, [s["session"] for s in after["sessions"]])
		self.assertEqual(after["sessions_cancelled"] - before["sessions_cancelled"], 1)
		self.assertNotIn(to_come.name, [s["session"] for s in after["sessions"]])
		# the test case's two sessions were still to come this year at the baseline (unless they fall in the next)
		moved = sum(
			1
			for starts in (self.session.starts_on, self.conference.starts_on)
			if get_datetime(starts).year == YEAR and get_datetime(starts) > now_datetime()
		)
		self.assertEqual(after["sessions_to_come"] - before["sessions_to_come"], 1 - moved)
		# the participant fee of a Kommunedirektør on an OU-approved session, invoiced today
		self.assertEqual(flt(after["ou_refundable"] - before["ou_refundable"], 2), 6000)
		opened = {
			t: after["cases_opened"].get(t, 0) - before["cases_opened"].get(t, 0)
			for t in after["cases_opened"]
		}
		closed = {
			t: after["cases_closed"].get(t, 0) - before["cases_closed"].get(t, 0)
			for t in after["cases_closed"]
		}
		self.assertEqual((opened.get("Veiledning"), opened.get("Juridisk bistand")), (1, 1))
		self.assertEqual((closed.get("Veiledning", 0), closed.get("Juridisk bistand")), (0, 2))

		# the report shows the same figures, without a name or any case content
		columns, rows = execute({"year": YEAR})
		self.assertEqual([c["fieldname"] for c in columns], ["section", "figure", "value"])
		values = {r["key"]: r["value"] for r in rows if r.get("key")}
		self.assertEqual(
			[values[k] for k in ("at_start", "new", "left", "at_end", "sessions_held")],
			[a.at_start, a.new, a.left, a.at_end, len(after["sessions"])],
		)
		text = frappe.as_json(rows)
		self.assertNotIn(self.kari.last_name, text)
		self.assertNotIn("Årsmelding-test", text)
		self.assertIn(self.session.session_title, text)

	def test_other_years_are_not_mixed_in(self):
		far = YEAR - 40
		before = figures(far)
		member(f"{YEAR}-03-01")
		self.assertEqual(figures(far)["membership"], before["membership"])

	def test_only_the_secretariat_runs_it(self):
		from frappe.desk.query_report import run

		frappe.set_user(make_user(["KDF Sekretariat"]))
		self.assertTrue(run("KDF Annual Report", {"year": YEAR})["result"])
		for roles in (["Accounts User"], ["KDF Saksbehandler"], ["KDF Mentor"]):
			frappe.set_user("Administrator")
			frappe.set_user(make_user(roles))
			self.assertRaises(frappe.PermissionError, run, "KDF Annual Report", {"year": YEAR})
