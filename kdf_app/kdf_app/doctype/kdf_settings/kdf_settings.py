import frappe
from frappe import _
from frappe.model.document import Document

from kdf_app.kdf_members.core.research_extract import check_k
from kdf_app.kdf_privacy.services.guard import protect
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.core.numbers import validate_account_number, validate_org_number
from kdf_app.shared.services.errors import throw


class KDFSettings(Document):
	def validate(self):
		protect(self)  # the last dues batch's result is the app's to write
		try:
			if self.org_number:
				self.org_number = validate_org_number(self.org_number)
			if self.bank_account:
				self.bank_account = validate_account_number(self.bank_account)
			if self.research_k:  # empty: the default (kdf_app.kdf_members.services.turnover.settings_k)
				self.research_k = check_k(self.research_k)  # k-anonymity below 3 protects nobody
		except DomainError as e:
			throw(e)
		if self.email_sender and not frappe.db.get_value(
			"Email Account", self.email_sender, "enable_outgoing"
		):
			frappe.throw(
				_("{0} is not an outgoing e-mail account. Choose one from the list.").format(
					self.email_sender
				),
				title=_("Not valid"),
			)

	def on_update(self):
		from kdf_app.kdf_app.services.setup_status import sync_onboarding

		sync_onboarding()
