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
