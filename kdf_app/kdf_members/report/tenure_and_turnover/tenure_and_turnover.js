// Tenure and Turnover: per year (each as of its 31 December) or per county or kind over the years. The role
// KDF Forskningsuttrekk also gets a button for the anonymised research extract (kdf_app.api.research).
frappe.query_reports["Tenure and Turnover"] = {
	filters: [
		{ fieldname: "from_year", label: __("From Year"), fieldtype: "Int", default: new Date().getFullYear() - 9 },
		{ fieldname: "to_year", label: __("To Year"), fieldtype: "Int", default: new Date().getFullYear() },
		{
			fieldname: "group_by",
			label: __("Per"),
			fieldtype: "Select",
			options: [
				{ value: "Year", label: __("Year") },
				{ value: "County", label: __("County") },
				{ value: "Kind", label: __("Kind") },
			],
			default: "Year",
		},
		{ fieldname: "county", label: __("County"), fieldtype: "Data" },
		{
			fieldname: "kind",
			label: __("Kind"),
			fieldtype: "Select",
			options: ["", "Kommune", "Fylkeskommune", "Bydel"].map((v) => ({ value: v, label: v ? __(v) : "" })),
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.bold ? `<b>${value}</b>` : value;
	},
	onload(report) {
		if (!frappe.user.has_role(frappe.boot.kdf.roles.research)) return;
		report.page.add_inner_button(__("Research Extract"), () =>
			frappe.require("/assets/kdf_app/js/research_extract.js", () =>
				window.kdf_research_extract({
					from_year: report.get_filter_value("from_year"),
					to_year: report.get_filter_value("to_year"),
				})
			)
		);
	},
};
