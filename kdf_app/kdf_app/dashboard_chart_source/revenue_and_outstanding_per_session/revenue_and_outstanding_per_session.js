frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Revenue and Outstanding per Session"] = {
	method: "kdf_app.api.dashboards.session_revenue_chart",
	filters: [],
};
