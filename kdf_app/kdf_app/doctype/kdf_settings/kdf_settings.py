from frappe.model.document import Document


class KDFSettings(Document):
	pass
