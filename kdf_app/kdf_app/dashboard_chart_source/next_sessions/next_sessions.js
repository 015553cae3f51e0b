frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Next Sessions"] = {
	method: "kdf_app.api.dashboards.upcoming_sessions_chart",
	filters: [],
};
