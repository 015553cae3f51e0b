from frappe.model.document import Document


class MemberPosition(Document):
	pass
