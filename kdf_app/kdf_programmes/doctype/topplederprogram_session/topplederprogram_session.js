frappe.ui.form.on("Topplederprogram Session", {
	setup(frm) {
		// a background invoicing run that ends shows its result on the session (kdf_app.shared.services.jobs)
		frappe.realtime.on("kdf_invoicing_done", (data) => {
			if (data && frm.doc && data.name === frm.doc.name && !frm.is_dirty()) frm.reload_doc();
		});
	},
	status(frm) {
		if (frm.is_new() || frm.doc.status !== frappe.boot.kdf.statuses.session.cancelled) return;
		const live = (frm.doc.confirmed_count || 0) + (frm.doc.waitlist_count || 0);
		frappe.msgprint({
			title: __("Cancel the session?"),
			indicator: "red",
			message: __("When you save, all {0} confirmed and waitlisted registrations are cancelled and each participant gets an e-mail with your reason. This cannot be undone.", [live]),
		});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		const S = frappe.boot.kdf.statuses.session;
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
		if (frm.doc.evaluation_days && frm.doc.status !== S.cancelled && frm.doc.ends_on
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
		if ([S.held, S.closed].includes(frm.doc.status)) {
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
		if ([S.open, S.full, S.closed].includes(frm.doc.status)) {
			frm.add_custom_button(__("Register a Group"), () => register_group_dialog(frm));
		}
		render_participants_overview(frm);
		show_invoicing(frm);
		frm.dashboard.add_indicator(__("Confirmed: {0}", [frm.doc.confirmed_count || 0]), "green");
		frm.dashboard.add_indicator(__("Waitlisted: {0}", [frm.doc.waitlist_count || 0]), "orange");
		frm.dashboard.add_indicator(__("Free seats: {0}", [frm.doc.free_seats ?? frm.doc.capacity]), "blue");
	},
});

// What the last Create Invoices did, from the session's Invoicing fields: an indicator, and the held invoices
// with their reasons at the top, so the secretariat sees them after the message is gone.
function show_invoicing(frm) {
	const status = frm.doc.invoicing_status;
	if (!status) return;
	const esc = frappe.utils.escape_html;
	const I = frappe.boot.kdf.statuses.invoicing;
	if ([I.queued, I.running].includes(status)) {
		frm.dashboard.add_indicator(__("Invoicing: {0}", [__(status)]), "blue");
		return;
	}
	const held = frm.doc.invoices_held || 0;
	frm.dashboard.add_indicator(__("Invoicing: {0}", [__(status)]), status === I.stopped ? "red" : held ? "orange" : "green");
	if (held) frm.dashboard.add_indicator(__("Held: {0}", [held]), "orange");
	if (status === I.stopped || held) {
		frm.set_intro(esc(frm.doc.invoicing_result || "").replace(/\n/g, "<br>"), status === I.stopped ? "red" : "orange");
	}
	frm.add_custom_button(__("Invoices"), () =>
		frappe.set_route("List", "Sales Invoice", { kdf_session: frm.doc.name })
	, __("View"));
}

// What a stay package includes belongs to the session: choosing a package proposes its price, nights and a
// dinner on the first day; the text is written from the session's dates (kdf_app.kdf_programmes.core.stay) and follows them as
// long as the secretariat has not written their own.
frappe.ui.form.on("Session Stay Package", {
	stay_package(frm, cdt, cdn) {
		const row = locals[cdt][cdn];
		if (!row.stay_package) return;
		frappe.db.get_value("Stay Package", row.stay_package, ["price", "nights"]).then(({ message: p }) => {
			const values = {};
			if (!row.price) values.price = p.price;
			if (!row.nights) values.nights = p.nights || 0;
			if (!row.dinner_on && frm.doc.starts_on) values.dinner_on = frm.doc.starts_on.slice(0, 10);
			return frappe.model.set_value(cdt, cdn, values).then(() => propose_includes(frm, [row]));
		});
	},
	nights(frm, cdt, cdn) { propose_includes(frm, [locals[cdt][cdn]]); },
	dinner_on(frm, cdt, cdn) { propose_includes(frm, [locals[cdt][cdn]]); },
});

frappe.ui.form.on("Topplederprogram Session", {
	onload_post_render(frm) { remember_includes(frm); },
	starts_on(frm) {
		// the dinner keeps its day within the session when the session moves
		const before = frm.__kdf_starts, now = frm.doc.starts_on && frm.doc.starts_on.slice(0, 10);
		if (before && now && before !== now) {
			const shift = frappe.datetime.get_day_diff(now, before);
			(frm.doc.stay_packages || []).forEach((r) => {
				if (r.dinner_on) r.dinner_on = frappe.datetime.add_days(r.dinner_on, shift);
			});
		}
		frm.__kdf_starts = now;
		propose_includes(frm, frm.doc.stay_packages || []);
	},
	ends_on(frm) { propose_includes(frm, frm.doc.stay_packages || []); },
});

function package_text(frm, row) {
	if (!frm.doc.starts_on || !row.stay_package) return Promise.resolve(null);
	return frappe.xcall("kdf_app.api.sessions.package_includes", {
		starts_on: frm.doc.starts_on, ends_on: frm.doc.ends_on, nights: row.nights || 0, dinner_on: row.dinner_on,
	});
}

// the texts the rows would be given now: a row still showing one of them has no text of the secretariat's own
function remember_includes(frm) {
	frm.__kdf_starts = frm.doc.starts_on && frm.doc.starts_on.slice(0, 10);
	frm.__kdf_texts = {};
	(frm.doc.stay_packages || []).forEach((row) =>
		package_text(frm, row).then((text) => { if (text) frm.__kdf_texts[row.name] = text; })
	);
}

function propose_includes(frm, rows) {
	frm.__kdf_texts = frm.__kdf_texts || {};
	return Promise.all(rows.map((row) => package_text(frm, row).then((text) => {
		if (!text) return;
		const own = (row.includes || "").trim() && row.includes !== frm.__kdf_texts[row.name];
		frm.__kdf_texts[row.name] = text;
		if (!own && row.includes !== text) return frappe.model.set_value(row.doctype, row.name, "includes", text);
	}))).then(() => frm.refresh_field("stay_packages"));
}

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
					<td>${esc(p.participant_type === frappe.boot.kdf.statuses.participant_type.contact ? __("Non-member") : __("Member"))}</td>
					<td>${esc(p.status)}${p.status === frappe.boot.kdf.statuses.registration.waitlisted ? " " + esc(String(p.waitlist_position || "")) : ""}</td>
				</tr>`).join("")}
				</tbody></table>`).join("");
			field.$wrapper.html(html);
		});
}

// The secretariat registers a member's group (the member and/or colleagues of their organisation), each with
// their own stay package, extra night and dietary needs, by the portal's path (kdf_app.api.registration).
// Every row is sent: one left half-filled or empty is refused by the server with its number, never dropped.
function register_group_dialog(frm) {
	const packages = (frm.doc.stay_packages || []).map((p) => p.stay_package);
	const package_options = [{ value: "", label: __("No stay package") }, ...packages.map((p) => ({ value: p, label: p }))];
	const extra = !!frm.doc.extra_night_price;
	const d = new frappe.ui.Dialog({
		title: __("Register a Group"),
		size: "extra-large",
		fields: [
			{ fieldname: "member", fieldtype: "Link", options: "Member", label: __("Registered By"), reqd: 1 },
			{ fieldname: "invoice_reference", fieldtype: "Data", label: __("Invoice Reference") },
			{ fieldtype: "Column Break" },
			{ fieldname: "include_member", fieldtype: "Check", label: __("The member attends too") },
			{ fieldname: "stay_package", fieldtype: "Select", label: __("The Member's Stay Package"),
			  options: package_options, depends_on: "include_member" },
			{ fieldname: "extra_night", fieldtype: "Check", label: __("Extra Night Before"), depends_on: "include_member", hidden: !extra },
			{ fieldname: "dietary_needs", fieldtype: "Small Text", label: __("The Member's Dietary Needs / Allergies"), depends_on: "include_member" },
			{ fieldtype: "Section Break" },
			{
				fieldname: "participants", fieldtype: "Table", label: __("Colleagues"), in_place_edit: true,
				fields: [
					// not "name": a dialog table's rows have their own name ("row 1"), which the field would show
					{ fieldname: "participant_name", fieldtype: "Data", label: __("Name"), in_list_view: 1, reqd: 1, columns: 2 },
					{ fieldname: "email", fieldtype: "Data", options: "Email", label: __("E-mail"), in_list_view: 1, reqd: 1, columns: 2 },
					{ fieldname: "title", fieldtype: "Data", label: __("Title"), in_list_view: 1, columns: 1 },
					{ fieldname: "stay_package", fieldtype: "Select", label: __("Stay Package"), options: package_options,
					  in_list_view: 1, columns: 2 },
					{ fieldname: "extra_night", fieldtype: "Check", label: __("Extra Night Before"), in_list_view: extra ? 1 : 0,
					  hidden: !extra, columns: 1 },
					{ fieldname: "dietary_needs", fieldtype: "Data", label: __("Dietary Needs / Allergies"), in_list_view: 1, columns: 2 },
					{ fieldname: "mobile", fieldtype: "Data", label: __("Mobile") },
				],
			},
		],
		primary_action_label: __("Register the Group"),
		primary_action(values) {
			const participants = (values.participants || []).map((r) => ({
				name: r.participant_name || "", title: r.title || "", email: r.email || "", mobile: r.mobile || "",
				stay_package: r.stay_package || null, extra_night: r.extra_night ? 1 : 0, dietary_needs: r.dietary_needs || "",
			}));
			frappe.call({
				method: "kdf_app.api.registration.register_group_for",
				type: "POST",
				args: {
					session: frm.doc.name, member: values.member, include_member: values.include_member ? 1 : 0,
					invoice_reference: values.invoice_reference, participants: JSON.stringify(participants),
					stay_package: values.include_member ? values.stay_package || null : null,
					extra_night: values.include_member && values.extra_night ? 1 : 0,
					dietary_needs: values.include_member ? values.dietary_needs || null : null,
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
