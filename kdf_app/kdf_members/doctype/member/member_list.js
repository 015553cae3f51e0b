frappe.listview_settings["Member"] = {
	add_fields: ["membership_status", "invitation_sent_on", "last_portal_login"],
	onload(listview) {
		if (!frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		listview.page.add_inner_button(__("Invite Members to the Portal"), () => kdf_invite_members());
		listview.page.add_inner_button(__("Import Members"), () => kdf_import_members());
	},
};

// The member list from a spreadsheet (kdf_app.api.members.import_members): each member with their position
// history goes in as one unit; the result lists the members made and every refused row with its reason.
function kdf_import_members() {
	const e = frappe.utils.escape_html;
	const template = "/api/method/kdf_app.api.members.member_import_template";
	const d = new frappe.ui.Dialog({
		title: __("Import Members"),
		fields: [
			{ fieldtype: "HTML", fieldname: "info", options: `<p>${__("One row per position; a member's rows share the e-mail address. The row without an end date (to_date) is the current position, rows with an end date are the position history. Organisation: its organisation number or its name in the register.")}</p>
				<p>${__("A member goes in with all their rows, or not at all; members already in the register (same e-mail) are left as they are.")}</p>
				<p><a href="${template}" class="kdf-import-template">${__("Download the template (CSV)")}</a></p>` },
			{ fieldtype: "Attach", fieldname: "file", label: __("Spreadsheet (CSV or XLSX)"), reqd: 1,
			  options: { restrictions: { allowed_file_types: [".csv", ".xlsx"] }, allow_multiple: false } },
		],
		primary_action_label: __("Import"),
		primary_action(values) {
			frappe.call({
				method: "kdf_app.api.members.import_members",
				args: { file_url: values.file },
				freeze: true,
				freeze_message: __("Importing members…"),
			}).then((r) => {
				const m = r.message || {};
				d.hide();
				if (m.job) {
					kdf_follow_import(m.job, m.members);
				} else {
					kdf_show_import_result(m.result || {});
					cur_list && cur_list.refresh();
				}
			});
		},
	});
	d.show();

	// a larger file is imported by a background job: its progress as it happens (socket.io), then the same
	// result; the status is also asked for now and then, so a missed message or no socket.io loses nothing
	function kdf_follow_import(job, members) {
		const title = __("Importing members…");
		const show = (done, total) => frappe.show_progress(title, done, total, __("{0} of {1}", [done, total]));
		let finished = false, timer = null;
		show(0, members);
		const on_progress = (data) => {
			if (!data || data.job !== job || finished) return;
			if (data.finished) {
				clearTimeout(timer);
				poll();
			} else {
				show(data.done || 0, data.total || members);
			}
		};
		frappe.realtime.on("kdf_member_import", on_progress);
		const poll = () => frappe.call({
			method: "kdf_app.api.members.member_import_status", type: "GET", args: { job },
		}).then((r) => {
			const s = r.message || {};
			if (finished) return;
			if (!s.finished) {
				show(s.done || 0, s.total || members);
				timer = setTimeout(poll, 5000);
				return;
			}
			finished = true;
			frappe.realtime.off("kdf_member_import", on_progress);
			frappe.hide_progress();
			if (s.result.error) {
				frappe.msgprint({ title: __("Member Import"), message: e(s.result.error), indicator: "red" });
			} else {
				kdf_show_import_result(s.result);
			}
			cur_list && cur_list.refresh();
		}, () => frappe.hide_progress());
		timer = setTimeout(poll, 5000);
	}

	function kdf_show_import_result(m) {
		const created = m.created || [], rejected = m.rejected || [];
		const lines = (l) => l.join(", ");
		let html = `<p class="kdf-import-summary">${__("{0} members imported, {1} rows refused.", [created.length, rejected.length])}</p>`;
		if (created.length) {
			html += `<h5>${__("Imported")}</h5><table class="table table-bordered table-sm kdf-import-created"><thead><tr>
				<th>${__("Line")}</th><th>${__("Member")}</th><th>${__("E-mail")}</th><th>${__("Positions")}</th></tr></thead><tbody>`
				+ created.map((c) => `<tr><td>${e(lines(c.lines))}</td>
					<td><a href="/app/member/${encodeURIComponent(c.member)}">${e(c.member_name)}</a> (${e(c.member)})</td>
					<td>${e(c.email)}</td><td>${c.positions}</td></tr>`).join("") + "</tbody></table>";
		}
		if (rejected.length) {
			html += `<h5>${__("Refused rows")}</h5><table class="table table-bordered table-sm kdf-import-rejected"><thead><tr>
				<th>${__("Line")}</th><th>${__("Name")}</th><th>${__("E-mail")}</th>
				<th>${__("Reason (bokmål)")}</th><th>${__("Reason (English)")}</th></tr></thead><tbody>`
				+ rejected.map((r) => `<tr><td>${r.line}</td><td>${e(`${r.values.first_name} ${r.values.last_name}`)}</td>
					<td>${e(r.values.email)}</td><td>${e(r.reason_nb)}</td><td>${e(r.reason_en)}</td></tr>`).join("")
				+ "</tbody></table>";
		}
		const result = new frappe.ui.Dialog({
			title: __("Member Import"),
			size: "extra-large",
			fields: [{ fieldtype: "HTML", fieldname: "result", options: html }],
		});
		if (rejected.length) {
			// the refused rows with their reasons, to correct and import again (the reason columns are ignored then)
			result.set_primary_action(__("Download Refused Rows"), () => {
				const columns = Object.keys(rejected[0].values);
				const rows = [["line", ...columns, "reason_nb", "reason_en"]].concat(
					rejected.map((r) => [r.line, ...columns.map((c) => r.values[c]), r.reason_nb, r.reason_en]));
				frappe.tools.downloadify(rows, null, "kdf-medlemmer-avvist");
			});
		}
		result.show();
	}
}

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
