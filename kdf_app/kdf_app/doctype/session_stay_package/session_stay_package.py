from frappe.model.document import Document


class SessionStayPackage(Document):
	pass
