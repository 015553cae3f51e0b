import frappe
from frappe import _
from frappe.model.naming import make_autoname
from frappe.utils import get_datetime
from frappe.website.website_generator import WebsiteGenerator

from kdf_app.services import registration
from kdf_app.services import sessions as service


class TopplederprogramSession(WebsiteGenerator):
	def autoname(self):
		# TLP-<year of the session>-001; WebsiteGenerator would name it after the title
		self.name = make_autoname(f"TLP-{get_datetime(self.starts_on).year}-.###", doc=self)

	def validate(self):
		if get_datetime(self.ends_on) <= get_datetime(self.starts_on):
			frappe.throw(_("The session must end after it starts."), title=_("Check the dates"))
		if get_datetime(self.registration_deadline) > get_datetime(self.starts_on):
			frappe.throw(
				_("The registration deadline must be before the session starts."), title=_("Check the dates")
			)
		service.check_capacity_and_status(self)
		if self.linked_session == self.name:
			frappe.throw(_("A session cannot be linked to itself."))
		packages = [r.stay_package for r in self.stay_packages]
		if len(packages) != len(set(packages)):
			frappe.throw(_("Each stay package can be offered only once per session."))
		self.route = self.route or f"topplederprogram/{self.name.lower()}"

	def on_update(self):
		super().on_update()
		self.clear_cache()
		if self.is_new():
			return
		if self.status == "Avlyst" and self.has_value_changed("status"):
			registration.cancel_for_session(self)  # everyone registered is cancelled and told
		elif self.has_value_changed("capacity"):
			registration.refresh_seats(self.name)  # new seats go to the waitlist, counts follow

	def get_context(self, context):
		service.web_context(self, context)
