frappe.query_reports["Membership Coverage"] = {
	filters: [
		{ fieldname: "kommune", label: __("Kommune"), fieldtype: "Check", default: 1 },
		{ fieldname: "fylkeskommune", label: __("Fylkeskommune"), fieldtype: "Check", default: 1 },
		{ fieldname: "bydel", label: __("Bydel"), fieldtype: "Check", default: 0 },
	],
};
