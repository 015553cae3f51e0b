// The anonymised research extract (kdf_app.api.research.make_extract), for the role KDF Forskningsuttrekk:
// loaded with frappe.require by the report Tenure and Turnover and the Research Extract Log list.
window.kdf_research_extract = function (defaults) {
	defaults = defaults || {};
	const year = new Date().getFullYear();
	const d = new frappe.ui.Dialog({
		title: __("Research Extract"),
		fields: [
			{
				fieldtype: "HTML",
				options: `<p class="text-muted">${__(
					"Anonymised tenures of the members who consented to research use: every combination of start, end, county, kind and reason holds at least k people (k in KDF Settings). The extract is logged; nothing of it is kept on the server."
				)}</p>`,
			},
			{ fieldname: "from_year", label: __("From Year"), fieldtype: "Int", reqd: 1, default: defaults.from_year || year - 10 },
			{ fieldname: "to_year", label: __("To Year"), fieldtype: "Int", reqd: 1, default: defaults.to_year || year - 1 },
			{
				fieldname: "granularity",
				label: __("Precision of Dates"),
				fieldtype: "Select",
				options: [
					{ value: "year", label: __("Year") },
					{ value: "half-year", label: __("Half-year") },
				],
				default: "year",
			},
		],
		primary_action_label: __("Make Extract"),
		primary_action(values) {
			frappe
				.call({ method: "kdf_app.api.research.make_extract", args: values, type: "POST", freeze: true })
				.then((r) => {
					const bytes = Uint8Array.from(atob(r.message.content), (c) => c.charCodeAt(0));
					const url = URL.createObjectURL(new Blob([bytes], { type: "application/zip" }));
					const a = document.createElement("a");
					a.href = url;
					a.download = r.message.filename;
					document.body.appendChild(a);
					a.click();
					a.remove();
					setTimeout(() => URL.revokeObjectURL(url), 10000);
					d.hide();
					frappe.msgprint({ title: __("Research Extract"), message: frappe.utils.escape_html(r.message.message), indicator: "green" });
				});
		},
	});
	d.show();
	return d;
};
