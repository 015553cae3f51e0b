// The membership dues batch (kdf_app.api.members.create_dues_invoices) from the Sales Invoice list, for the
// secretariat; ERPNext's own list settings for Sales Invoice are kept and extended.
frappe.provide("kdf_app");

kdf_app.dues_dialog = function () {
	const d = new frappe.ui.Dialog({
		title: __("Create Dues Invoices"),
		fields: [
			{ fieldname: "year", fieldtype: "Int", label: __("Year"), reqd: 1, default: new Date().getFullYear() },
			{
				fieldname: "submit",
				fieldtype: "Select",
				label: __("Invoices"),
				options: [
					{ value: "0", label: __("Create as drafts") },
					{ value: "1", label: __("Submit (and send)") },
				],
				default: "0",
			},
		],
		primary_action_label: __("Create"),
		primary_action(values) {
			frappe
				.call({
					method: "kdf_app.api.members.create_dues_invoices",
					args: { year: values.year, submit: cint(values.submit) },
					freeze: true,
					freeze_message: __("Creating dues invoices…"),
				})
				.then(({ message }) => {
					d.hide();
					frappe.msgprint(__("{0} dues invoices created for {1}.", [message.length, values.year]));
					if (message.length) {
						frappe.set_route("List", "Sales Invoice", { kdf_dues_year: values.year });
					}
				});
		},
	});
	d.show();
};

(() => {
	const settings = (frappe.listview_settings["Sales Invoice"] = frappe.listview_settings["Sales Invoice"] || {});
	const erpnext_onload = settings.onload;
	settings.onload = function (listview) {
		if (erpnext_onload) erpnext_onload.apply(this, arguments);
		if (frappe.user.has_role(["KDF Sekretariat", "System Manager"])) {
			listview.page.add_inner_button(__("Create Dues Invoices"), () => kdf_app.dues_dialog());
		}
	};
})();
