frappe.ui.form.on("Sales Invoice", {
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			// say before submit what would make this invoice's EHF fail (submit is refused then)
			frappe.call({ method: "kdf_app.custom.sales_invoice.ehf_problems", args: { invoice: frm.doc.name } })
				.then(({ message }) => {
					if (!message || !message.length) return;
					const items = message.map((m) => `<li>${frappe.utils.escape_html(m)}</li>`).join("");
					frm.set_intro(`${__("EHF would fail")}:<ul>${items}</ul>`, "red");
				});
		}
		if (frm.doc.docstatus !== 1 || !frm.doc.kdf_ehf_status) return;
		if (frm.doc.kdf_ehf_status === "Nytt forsøk" && frm.doc.kdf_ehf_next_try) {
			// a failed send waiting for its next try (kdf_app.core.delivery)
			frm.set_intro(__("Sending failed {0} times; the next try is at {1}.", [frm.doc.kdf_ehf_attempts,
				frappe.datetime.str_to_user(frm.doc.kdf_ehf_next_try)]), "orange");
		}
		frm.add_custom_button(__("Resend"), () =>
			frappe.call({ method: "kdf_app.custom.sales_invoice.resend_ehf", args: { invoice: frm.doc.name } })
				.then(() => frm.reload_doc())
		, __("Delivery"));
		frm.add_custom_button(__("Download EHF"), () => {
			frappe.db.get_value("File", { attached_to_doctype: "Sales Invoice", attached_to_name: frm.doc.name,
				file_name: ["like", "%.xml"] }, "file_url").then((r) => {
				if (r.message && r.message.file_url) window.open(r.message.file_url);
				else frappe.msgprint(__("No EHF file is attached."));
			});
		}, __("Delivery"));
	},
});
