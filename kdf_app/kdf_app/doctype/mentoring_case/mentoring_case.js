frappe.ui.form.on("Mentoring Case", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role("KDF Saksbehandler")) return;
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
