frappe.ui.form.on("Topplederprogram Session", {
	status(frm) {
		if (frm.is_new() || frm.doc.status !== "Avlyst") return;
		const live = (frm.doc.confirmed_count || 0) + (frm.doc.waitlist_count || 0);
		frappe.msgprint({
			title: __("Cancel the session?"),
			indicator: "red",
			message: __("When you save, all {0} confirmed and waitlisted registrations are cancelled and each participant gets an e-mail with your reason. This cannot be undone.", [live]),
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Registrations"), () =>
			frappe.set_route("List", "Registration", { session: frm.doc.name })
		, __("View"));
		frm.add_custom_button(__("Participant List"), () =>
			frappe.set_route("query-report", "Session Participants", { session: frm.doc.name })
		, __("View"));
		frm.add_custom_button(__("Topics"), () =>
			frappe.set_route("query-report", "Session Topics", { session: frm.doc.name })
		, __("View"));
		if (frm.doc.evaluation_days) {
			frm.add_custom_button(__("Evaluation Results"), () =>
				frappe.set_route("query-report", "Session Evaluation Results", { session: frm.doc.name })
			, __("View"));
		}
		if (frm.doc.evaluation_days && frm.doc.status !== "Avlyst" && frm.doc.ends_on
			&& frappe.datetime.str_to_obj(frm.doc.ends_on) <= new Date()) {
			frm.add_custom_button(__("Send Evaluation Now"), () =>
				frappe.confirm(__("Send the evaluation link now to those who attended and have not had it yet?"), () =>
					frappe.call({ method: "kdf_app.api.evaluation.send_now", args: { session: frm.doc.name } })
						.then((r) => frappe.show_alert({
							message: __("Evaluation link sent to {0} participants.", [r.message.sent]), indicator: "green",
						}, 8))
				)
			);
		}
		if (frm.doc.route) {  // unpublished or draft: a preview only the secretariat sees
			frm.add_custom_button(__("Web Page"), () => window.open("/" + frm.doc.route), __("View"));
		}
		if (["Gjennomført", "Påmelding stengt"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Create Invoices"), () =>
				frappe.call({ method: "kdf_app.api.invoicing.create_session_invoices", args: { session: frm.doc.name } })
					.then(() => frappe.show_alert({
						message: __("Invoicing started in the background; the progress shows here and you get a message when it is done."),
						indicator: "blue",
					}, 10))
			);
		}
		frm.add_custom_button(__("Name Badges"), () =>
			window.open(`/printview?doctype=${encodeURIComponent(frm.doc.doctype)}&name=${encodeURIComponent(frm.doc.name)}&format=Navneskilt&no_letterhead=1`)
		, __("View"));
		if (["Åpen for påmelding", "Full", "Påmelding stengt"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Register a Group"), () => register_group_dialog(frm));
		}
		render_participants_overview(frm);
		frm.dashboard.add_indicator(__("Confirmed: {0}", [frm.doc.confirmed_count || 0]), "green");
		frm.dashboard.add_indicator(__("Waitlisted: {0}", [frm.doc.waitlist_count || 0]), "orange");
		frm.dashboard.add_indicator(__("Free seats: {0}", [frm.doc.free_seats ?? frm.doc.capacity]), "blue");
	},
});

frappe.ui.form.on("Session Stay Package", {
	stay_package(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (row.stay_package && !row.price) {
			frappe.db.get_value("Stay Package", row.stay_package, "price").then((r) =>
				frappe.model.set_value(cdt, cdn, "price", r.message.price)
			);
		}
	},
});

// Participants by organisation (members and non-members), under the session's "Participants by Organisation"
function render_participants_overview(frm) {
	const field = frm.get_field("participants_overview");
	if (!field) return;
	frappe.call({ method: "kdf_app.api.sessions.participants_by_organisation", args: { session: frm.doc.name } })
		.then((r) => {
			const esc = frappe.utils.escape_html;
			const groups = r.message || [];
			if (!groups.length) {
				field.$wrapper.html(`<p class="text-muted">${esc(__("No participants yet."))}</p>`);
				return;
			}
			const html = groups.map((g) => `
				<h5 style="margin-top:12px">${esc(g.organisation_name || "")} (${g.participants.length})</h5>
				<table class="table table-bordered table-condensed"><tbody>
				${g.participants.map((p) => `<tr>
					<td><a href="/app/registration/${encodeURIComponent(p.name)}">${esc(p.participant_name || "")}</a></td>
					<td>${esc(p.participant_title || "")}</td>
					<td>${esc(p.participant_type === "Kontakt" ? __("Non-member") : __("Member"))}</td>
					<td>${esc(p.status)}${p.status === "Venteliste" ? " " + esc(String(p.waitlist_position || "")) : ""}</td>
				</tr>`).join("")}
				</tbody></table>`).join("");
			field.$wrapper.html(html);
		});
}

// The secretariat registers a member's group (the member and/or colleagues of their organisation)
function register_group_dialog(frm) {
	const d = new frappe.ui.Dialog({
		title: __("Register a Group"),
		fields: [
			{ fieldname: "member", fieldtype: "Link", options: "Member", label: __("Registered By"), reqd: 1 },
			{ fieldname: "include_member", fieldtype: "Check", label: __("The member attends too") },
			{ fieldname: "invoice_reference", fieldtype: "Data", label: __("Invoice Reference") },
			{
				fieldname: "participants", fieldtype: "Table", label: __("Colleagues"), in_place_edit: true,
				fields: [
					// not "name": a dialog table's rows have their own name ("row 1"), which the field would show
					{ fieldname: "participant_name", fieldtype: "Data", label: __("Name"), in_list_view: 1, reqd: 1 },
					{ fieldname: "title", fieldtype: "Data", label: __("Title"), in_list_view: 1 },
					{ fieldname: "email", fieldtype: "Data", options: "Email", label: __("E-mail"), in_list_view: 1, reqd: 1 },
					{ fieldname: "mobile", fieldtype: "Data", label: __("Mobile"), in_list_view: 1 },
					{ fieldname: "dietary_needs", fieldtype: "Small Text", label: __("Dietary Needs / Allergies") },
				],
			},
		],
		primary_action_label: __("Register the Group"),
		primary_action(values) {
			const participants = (values.participants || []).map((r) => ({
				name: r.participant_name, title: r.title, email: r.email, mobile: r.mobile, dietary_needs: r.dietary_needs,
			}));
			frappe.call({
				method: "kdf_app.api.registration.register_group_for",
				type: "POST",
				args: {
					session: frm.doc.name, member: values.member, include_member: values.include_member ? 1 : 0,
					invoice_reference: values.invoice_reference, participants: JSON.stringify(participants),
				},
				freeze: true,
			}).then((r) => {
				d.hide();
				const esc = frappe.utils.escape_html;
				const m = r.message;
				frappe.msgprint({
					title: __("Group registered"),
					indicator: m.waitlisted ? "orange" : "green",
					message: `<p>${esc(m.message)}</p><ul>${m.participants.map((p) =>
						`<li>${esc(p.name)}: ${esc(p.status)}${p.waitlist_position ? " " + esc(String(p.waitlist_position)) : ""}</li>`).join("")}</ul>`,
				});
				frm.reload_doc();
			});
		},
	});
	d.show();
}
