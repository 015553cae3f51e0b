frappe.ui.form.on("KDF Settings", {
	setup(frm) {
		// the secretariat has no permission on Email Account: offer the outgoing accounts (name and address only)
		frm.set_query("email_sender", () => ({ query: "kdf_app.api.settings.outgoing_email_accounts" }));
	},
	refresh(frm) {
		kdf_app_render_setup_status(frm);
		if (frappe.user.has_role(["KDF Sekretariat", "System Manager"])) {
			frm.add_custom_button(__("Create Dues Invoices"), () => kdf_app_dues_dialog());
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

function kdf_app_dues_dialog() {
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
}
