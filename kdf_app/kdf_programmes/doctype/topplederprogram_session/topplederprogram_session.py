from frappe.model.naming import make_autoname
from frappe.utils import get_datetime
from frappe.website.website_generator import WebsiteGenerator

from kdf_app.kdf_privacy.services.guard import protect
from kdf_app.kdf_programmes.core.sessions import CANCELLED
from kdf_app.kdf_programmes.services import sessions as service
from kdf_app.kdf_programmes.services import stay
from kdf_app.kdf_programmes.services.registration import cancellation, seats


class TopplederprogramSession(WebsiteGenerator):
	def autoname(self):
		# TLP-<year of the session>-001; WebsiteGenerator would name it after the title
		self.name = make_autoname(f"TLP-{get_datetime(self.starts_on).year}-.###", doc=self)

	def validate(self):
		protect(self)
		service.check_session(self)
		stay.prepare_packages(self)  # what each package includes at this session, with its dates
		self.route = self.route or f"topplederprogram/{self.name.lower()}"

	def on_update(self):
		super().on_update()
		self.clear_cache()
		if self.is_new():
			return
		if self.status == CANCELLED and self.has_value_changed("status"):
			# everyone registered is cancelled and told, in the background
			cancellation.start_cancelling(self.name)
		elif self.has_value_changed("capacity"):
			seats.refresh_seats(self.name)  # new seats go to the waitlist, counts follow

	def has_website_permission(self, ptype, user, verbose=False):
		# guests see a published session's page (the invitation is public); drafts stay hidden
		return ptype == "read" and service.can_view_page(self, user)

	def get_context(self, context):
		service.web_context(self, context)
