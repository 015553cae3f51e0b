frappe.query_reports["Session Evaluation Results"] = {
	filters: [
		// empty: one row per evaluated session (across sessions)
		{ fieldname: "session", label: __("Session"), fieldtype: "Link", options: "Topplederprogram Session" },
		{ fieldname: "view", label: __("Show"), fieldtype: "Select", default: "items",
		  options: [
			{ value: "items", label: __("Averages per agenda item") },
			{ value: "comments", label: __("Comments") },
		  ] },
		{ fieldname: "from_date", label: __("Sessions From"), fieldtype: "Date" },
	],
};
