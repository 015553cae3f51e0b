// Import the bank's file (camt.054 / camt.053) into KDF's Bank Account: from the Bank Transaction list and the
// Bank File Import list (kdf_app.api.payments.import_bank_file). A background job; the progress and the result
// show on the Bank File Import it opens.
frappe.provide("kdf_app");

kdf_app.bank_import_dialog = function () {
	const d = new frappe.ui.Dialog({
		title: __("Import Bank File"),
		fields: [
			{
				fieldname: "file",
				fieldtype: "Attach",
				label: __("File"),
				reqd: 1,
				description: __("camt.054 (incoming payments with KID) or camt.053 (account statement) from the bank."),
			},
			{
				fieldname: "bank_account",
				fieldtype: "Link",
				options: "Bank Account",
				label: __("Bank Account"),
				reqd: 1,
				get_query: () => ({ filters: { is_company_account: 1 } }),
			},
		],
		primary_action_label: __("Import"),
		primary_action(values) {
			frappe
				.call({
					method: "kdf_app.api.payments.import_bank_file",
					args: { file_url: values.file, bank_account: values.bank_account },
					freeze: true,
				})
				.then((r) => {
					d.hide();
					frappe.set_route("Form", "Bank File Import", r.message.name);
				});
		},
	});
	frappe.call("kdf_app.api.payments.kdf_bank_account").then((r) => {
		if (r.message) d.set_value("bank_account", r.message);
	});
	d.show();
};

kdf_app.add_bank_import_button = function (listview) {
	if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
	listview.page.add_inner_button(__("Import Bank File"), () => kdf_app.bank_import_dialog());
};
