"""One line per research extract made (kdf_app.kdf_members.services.turnover.make_extract): who, when, the parameters and
what was released and suppressed. Written only by the app; nobody creates or edits one in the desk."""

import frappe
from frappe import _
from frappe.model.document import Document

from kdf_app.kdf_privacy.services.guard import app_write_allowed


class ResearchExtractLog(Document):
	def validate(self):
		if not self.is_new() or not app_write_allowed():
			frappe.throw(
				_("A research extract's log is written only when the extract is made, and never changed."),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
