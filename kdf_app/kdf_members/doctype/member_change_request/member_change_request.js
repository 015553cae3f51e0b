frappe.ui.form.on("Member Change Request", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== frappe.boot.kdf.statuses.change_request.new) return;
		if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		frm.add_custom_button(__("Confirm"), () => {
			frappe.confirm(
				__("Put this change into {0}'s position history?", [frm.doc.member_name]),
				() => frm.call({ doc: frm.doc, method: "confirm", freeze: true }).then(() => {
					frappe.show_alert({ message: __("Position history updated."), indicator: "green" });
					frm.reload_doc();
				})
			);
		}).addClass("btn-primary");
		frm.add_custom_button(__("Reject"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason (shown to the member)"), reqd: 1 },
				(values) => frm.call({ doc: frm.doc, method: "reject", args: { reason: values.reason }, freeze: true })
					.then(() => frm.reload_doc()),
				__("Reject Change"),
				__("Reject")
			);
		});
	},
});
