from frappe.model.document import Document


class Mentor(Document):
	pass
