frappe.ui.form.on("KDF Settings", {
	setup(frm) {
		// the secretariat has no permission on Email Account: offer the outgoing accounts (name and address only)
		frm.set_query("email_sender", () => ({ query: "kdf_app.api.settings.outgoing_email_accounts" }));
	},
	refresh(frm) {
		kdf_app_render_setup_status(frm);
		if (frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) {
			// the dialog comes with the Sales Invoice list settings (kdf_app/public/js/sales_invoice_list.js)
			frm.add_custom_button(__("Create Dues Invoices"), () =>
				frappe.model.with_doctype("Sales Invoice", () => kdf_app.dues_dialog())
			);
		}
	},
	after_save(frm) {
		kdf_app_render_setup_status(frm);
	},
});

function kdf_app_render_setup_status(frm) {
	const wrapper = frm.get_field("setup_status").$wrapper;
	frappe.call("kdf_app.api.settings.setup_status").then(({ message }) => {
		const rows = message.checks
			.map((c) => {
				const mark = c.ok
					? `<span class="indicator-pill green">${__("Done")}</span>`
					: `<span class="indicator-pill red">${__("Missing")}</span>`;
				return `<tr><td style="width:8em">${mark}</td><td><b>${frappe.utils.escape_html(c.label)}</b></td>
					<td>${frappe.utils.escape_html(c.detail || "")}</td></tr>`;
			})
			.join("");
		wrapper.html(`<table class="table table-condensed" style="margin:0">${rows}</table>`);
	});
}
