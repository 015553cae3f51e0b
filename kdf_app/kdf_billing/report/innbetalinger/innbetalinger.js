// Innbetalinger: the imported payments with what became of them. A suggestion is booked with one click
// (Confirm, secretariat only: kdf_app.api.payments.confirm_suggestion).
frappe.query_reports["Innbetalinger"] = {
	filters: [
		{ fieldname: "bank_file_import", label: __("Bank File Import"), fieldtype: "Link", options: "Bank File Import" },
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: ["", ...frappe.boot.kdf.status_order.bank_row].map((v) => ({
				value: v,
				label: v ? __(v) : "",
			})),
		},
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date" },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date" },
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "status_label" && data) {
			const B = frappe.boot.kdf.statuses.bank_row;
			const colour = { [B.matched]: "green", [B.confirmed]: "green", [B.suggested]: "orange", [B.unmatched]: "red" }[data.status] || "gray";
			value = `<span class="indicator-pill ${colour}">${value}</span>`;
			if (data.status === B.suggested && frappe.user.has_role(frappe.boot.kdf.role_groups.secretariat)) {
				value += ` <button class="btn btn-xs btn-primary kdf-confirm" data-log="${encodeURIComponent(data.bank_file_import)}" data-row="${encodeURIComponent(data.row)}">${__("Confirm")}</button>`;
			}
		}
		return value;
	},
	onload(report) {
		$(report.page.wrapper).on("click", ".kdf-confirm", function (e) {
			e.stopPropagation();
			const log = decodeURIComponent($(this).attr("data-log"));
			const row = decodeURIComponent($(this).attr("data-row"));
			frappe
				.call({ method: "kdf_app.api.payments.confirm_suggestion", args: { log, row }, freeze: true })
				.then((r) => {
					frappe.show_alert({ message: r.message.message, indicator: "green" });
					report.refresh();
				});
		});
	},
};
