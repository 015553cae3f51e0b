// Årsmelding for the landsmøte: the figures of one year (by default the one just ended). Print: the report's
// Print button uses kdf_annual_report.html.
frappe.query_reports["KDF Annual Report"] = {
	filters: [
		{
			fieldname: "year",
			label: __("Year"),
			fieldtype: "Int",
			default: new Date().getFullYear() - 1,
			reqd: 1,
		},
	],
};
