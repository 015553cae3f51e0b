frappe.query_reports["Session Participants"] = {
	filters: [
		{ fieldname: "session", label: __("Session"), fieldtype: "Link", options: "Topplederprogram Session", reqd: 1 },
		{ fieldname: "view", label: __("List"), fieldtype: "Select", default: "participants",
		  options: [
			{ value: "participants", label: __("Participants") },
			{ value: "dietary", label: __("Dietary list for the hotel") },
			{ value: "waitlist", label: __("Waitlist") },
		  ] },
	],
	onload(report) {
		// opened from the report list (no session given): the next session, or else the most recent one
		const given = (frappe.route_options || {}).session || frappe.utils.get_url_arg("session");
		if (given || report.get_filter_value("session")) return;
		frappe.call("kdf_app.api.sessions.default_session").then((r) => {
			if (r.message && !report.get_filter_value("session")) report.set_filter_value("session", r.message);
		});
	},
};
