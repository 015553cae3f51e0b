// The session form: per organisation invoiced, paid and outstanding (kdf_app.api.payments.session_payments),
// for the secretariat, from ERPNext's invoices of the session.
frappe.ui.form.on("Topplederprogram Session", {
	refresh(frm) {
		if (frm.is_new() || !frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) return;
		frappe.call("kdf_app.api.payments.session_payments", { session: frm.doc.name }).then((r) => {
			const rows = r.message || [];
			if (!rows.length) return;
			const money = (v) => format_currency(v, "NOK", 0);
			const sum = (key) => rows.reduce((total, row) => total + row[key], 0);
			const body = rows
				.map(
					(row) => `<tr><td>${frappe.utils.escape_html(row.customer_name || row.customer)}</td>
					<td class="text-right">${money(row.invoiced)}</td><td class="text-right">${money(row.paid)}</td>
					<td class="text-right ${row.outstanding > 0 ? "text-danger" : ""}">${money(row.outstanding)}</td></tr>`
				)
				.join("");
			const html = `<table class="table table-sm kdf-session-payments"><thead><tr><th>${__("Organisation")}</th>
				<th class="text-right">${__("Invoiced")}</th><th class="text-right">${__("Paid")}</th>
				<th class="text-right">${__("Outstanding")}</th></tr></thead><tbody>${body}</tbody>
				<tfoot><tr><th>${__("Total")}</th><th class="text-right">${money(sum("invoiced"))}</th>
				<th class="text-right">${money(sum("paid"))}</th><th class="text-right">${money(sum("outstanding"))}</th></tr></tfoot></table>`;
			frm.dashboard.add_section(html, __("Invoiced and Paid per Organisation"));
		});
	},
});
