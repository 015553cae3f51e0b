from frappe.model.document import Document


class CaseReadLog(Document):
	pass
