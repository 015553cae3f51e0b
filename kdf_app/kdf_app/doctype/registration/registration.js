frappe.ui.form.on("Registration", {
	setup(frm) {
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
		if (["Bekreftet", "Venteliste"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Cancel Registration"), () =>
				frappe.confirm(__("Cancel this registration? The first on the waitlist gets the seat."), () =>
					call("cancel_registration")
				)
			);
		}
		if (["Bekreftet", "Deltok", "Ikke møtt"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Attended"), () => call("mark_attendance", { attended: 1 }), __("Attendance"));
			frm.add_custom_button(__("No-show"), () => call("mark_attendance", { attended: 0 }), __("Attendance"));
		}
	},
});
