frappe.ui.form.on("Member", {
	refresh(frm) {
		if (frm.is_new()) return;
		if (frappe.user.has_role(["KDF Sekretariat", "System Manager"]) && frm.doc.membership_status === "Aktiv") {
			const again = !!frm.doc.invitation_sent_on;
			frm.add_custom_button(again ? __("Resend Invitation") : __("Send Invitation"), () => {
				const send = () => frm.call({ doc: frm.doc, method: "send_invitation", freeze: true }).then(() => {
					frappe.show_alert({ message: __("Invitation sent to {0}.", [frm.doc.email]), indicator: "green" });
					frm.reload_doc();
				});
				if (again) {
					frappe.confirm(__("Send a new invitation to {0}? The link in the earlier one stops working.", [frm.doc.email]), send);
				} else {
					send();
				}
			});
		}
		if (frm.doc.membership_status === "Aktiv") {
			const [text, colour] = frm.doc.last_portal_login
				? [__("Logged in to the portal"), "green"]
				: frm.doc.invitation_sent_on ? [__("Invited, not logged in yet"), "orange"] : [__("Not invited to the portal"), "gray"];
			frm.dashboard.set_headline_alert(`<span class="indicator ${colour}">${text}</span>`);
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
