// The price lines' kind is stored as a code (fee, package, …) that invoicing reads; people read a label. Set on
// the docfield every grid and row copies, and on the copies made already.
function label_price_line_kinds() {
	const kinds = {
		fee: __("Participant Fee"),
		package: __("Stay Package"),
		extra_night: __("Extra Night"),
		combination_discount: __("Combination Discount"),
	};
	const formatter = (value) => frappe.utils.escape_html(kinds[value] || value || "");
	const base = (frappe.meta.docfield_map["Registration Price Line"] || {}).code;
	if (base) base.formatter = formatter;
	Object.values(frappe.meta.docfield_copy["Registration Price Line"] || {}).forEach((fields) => {
		if (fields.code) fields.code.formatter = formatter;
	});
}

frappe.ui.form.on("Registration", {
	setup(frm) {
		label_price_line_kinds();
		// a non-member is a Contact of the paying organisation, registered by a member of that organisation
		frm.set_query("contact", () => frm.doc.paying_organisation
			? {
				query: "frappe.contacts.doctype.contact.contact.contact_query",
				filters: { link_doctype: "Customer", link_name: frm.doc.paying_organisation },
			}
			: {});
		frm.set_query("registered_by", () => frm.doc.paying_organisation
			? { filters: { organisation: frm.doc.paying_organisation } }
			: {});
	},
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args) => frm.call(method, args).then(() => frm.reload_doc());
		const S = frappe.boot.kdf.statuses.registration;
		if ([S.confirmed, S.waitlisted].includes(frm.doc.status)) {
			frm.add_custom_button(__("Cancel Registration"), () =>
				frappe.confirm(__("Cancel this registration? The first on the waitlist gets the seat."), () =>
					call("cancel_registration")
				)
			);
		}
		if ([S.confirmed, S.attended, S.no_show].includes(frm.doc.status)) {
			frm.add_custom_button(__("Attended"), () => call("mark_attendance", { attended: 1 }), __("Attendance"));
			frm.add_custom_button(__("No-show"), () => call("mark_attendance", { attended: 0 }), __("Attendance"));
		}
	},
});
