"""KDF's own Bank Account in ERPNext: the one the bank's files are imported to (KDF Settings), made from the
settings' account number the first time, with its ledger account under the company's bank accounts."""

import frappe

from kdf_app.kdf_billing.core import bank_file
from kdf_app.shared.services.settings import get_settings, require


def kdf_bank_account() -> str:
	"""ERPNext's Bank Account of KDF (KDF Settings), made from the settings' account number when empty: a
	company account with its own ledger account under the company's bank accounts."""
	settings = get_settings()
	if settings.kdf_bank_account:
		return settings.kdf_bank_account
	require(settings, "company", "bank_account")
	number = bank_file.bban(settings.bank_account)
	name = frappe.db.get_value(
		"Bank Account", {"is_company_account": 1, "company": settings.company, "bank_account_no": number}
	)
	if not name:
		name = make_bank_account(settings.company, number)
	frappe.db.set_single_value("KDF Settings", "kdf_bank_account", name)
	frappe.clear_document_cache("KDF Settings", "KDF Settings")
	return name


def make_bank_account(company: str, number: str) -> str:
	bank = "KDF Bank"
	if not frappe.db.exists("Bank", bank):
		frappe.get_doc({"doctype": "Bank", "bank_name": bank}).insert(ignore_permissions=True)
	abbr = frappe.get_cached_value("Company", company, "abbr")
	account = f"{number} - {abbr}"
	if not frappe.db.exists("Account", account):
		parent = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Bank", "is_group": 1}
		) or frappe.db.get_value(
			"Account",
			{"company": company, "root_type": "Asset", "is_group": 1, "parent_account": ("is", "set")},
		)
		account = (
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": number,
					"company": company,
					"parent_account": parent,
					"account_type": "Bank",
					"account_currency": bank_file.CURRENCY,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	return (
		frappe.get_doc(
			{
				"doctype": "Bank Account",
				"account_name": f"{abbr} {number}",  # the name is "<account name> - <bank>": one per company and number
				"bank": bank,
				"account": account,
				"is_company_account": 1,
				"is_default": 1,
				"company": company,
				"bank_account_no": number,
				"iban": bank_file.iban(number),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def own_account(bank_account: str) -> str:
	"""The account number (or IBAN) a bank file must be for."""
	number, iban = frappe.db.get_value("Bank Account", bank_account, ["bank_account_no", "iban"])
	return number or iban or ""
