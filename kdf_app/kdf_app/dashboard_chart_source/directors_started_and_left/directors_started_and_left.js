frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Directors Started and Left"] = {
	method: "kdf_app.api.dashboards.member_turnover_chart",
	filters: [],
};
