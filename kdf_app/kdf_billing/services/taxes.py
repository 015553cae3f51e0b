"""Norwegian VAT in ERPNext: output VAT accounts, Item Tax Templates per rate and one Sales Taxes template."""

import frappe

RATES = {"25": "Utgående mva 25 %", "12": "Utgående mva 12 %"}
ITEM_TEMPLATES = {"25": "KDF mva 25 %", "12": "KDF mva 12 %", "0": "KDF mva fritatt"}
SALES_TEMPLATE = "KDF mva"


def _abbr(company: str) -> str:
	return frappe.get_cached_value("Company", company, "abbr")


def tax_account(company: str, rate: str) -> str:
	return f"{RATES[rate]} - {_abbr(company)}"


def item_tax_template(company: str, rate: str) -> str:
	return f"{ITEM_TEMPLATES[rate]} - {_abbr(company)}"


def sales_taxes_template(company: str) -> str:
	return f"{SALES_TEMPLATE} - {_abbr(company)}"


def ensure_tax_setup(company: str) -> None:
	"""Create (once) the accounts and templates a VAT-registered KDF invoices with."""
	parent = frappe.db.get_value(
		"Account", {"company": company, "is_group": 1, "account_name": "Duties and Taxes"}
	) or frappe.db.get_value("Account", {"company": company, "is_group": 1, "root_type": "Liability"})
	for rate, account_name in RATES.items():
		_create_once(
			"Account",
			tax_account(company, rate),
			{
				"account_name": account_name,
				"company": company,
				"parent_account": parent,
				"account_type": "Tax",
				"tax_rate": float(rate),
				"root_type": "Liability",
				"report_type": "Balance Sheet",
			},
		)
	for rate, title in ITEM_TEMPLATES.items():
		_create_once(
			"Item Tax Template",
			item_tax_template(company, rate),
			{
				"title": title,
				"company": company,
				"taxes": [
					{"tax_type": tax_account(company, r), "tax_rate": float(rate) if r == rate else 0}
					for r in RATES
				],
			},
		)
	_create_once(
		"Sales Taxes and Charges Template",
		sales_taxes_template(company),
		{
			"title": SALES_TEMPLATE,
			"company": company,
			"taxes": [
				{
					"charge_type": "On Net Total",
					"account_head": tax_account(company, r),
					"rate": 0,
					"description": f"Mva {r} %",
				}
				for r in RATES
			],
		},
	)


def _create_once(doctype: str, name: str, values: dict) -> None:
	"""Insert the record unless one by that name exists (ERPNext derives the name from the values)."""
	if not frappe.db.exists(doctype, name):
		frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
