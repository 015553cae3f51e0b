"""One line per run of the retention job and per member it anonymised (kdf_app.kdf_privacy.services.retention).

Written only by the job; nobody creates or edits it in the desk."""

from frappe.model.document import Document


class RetentionLog(Document):
	pass
