frappe.listview_settings["Member"] = {
	add_fields: ["membership_status", "invitation_sent_on", "last_portal_login"],
	onload(listview) {
		if (!frappe.user.has_role(["KDF Sekretariat", "System Manager"])) return;
		listview.page.add_inner_button(__("Invite Members to the Portal"), () => kdf_invite_members());
	},
};

function kdf_invite_members() {
	const d = new frappe.ui.Dialog({
		title: __("Invite Members to the Portal"),
		fields: [
			{ fieldtype: "HTML", fieldname: "info",
			  options: `<p>${__("Every active member with an e-mail who has not logged in to the portal yet gets an e-mail in Norwegian with a link to set a password.")}</p>` },
			{ fieldtype: "Check", fieldname: "include_invited", label: __("Also send a new invitation to those invited earlier") },
		],
		primary_action_label: __("Send Invitations"),
		primary_action(values) {
			frappe.call({ method: "kdf_app.api.members.invite_members", args: values, freeze: true }).then((r) => {
				const m = r.message || {};
				d.hide();
				let html = m.queued
					? __("{0} invitations are being sent in the background.", [m.queued])
					: __("{0} invitations sent.", [(m.sent || []).length]);
				if ((m.failed || []).length) {
					html += "<br><br>" + __("Not sent:") + "<ul>" + m.failed.map((f) =>
						`<li>${frappe.utils.escape_html(f.member)}: ${frappe.utils.escape_html(f.reason)}</li>`).join("") + "</ul>";
				}
				frappe.msgprint({ title: __("Invitations"), message: html, indicator: (m.failed || []).length ? "orange" : "green" });
				cur_list && cur_list.refresh();
			});
		},
	});
	d.show();
}
