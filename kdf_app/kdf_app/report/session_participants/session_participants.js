frappe.query_reports["Session Participants"] = {
	filters: [
		// not reqd: a required filter that is still empty when the page opens shows "Filter missing" before the
		// session from the route (or the default below) arrives
		{ fieldname: "session", label: __("Session"), fieldtype: "Link", options: "Topplederprogram Session" },
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
