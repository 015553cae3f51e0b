"""One import of a bank file (camt.054/camt.053): what it held and what became of each payment
(kdf_app.kdf_billing.services.bank_import). Written only by the import; nobody creates or edits it in the desk."""

from frappe.model.document import Document


class BankFileImport(Document):
	pass
