from frappe.model.document import Document


class CaseMeeting(Document):
	pass
