// A credit note of a KDF invoice keeps the original's taxes and settles it (kdf_app.kdf_billing.services.returns, which
// the server enforces). In the desk, ERPNext's form applies the company's default tax template when a new
// document's company is set, also to a return mapped from an invoice without taxes; a new return keeps what
// ERPNext mapped from the invoice it credits instead.
frappe.provide("kdf_app");
kdf_app.is_kdf_return = (doc) => Boolean(doc.is_return && doc.return_against
	&& (doc.kdf_session || (doc.items || []).some((i) => i.kdf_member || i.kdf_registration)));

frappe.ui.form.on("Sales Invoice", {
	setup(frm) {
		const erpnext_apply_default_taxes = frm.cscript.apply_default_taxes;
		if (!erpnext_apply_default_taxes || frm.cscript.kdf_keeps_return_taxes) return;
		frm.cscript.kdf_keeps_return_taxes = true;
		frm.cscript.apply_default_taxes = function (...args) {
			if (this.frm.is_new() && kdf_app.is_kdf_return(this.frm.doc)) return;
			return erpnext_apply_default_taxes.apply(this, args);
		};
	},
	onload(frm) {
		if (frm.is_new() && kdf_app.is_kdf_return(frm.doc) && frm.doc.update_outstanding_for_self) {
			frm.set_value("update_outstanding_for_self", 0);  // settle the invoice it credits
		}
	},
	refresh(frm) {
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			// say before submit what would make this invoice's EHF fail (submit is refused then)
			frappe.call({ method: "kdf_app.custom.sales_invoice.ehf_problems", args: { invoice: frm.doc.name } })
				.then(({ message }) => {
					if (!message || !message.length) return;
					const items = message.map((m) => `<li>${frappe.utils.escape_html(m)}</li>`).join("");
					frm.set_intro(`${__("EHF would fail")}:<ul>${items}</ul>`, "red");
				});
		}
		if (frm.doc.docstatus === 1 && frm.doc.kdf_ehf_status === frappe.boot.kdf.statuses.delivery.failed && frm.doc.kdf_ehf_message) {
			// the Delivery section is on the first tab; a failure also says so at the top
			frm.set_intro(`${__("Delivery failed")}: ${frappe.utils.escape_html(frm.doc.kdf_ehf_message)}`, "red");
		}
		if (frm.doc.docstatus !== 1 || !frm.doc.kdf_ehf_status) return;
		if (frm.doc.kdf_ehf_status === frappe.boot.kdf.statuses.delivery.retrying && frm.doc.kdf_ehf_next_try) {
			// a failed send waiting for its next try (kdf_app.kdf_billing.core.delivery)
			frm.set_intro(__("Sending failed {0} times; the next try is at {1}.", [frm.doc.kdf_ehf_attempts,
				frappe.datetime.str_to_user(frm.doc.kdf_ehf_next_try)]), "orange");
		}
		frm.add_custom_button(__("Resend"), () =>
			frappe.call({ method: "kdf_app.custom.sales_invoice.resend_ehf", args: { invoice: frm.doc.name } })
				.then(() => frm.reload_doc())
		, __("Delivery"));
		frm.add_custom_button(__("Download EHF"), () => {
			frappe.db.get_value("File", { attached_to_doctype: "Sales Invoice", attached_to_name: frm.doc.name,
				file_name: ["like", "%.xml"] }, "file_url").then((r) => {
				if (r.message && r.message.file_url) window.open(r.message.file_url);
				else frappe.msgprint(__("No EHF file is attached."));
			});
		}, __("Delivery"));
	},
});
