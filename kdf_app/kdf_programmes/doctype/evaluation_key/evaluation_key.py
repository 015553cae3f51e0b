"""The SHA-256 of an evaluation link's key, for one registration (kdf_app.kdf_programmes.services.evaluation)."""

from frappe.model.document import Document


class EvaluationKey(Document):
	pass
