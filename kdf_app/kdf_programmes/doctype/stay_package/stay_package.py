from frappe.model.document import Document
from frappe.utils import flt


class StayPackage(Document):
	def validate(self):
		self.accommodation_share = min(max(flt(self.accommodation_share), 0), 100)
		self.food_share = 100 - self.accommodation_share
