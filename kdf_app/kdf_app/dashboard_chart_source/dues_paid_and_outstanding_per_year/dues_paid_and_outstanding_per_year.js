frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Dues Paid and Outstanding per Year"] = {
	method: "kdf_app.api.dashboards.dues_chart",
	filters: [],
};
