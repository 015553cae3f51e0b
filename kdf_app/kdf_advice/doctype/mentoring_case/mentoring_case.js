// Case content is stored sealed; the server sends the text in __onload.kdf_case_text (kdf_app.kdf_advice.services.case_vault
// .read_case: need to know, logged). Only sealed values are replaced, so nothing the user typed is overwritten.
const SEALED = "kdf:v1:";
const sealed = (v) => typeof v === "string" && v.startsWith(SEALED);

function show_case_text(frm) {
	const text = (frm.doc.__onload || {}).kdf_case_text;
	if (!text) return;
	if (text.error) {
		["request", "closing_summary"].forEach((f) => frm.set_df_property(f, "hidden", 1));
		frm.fields_dict.meetings && frm.fields_dict.meetings.grid.update_docfield_property("notes", "hidden", 1);
		frm.dashboard.set_headline_alert(frappe.utils.escape_html(text.error), "red");
		return;
	}
	["request", "closing_summary"].forEach((f) => {
		if (sealed(frm.doc[f]) && text[f] !== undefined) frm.doc[f] = text[f];
	});
	(frm.doc.meetings || []).forEach((row) => {
		const m = (text.meetings || {})[row.name];
		if (m && sealed(row.notes)) row.notes = m.notes;
	});
	frm.refresh_fields();
}

function attachment_links(frm) {
	const files = (frm.get_docinfo() || {}).attachments || [];
	if (!files.length) return;
	const links = files.map((f) => `<li><a target="_blank" href="/api/method/kdf_app.api.cases.attachment?name=${encodeURIComponent(f.name)}">${frappe.utils.escape_html(f.file_name)}</a></li>`).join("");
	frm.dashboard.add_comment(`${__("Attachments are stored sealed; open them here")}: <ul>${links}</ul>`, "blue", true);
}

frappe.ui.form.on("Mentoring Case", {
	refresh(frm) {
		show_case_text(frm);
		if (!frm.is_new()) attachment_links(frm);
		if (frm.is_new() || !frappe.user.has_role(frappe.boot.kdf.roles.case_manager)) return;
		frm.add_custom_button(__("Suggest Mentors"), () =>
			frm.call("suggest_mentors").then((r) => {
				const m = r.message;
				const ok = m.suggested.map((s) => `<li><a href="#" data-mentor="${s.mentor}">${s.mentor}</a> — ${__("free capacity")}: ${s.free_capacity}${s.same_region ? ", " + __("same region") : ""}</li>`).join("");
				const no = m.excluded.map((e) => `<li>${e.mentor}: ${e.reasons.join(", ")}</li>`).join("");
				const d = frappe.msgprint({ title: __("Suggested Mentors"), indicator: "blue",
					message: `<ul>${ok || "<li>" + __("No mentor is free of conflicts.") + "</li>"}</ul><p>${__("Excluded")}:</p><ul>${no}</ul>` });
				d.$wrapper.find("a[data-mentor]").on("click", (e) => {
					e.preventDefault();
					frm.set_value("mentor", $(e.currentTarget).data("mentor"));
					d.hide();
				});
			})
		);
	},
});
