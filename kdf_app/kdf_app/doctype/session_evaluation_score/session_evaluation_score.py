from frappe.model.document import Document


class SessionEvaluationScore(Document):
	pass
