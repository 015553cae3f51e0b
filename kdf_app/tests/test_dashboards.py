"""The KDF workspace's number cards and charts: the figures, and that only the secretariat sees them."""

import frappe
from frappe.utils import add_to_date, flt, fmt_money, get_datetime, now_datetime

from kdf_app.api import dashboards as api
from kdf_app.kdf_app.services import dashboards
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.tests.test_invoicing import InvoicingCase
from kdf_app.tests.utils import make_member, make_org, make_session, make_user, register

CARDS = {
	"Active Members": api.active_members,
	"Director Coverage": api.coverage,
	"Next Session Fill Rate": api.next_session_fill_rate,
	"Waitlisted for Next Sessions": api.upcoming_waitlist,
	"OU-Refundable Fees This Year": api.ou_refundable_this_year,
	"Conflict Share of Leavers": api.conflict_share,
	"Outstanding Invoices": api.outstanding,
	"Overdue Invoices": api.overdue,
}
CHARTS = {
	"Next Sessions": api.upcoming_sessions_chart,
	"Revenue and Outstanding per Session": api.session_revenue_chart,
	"Directors Started and Left": api.member_turnover_chart,
	"Dues Paid and Outstanding per Year": api.dues_chart,
}


def listed(doctype: str) -> list:
	"""Our cards or charts in the user's list view (a website user may not list them at all)."""
	try:
		return frappe.get_list(doctype, {"module": "KDF App"})
	except frappe.PermissionError:
		return []


def first_upcoming_session(**extra):
	"""A session that starts before every other upcoming one on the site (the chart and the cards show the next
	six), so the test sees its own session whatever else the site holds."""
	now = now_datetime()
	earliest = frappe.db.get_value(
		"Topplederprogram Session",
		{"starts_on": (">=", now), "status": ("not in", ["Utkast", "Avlyst"])},
		"min(starts_on)",
	)
	start = add_to_date(now, hours=6)
	if earliest:
		start = min(start, add_to_date(get_datetime(earliest), minutes=-2))
	assert start > add_to_date(now, minutes=2), "another session starts within minutes: cannot be first"
	return make_session(
		starts_on=start,
		ends_on=add_to_date(start, hours=8),
		registration_deadline=add_to_date(start, minutes=-1),
		**extra,
	)


class TestDashboards(InvoicingCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		super().tearDown()

	def test_standard_cards_and_charts_are_on_the_workspace(self):
		workspace = frappe.get_doc("Workspace", "KDF")
		self.assertEqual({c.number_card_name for c in workspace.number_cards}, set(CARDS))
		self.assertEqual({c.chart_name for c in workspace.charts}, set(CHARTS))
		self.assertTrue(any(b["type"] == "onboarding" for b in frappe.parse_json(workspace.content)))
		for name in CARDS:
			card = frappe.get_doc("Number Card", name)
			self.assertEqual((card.type, card.is_standard, card.module), ("Custom", 1, "KDF App"))
			self.assertTrue(frappe.get_attr(card.method))
		for name in CHARTS:
			chart = frappe.get_doc("Dashboard Chart", name)
			self.assertEqual((chart.chart_type, chart.source), ("Custom", name))
			self.assertTrue(frappe.db.exists("Dashboard Chart Source", name))

	def test_active_members_follow_the_register(self):
		before = api.active_members()["value"]
		member = make_member()
		self.assertEqual(api.active_members()["value"], before + 1)
		member.membership_status = "Utmeldt"
		member.save()
		self.assertEqual(api.active_members()["value"], before)

	def test_next_sessions_fill_rate_and_waitlist(self):
		small = first_upcoming_session(capacity=2)
		waitlist_before = api.upcoming_waitlist()["value"]
		for _ in range(3):
			register(small, make_member())
		chart = api.upcoming_sessions_chart()
		labels = chart["labels"]
		i = next(n for n, label in enumerate(labels) if small.session_title[:20] in label)
		values = {d["name"]: d["values"][i] for d in chart["datasets"]}
		self.assertEqual(list(values.values()), [2, 1, 0])  # confirmed, waitlisted, free seats
		self.assertEqual(chart["fill_rates"][i], 100.0)
		self.assertEqual(api.upcoming_waitlist()["value"], waitlist_before + 1)
		fill = api.next_session_fill_rate()
		self.assertEqual(fill["fieldtype"], "Percent")
		self.assertEqual(
			(fill["value"], fill["route"]), (100.0, ["Form", "Topplederprogram Session", small.name])
		)

	def test_revenue_outstanding_and_ou_refundable(self):
		ou_before = dashboards.ou_refundable_this_year()
		(name,) = create_session_invoices(self.session.name)
		invoice = frappe.get_doc("Sales Invoice", name)
		self.assertEqual(invoice.docstatus, 1)
		chart = api.session_revenue_chart()
		i = next(n for n, label in enumerate(chart["labels"]) if self.session.session_title[:20] in label)
		revenue, outstanding = (d["values"][i] for d in chart["datasets"])
		self.assertEqual(flt(revenue, 2), flt(invoice.net_total, 2))
		self.assertEqual(flt(outstanding, 2), flt(invoice.outstanding_amount, 2))
		# the participant fee of a Kommunedirektør on an OU-approved session
		self.assertEqual(dashboards.ou_refundable_this_year(), flt(ou_before + 6000, 2))
		self.assertIn(fmt_money(ou_before + 6000, precision=0, currency="NOK"), api.ou_refundable_this_year())

	def test_turnover_chart_counts_conflict(self):
		year = frappe.utils.getdate().year - 2
		before = api.member_turnover_chart()
		member = make_member(position_start=f"{year - 5}-01-01")
		member.change_position(make_org(), "Kommunedirektør", f"{year}-06-01", "Konflikt")
		after = api.member_turnover_chart()
		by = {d["name"]: d["values"][after["labels"].index(str(year))] for d in after["datasets"]}
		old = (
			{d["name"]: d["values"][before["labels"].index(str(year))] for d in before["datasets"]}
			if str(year) in before["labels"]
			else dict.fromkeys(by, 0)
		)
		self.assertEqual([by[k] - old[k] for k in by], [1, 1, 1])  # started (new job), left, after conflict
		self.assertGreater(api.conflict_share()["value"], 0)

	def test_a_later_apps_hook_that_opens_the_cards_gives_no_figures(self):
		"""Frappe asks the last app's has_permission hook: an app installed after kdf_app that says yes to every
		Number Card and Dashboard Chart opens the card documents, yet no figure, because every method behind
		them checks the roles itself (kdf_app.permissions.require_roles) rather than relying on hook order."""
		from unittest.mock import patch

		original = frappe.get_hooks

		def with_a_later_app(hook=None, *args, **kwargs):
			hooks = original(hook, *args, **kwargs)
			if hook == "has_permission":
				hooks = {
					**hooks,
					**{
						dt: [*hooks.get(dt, []), "frappe.permissions.allow_everything"]
						for dt in ("Number Card", "Dashboard Chart")
					},
				}
			return hooks

		for roles, user_type in ((["KDF Medlem"], "Website User"), (["Accounts User"], "System User")):
			frappe.set_user(make_user(roles, user_type))
			with (
				patch.object(frappe, "get_hooks", with_a_later_app),
				patch("frappe.permissions.allow_everything", lambda *a, **k: True, create=True),
			):
				for name, method in {**CARDS, **CHARTS}.items():
					with self.assertRaises(frappe.PermissionError, msg=f"{name} as {roles}"):
						method()
			frappe.set_user("Administrator")

	def test_a_card_in_any_of_kdfs_modules_is_the_secretariats_only(self):
		"""The guard covers every module of the app (modules.txt), not one module by name: a card a developer
		later puts in KDF Billing or KDF Members is guarded as well."""
		from kdf_app.permissions import kdf_modules

		self.assertIn("KDF Billing", kdf_modules())
		card = frappe.get_doc(
			{
				"doctype": "Number Card",
				"label": f"Test Billing Card {frappe.generate_hash(length=6)}",
				"type": "Document Type",
				"document_type": "Sales Invoice",
				"function": "Count",
				"module": "KDF Billing",
				"is_public": 1,
			}
		).insert(ignore_permissions=True)
		outsider = make_user(["Accounts User"], "System User")
		# the record is refused (a list may still name it: Frappe's own Number Card condition ends in an
		# unbracketed "or", see kdf_app.permissions; KDF's own cards therefore count KDF Settings' readers)
		self.assertFalse(frappe.has_permission("Number Card", doc=card.name, user=outsider))
		self.assertTrue(
			frappe.has_permission("Number Card", doc=card.name, user=make_user(["KDF Sekretariat"]))
		)

	def test_only_the_secretariat_sees_them(self):
		secretariat = make_user(["KDF Sekretariat"])
		for roles, user_type in (
			(["KDF Medlem"], "Website User"),
			(["KDF Mentor"], "System User"),
			(["KDF Saksbehandler"], "System User"),
			(["Accounts User"], "System User"),
		):
			user = make_user(roles, user_type)
			frappe.set_user(user)
			for name, method in {**CARDS, **CHARTS}.items():
				with self.assertRaises(frappe.PermissionError, msg=f"{name} as {roles}"):
					method()
			for name in CARDS:
				self.assertFalse(frappe.has_permission("Number Card", doc=name, user=user), f"{name} {roles}")
			for name in CHARTS:
				self.assertFalse(frappe.has_permission("Dashboard Chart", doc=name, user=user), name)
			self.assertEqual(listed("Number Card"), [])
			self.assertEqual(listed("Dashboard Chart"), [])
			frappe.set_user("Administrator")
		frappe.set_user(secretariat)
		for name, method in {**CARDS, **CHARTS}.items():
			self.assertIsInstance(method(), dict | str, name)
		for name in CARDS:
			self.assertTrue(frappe.has_permission("Number Card", doc=name, user=secretariat), name)
		for name in CHARTS:
			self.assertTrue(frappe.has_permission("Dashboard Chart", doc=name, user=secretariat), name)
		self.assertEqual(len(listed("Number Card")), len(CARDS))
		# (Frappe's list of Dashboard Charts leaves out Custom charts for all but System Manager; the workspace
		# shows a chart by its roles, checked above)
