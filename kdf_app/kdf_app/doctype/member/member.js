frappe.ui.form.on("Member", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (!frm.doc.user && frappe.user.has_role(["KDF Sekretariat", "System Manager"])) {
			frm.add_custom_button(__("Create Portal User"), () =>
				frm.call("create_portal_user").then(() => frm.reload_doc())
			);
		}
		frm.add_custom_button(__("Change Position"), () => {
			const d = new frappe.ui.Dialog({
				title: __("Change Position"),
				fields: [
					{ fieldname: "organisation", fieldtype: "Link", options: "Customer", label: __("New Organisation"), reqd: 1 },
					{ fieldname: "title", fieldtype: "Select", label: __("Title"), reqd: 1,
					  options: frm.fields_dict.title.df.options, default: frm.doc.title },
					{ fieldname: "start", fieldtype: "Date", label: __("Starts"), reqd: 1, default: frappe.datetime.get_today() },
					{ fieldname: "reason", fieldtype: "Select", label: __("Reason for Leaving the Previous Position"),
					  options: frm.fields_dict.leaving_reason.df.options, default: "Ny stilling" },
				],
				primary_action_label: __("Save"),
				primary_action(values) {
					frm.call("change_position", values).then(() => { d.hide(); frm.reload_doc(); });
				},
			});
			d.show();
		});
	},
});
