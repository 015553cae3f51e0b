frappe.listview_settings["Bank File Import"] = {
	get_indicator(doc) {
		const S = frappe.boot.kdf.statuses.bank_import;
		const colour = { [S.done]: "green", [S.refused]: "red", [S.failed]: "red", [S.running]: "blue", [S.queued]: "gray" }[doc.status];
		return [__(doc.status), colour, `status,=,${doc.status}`];
	},
	onload(listview) {
		frappe.require("/assets/kdf_app/js/bank_import.js", () => kdf_app.add_bank_import_button(listview));
	},
};
