// Research Extract Log: the role KDF Forskningsuttrekk makes an extract from here (also from the report Tenure
// and Turnover). kdf_app/public/js/research_extract.js holds the dialog.
frappe.listview_settings["Research Extract Log"] = {
	onload(list) {
		if (!frappe.user.has_role(frappe.boot.kdf.roles.research)) return;
		list.page.add_inner_button(__("Make Research Extract"), () =>
			frappe.require("/assets/kdf_app/js/research_extract.js", () => window.kdf_research_extract())
		);
	},
};
