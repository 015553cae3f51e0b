from frappe.model.document import Document


class RegistrationPriceLine(Document):
	pass
