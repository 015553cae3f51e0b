// A change confirmed ahead of its date: the position opens on its first day (the daily job moves the member then).
function show_coming_change(frm) {
	const today = frappe.datetime.get_today();
	const rows = frm.doc.positions || [];
	const coming = rows.filter((r) => r.from_date > today).sort((a, b) => (a.from_date < b.from_date ? -1 : 1))[0];
	const held = rows.find((r) => r.from_date <= today && (!r.to_date || r.to_date >= today));
	const lines = [];
	if (held && held.to_date) {
		lines.push(__("Last day in the current position: {0}.", [frappe.datetime.str_to_user(held.to_date)]));
	}
	if (coming) {
		lines.push(__("From {0}: {1}, {2}. Until then the current position holds.", [
			frappe.datetime.str_to_user(coming.from_date), coming.title, coming.organisation,
		].map((v) => frappe.utils.escape_html(v || ""))));
	}
	frm.set_intro(lines.length ? lines.join(" ") : "", "blue");
}

frappe.ui.form.on("Member", {
	refresh(frm) {
		// the messages below are added to the form's; a form refreshed twice (a new member's first save) showed
		// each twice ("Not invited to the portal")
		frm.dashboard.clear_headline();
		if (frm.is_new()) return;
		show_coming_change(frm);
		if (frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat) && frm.doc.membership_status === frappe.boot.kdf.statuses.member.active) {
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
		if (frm.doc.membership_status === frappe.boot.kdf.statuses.member.active) {
			const [text, colour] = frm.doc.last_portal_login
				? [__("Logged in to the portal"), "green"]
				: frm.doc.invitation_sent_on ? [__("Invited, not logged in yet"), "orange"] : [__("Not invited to the portal"), "gray"];
			frm.dashboard.set_headline_alert(`<span class="indicator ${colour}">${text}</span>`);
		}
		if (frm.doc.research_consent && frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) {
			// only ever to no: a yes is the member's own (Min profil, the application)
			frm.add_custom_button(__("Withdraw Research Consent"), () => {
				frappe.confirm(__("Record that {0} withdraws their consent to research use?", [frappe.utils.escape_html(frm.doc.member_name)]), () =>
					frm.call({ doc: frm.doc, method: "withdraw_research_consent", freeze: true }).then(() => frm.reload_doc())
				);
			}, __("Privacy"));
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
