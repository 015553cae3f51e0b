// Bank Transaction list: the secretariat imports the bank's file here (kdf_app/public/js/bank_import.js);
// ERPNext's own list settings are kept and extended.
frappe.listview_settings["Bank Transaction"] = frappe.listview_settings["Bank Transaction"] || {};
(function (settings) {
	const onload = settings.onload;
	settings.onload = function (listview) {
		if (onload) onload(listview);
		frappe.require("/assets/kdf_app/js/bank_import.js", () => kdf_app.add_bank_import_button(listview));
	};
})(frappe.listview_settings["Bank Transaction"]);
