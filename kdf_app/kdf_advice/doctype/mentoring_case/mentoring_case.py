import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, today

from kdf_app.kdf_advice.core.cases import LOAD_STATUSES, check_transition, status_dates
from kdf_app.kdf_advice.services import case_vault
from kdf_app.kdf_advice.services import cases as service
from kdf_app.kdf_privacy.core.access import CASE_MANAGER_FIELDS, SEALED_FIELDS
from kdf_app.kdf_privacy.services.guard import protect
from kdf_app.permissions import is_case_manager
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw


class MentoringCase(Document):
	def validate(self):
		protect(self)
		before = self.get_doc_before_save()
		try:
			check_transition(before.status if before else None, self.status)
		except DomainError as e:
			throw(e)
		if before and not is_case_manager():
			for field in CASE_MANAGER_FIELDS:
				if field in SEALED_FIELDS[self.doctype]:
					changed = not case_vault.same_text(before.get(field), self.get(field))
				else:
					changed = self.get(field) != before.get(field)
				if changed:
					frappe.throw(
						_("Only a case manager can change {0}.").format(_(self.meta.get_label(field))),
						frappe.PermissionError,
					)
		if self.status in LOAD_STATUSES and not self.mentor:
			frappe.throw(_("Assign a mentor, adviser or lawyer first."))
		start, end = status_dates(
			self.status,
			self.start_date and getdate(self.start_date),
			self.end_date and getdate(self.end_date),
			getdate(today()),
		)
		self.start_date, self.end_date = start, end
		self.year = getdate(self.start_date or self.creation or today()).year
		case_vault.seal_document(self)  # last: what is stored is sealed

	def onload(self):
		"""The desk form (getdoc, and the form after a save) shows the text through the one read path."""
		if self.is_new():
			return
		try:
			self.set_onload("kdf_case_text", case_vault.read_case(self.name))
		except frappe.ValidationError as e:  # content that does not open: said, never shown
			self.set_onload("kdf_case_text", {"error": str(e)})
			frappe.clear_last_message()

	def on_update(self):
		before = self.get_doc_before_save()
		if self.mentor and (not before or before.mentor != self.mentor):
			service.notify_assigned(self)
		if before and before.status != self.status:
			service.notify_member(self)

	@frappe.whitelist()
	def suggest_mentors(self) -> dict:
		if not is_case_manager():
			frappe.throw(_("Only a case manager can match mentors."), frappe.PermissionError)
		return service.suggest_mentors(self.name)
