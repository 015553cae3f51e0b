from frappe.model.document import Document


class SessionAgendaItem(Document):
	pass
