frappe.query_reports["Session Topics"] = {
	filters: [
		{ fieldname: "session", label: __("Session"), fieldtype: "Link", options: "Topplederprogram Session" },
		{ fieldname: "with_waitlist", label: __("Include Waitlist"), fieldtype: "Check" },
	],
	onload(report) {
		const given = (frappe.route_options || {}).session || frappe.utils.get_url_arg("session");
		if (given || report.get_filter_value("session")) return;
		frappe.call("kdf_app.api.sessions.default_session").then((r) => {
			if (r.message && !report.get_filter_value("session")) report.set_filter_value("session", r.message);
		});
	},
};
