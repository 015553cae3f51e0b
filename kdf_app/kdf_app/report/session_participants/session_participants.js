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
};
