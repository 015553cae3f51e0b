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
		// The session comes from the route (the session's View menu, a link) or, opened from the report list, is
		// the next session (or else the most recent one). A session's link shows its title: Frappe fills the
		// filter's box only once the title has arrived, and reads the filter from that box, so the report's first
		// run went without the session and nothing ran it again ("nothing to show" until a filter was touched).
		// The title is fetched first and the session put in the box before the report runs (Frappe waits for
		// the promise returned here).
		const filter = report.get_filter("session");
		const given = (frappe.route_options || {}).session || frappe.utils.get_url_arg("session")
			|| filter.value || report.get_filter_value("session");
		const session = given
			? Promise.resolve(given)
			: frappe.xcall("kdf_app.api.sessions.default_session");
		return session.then((name) => {
			if (!name) return;
			return Promise.resolve(frappe.utils.fetch_link_title(filter.df.options, name))
				.catch(() => null)
				.then(() => filter.set_input(name));
		});
	},
};
