frappe.listview_settings["Bank File Import"] = {
	get_indicator(doc) {
		const colour = { Done: "green", Refused: "red", Failed: "red", Running: "blue", Queued: "gray" }[doc.status];
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
	onload(listview) {
		frappe.require("/assets/kdf_app/js/bank_import.js", () => kdf_app.add_bank_import_button(listview));
	},
};
