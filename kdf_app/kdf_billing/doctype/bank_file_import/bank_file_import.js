// One imported bank file: the progress while the job runs (Frappe's progress bar, kdf_app.kdf_billing.services.bank_import),
// the result when it is done, and the suggestions the secretariat confirms with one click.
frappe.ui.form.on("Bank File Import", {
	setup(frm) {
		frappe.realtime.on("kdf_bank_import_done", (data) => {
			if (data && data.name === frm.doc.name) frm.reload_doc();
		});
		// the job marks the import Running as it starts, which can be before this form has joined the record's
		// live updates; its first progress message then reloads the form once, so it never says Queued while
		// the bar runs
		frappe.realtime.on("progress", (data) => {
			const queued = frappe.boot.kdf.statuses.bank_import.queued;
			if (!data || data.doctype !== frm.doctype || data.docname !== frm.doc.name) return;
			if (frm.doc.status !== queued || frm.__kdf_reloading) return;
			frm.__kdf_reloading = true;
			Promise.resolve(frm.reload_doc()).finally(() => (frm.__kdf_reloading = false));
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
