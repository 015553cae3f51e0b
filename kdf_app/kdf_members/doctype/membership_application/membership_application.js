frappe.ui.form.on("Membership Application", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== frappe.boot.kdf.statuses.application.new) return;
		if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		frm.add_custom_button(__("Approve"), () => {
			frappe.confirm(
				__("Approve {0} as a member? The member, the portal login and the welcome e-mail to {1} are made now.", [frm.doc.applicant_name, frm.doc.email]),
				() => frm.call({ doc: frm.doc, method: "approve", freeze: true }).then((r) => {
					frappe.show_alert({ message: __("Member {0} created; welcome e-mail sent.", [r.message.member]), indicator: "green" });
					frm.reload_doc();
				})
			);
		}).addClass("btn-primary");
		frm.add_custom_button(__("Reject"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason (sent to the applicant)"), reqd: 1 },
				(values) => frm.call({ doc: frm.doc, method: "reject", args: { reason: values.reason }, freeze: true })
					.then(() => frm.reload_doc()),
				__("Reject Application"),
				__("Reject")
			);
		});
	},
});
