"""One participant's answer to a session's evaluation; made only by kdf_app.kdf_programmes.services.evaluation."""

from frappe.model.document import Document


class SessionEvaluation(Document):
	pass
