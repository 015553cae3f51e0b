// One imported bank file: the progress while the job runs (Frappe's progress bar, kdf_app.kdf_billing.services.bank_import),
// the result when it is done, and the suggestions the secretariat confirms with one click.
frappe.ui.form.on("Bank File Import", {
	setup(frm) {
		frappe.realtime.on("kdf_bank_import_done", (data) => {
			if (data && data.name === frm.doc.name) frm.reload_doc();
		});
	},
	refresh(frm) {
		frm.add_custom_button(__("Innbetalinger"), () =>
			frappe.set_route("query-report", "Innbetalinger", { bank_file_import: frm.doc.name })
		);
		if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		(frm.doc.rows || [])
			.filter((row) => row.status === frappe.boot.kdf.statuses.bank_row.suggested)
			.forEach((row) => {
				frm.add_custom_button(
					`${row.reference}: ${format_currency(row.amount, "NOK")} → ${row.sales_invoice || row.customer}`,
					() => kdf_app_confirm_suggestion(frm.doc.name, row.name, () => frm.reload_doc()),
					__("Confirm Suggestion")
				);
			});
	},
});

function kdf_app_confirm_suggestion(log, row, done) {
	frappe
		.call({ method: "kdf_app.api.payments.confirm_suggestion", args: { log, row }, freeze: true })
		.then((r) => {
			frappe.show_alert({ message: r.message.message, indicator: "green" });
			done();
		});
}
