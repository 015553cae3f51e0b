"""One payment of an imported bank file, with what became of it and why."""

from frappe.model.document import Document


class BankFileImportRow(Document):
	pass
