// The membership dues batch (kdf_app.api.members.create_dues_invoices) from the Sales Invoice list, for the
// secretariat, and the delivery status (EHF / e-mail) as a coloured column; ERPNext's own list settings for
// Sales Invoice are kept and extended.
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
			// a background job: a progress bar while it runs, a message when it is done, the result in KDF Settings
			frappe
				.call({
					method: "kdf_app.api.members.create_dues_invoices",
					args: { year: values.year, submit: cint(values.submit) },
				})
				.then(() => {
					d.hide();
					frappe.show_alert({
						message: __("The dues batch for {0} runs in the background; the progress shows here and you get a message when it is done.", [values.year]),
						indicator: "blue",
					}, 10);
					if (window.cur_list && cur_list.doctype === "Sales Invoice" && cur_list.filter_area) {
						// already on the list: show that year's invoices as they are made
						cur_list.filter_area.clear(false).then(() =>
							cur_list.filter_area.add([["Sales Invoice", "kdf_dues_year", "=", values.year]]));
					} else {
						frappe.set_route("List", "Sales Invoice", { kdf_dues_year: values.year });
					}
				});
		},
	});
	d.show();
};

// the delivery status as the invoice form shows it (kdf_app.kdf_billing.core.delivery, through frappe.boot.kdf)
kdf_app.delivery_colour = (({ ready, sent, retrying, failed }) => ({
	[ready]: "blue", [sent]: "green", [retrying]: "orange", [failed]: "red",
}))(frappe.boot.kdf.statuses.delivery);

(() => {
	const settings = (frappe.listview_settings["Sales Invoice"] = frappe.listview_settings["Sales Invoice"] || {});
	settings.formatters = settings.formatters || {};
	settings.formatters.kdf_ehf_status = (value) =>
		value
			? `<span class="indicator-pill ${kdf_app.delivery_colour[value] || "gray"} ellipsis">${frappe.utils.escape_html(__(value))}</span>`
			: "";
	const erpnext_onload = settings.onload;
	settings.onload = function (listview) {
		if (erpnext_onload) erpnext_onload.apply(this, arguments);
		if (frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) {
			listview.page.add_inner_button(__("Create Dues Invoices"), () => kdf_app.dues_dialog());
		}
	};
})();
