frappe.query_reports["Member Turnover"] = {
	filters: [
		{ fieldname: "from_year", label: __("From Year"), fieldtype: "Int" },
		{ fieldname: "to_year", label: __("To Year"), fieldtype: "Int" },
		{ fieldname: "all_titles", label: __("All Titles (not only chief executives)"), fieldtype: "Check", default: 0 },
	],
};
