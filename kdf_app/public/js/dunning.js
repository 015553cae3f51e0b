// Dunning (Purring / Inkassovarsel, kdf_app.kdf_billing.services.dunning): the secretariat reviews a proposed draft and
// sends it, submitted and e-mailed with the PDF to the invoice's address (kdf_app.api.payments.send_dunning).
frappe.ui.form.on("Dunning", {
	refresh(frm) {
		if (frm.doc.docstatus !== 0 || frm.is_new()) return;
		if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		frm.add_custom_button(__("Send by E-mail"), () => {
			frappe.confirm(__("Submit this reminder and e-mail it with the PDF to the invoice's address?"), () =>
				frm
					.save()
					.then(() =>
						frappe.call({
							method: "kdf_app.api.payments.send_dunning",
							args: { name: frm.doc.name },
							freeze: true,
						})
					)
					.then((r) => {
						frappe.show_alert({ message: r.message.message, indicator: "green" });
						frm.reload_doc();
					})
			);
		}).addClass("btn-primary");
	},
});
