"""The KDF workspace's number cards (Custom method) and chart sources: the secretariat's only.

Each method refuses anyone but KDF Sekretariat and System Manager (kdf_app.permissions.require_roles): the
cards and charts themselves are hidden from other roles by kdf_app.permissions.dashboard_query/_has_permission.
"""

import frappe
from frappe.utils import fmt_money

from kdf_app.kdf_app.services import dashboards
from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.kdf_programmes.core.sessions import WAITLISTED
from kdf_app.permissions import require_roles

Filters = str | dict | list | None


def _card(value, fieldtype: str, route: list[str] | None = None, route_options: dict | None = None) -> dict:
	out = {"value": value, "fieldtype": fieldtype}
	if route:
		out["route"] = route
	if route_options:
		out["route_options"] = route_options
	return out


@frappe.whitelist()
def active_members(filters: Filters = None) -> dict:
	require_roles()
	return _card(dashboards.active_members(), "Int", ["List", "Member"], {"membership_status": ACTIVE})


@frappe.whitelist()
def coverage(filters: Filters = None) -> dict:
	require_roles()
	return _card(dashboards.coverage_share(), "Percent", ["query-report", "Membership Coverage"])


@frappe.whitelist()
def next_session_fill_rate(filters: Filters = None) -> dict:
	require_roles()
	fill = dashboards.next_session_fill()
	route = ["Form", "Topplederprogram Session", fill["session"]] if fill["session"] else None
	return _card(fill["value"], "Percent", route)


@frappe.whitelist()
def upcoming_waitlist(filters: Filters = None) -> dict:
	require_roles()
	return _card(dashboards.upcoming_waitlist(), "Int", ["List", "Registration"], {"status": WAITLISTED})


@frappe.whitelist()
def ou_refundable_this_year(filters: Filters = None) -> str:
	require_roles()
	# in full kroner (Frappe would shorten a Currency value to "kr 48,00 K")
	return fmt_money(dashboards.ou_refundable_this_year(), precision=0, currency="NOK")


@frappe.whitelist()
def conflict_share(filters: Filters = None) -> dict:
	require_roles()
	return _card(dashboards.turnover_conflict_share(), "Percent", ["query-report", "Member Turnover"])


@frappe.whitelist()
def outstanding(filters: Filters = None) -> str:
	require_roles()
	from kdf_app.kdf_billing.services import receivables

	return fmt_money(receivables.outstanding(), precision=0, currency="NOK")


@frappe.whitelist()
def overdue(filters: Filters = None) -> str:
	require_roles()
	from kdf_app.kdf_billing.services import receivables

	return fmt_money(receivables.overdue(), precision=0, currency="NOK")


def _chart_endpoint(build):
	"""A Dashboard Chart Source method: Frappe's chart widget calls it with the chart's arguments (typed here,
	unused: the figures do not depend on them); secretariat only."""

	def endpoint(
		chart_name: str | None = None,
		chart: str | dict | None = None,
		no_cache: int | str | None = None,
		filters: Filters = None,
		from_date: str | None = None,
		to_date: str | None = None,
		timespan: str | None = None,
		time_interval: str | None = None,
		heatmap_year: str | int | None = None,
		refresh: int | str | None = None,
	) -> dict:
		require_roles()
		return build()

	return frappe.whitelist()(endpoint)


upcoming_sessions_chart = _chart_endpoint(dashboards.upcoming_chart)
session_revenue_chart = _chart_endpoint(dashboards.revenue_chart)
member_turnover_chart = _chart_endpoint(dashboards.turnover_chart)


def _dues_chart() -> dict:
	from kdf_app.kdf_billing.services import receivables

	return receivables.dues_chart()


dues_chart = _chart_endpoint(_dues_chart)
