from frappe.model.document import Document

from kdf_app.permissions import RowOfParent


class RegistrationPriceLine(RowOfParent, Document):
	"""A row is readable on its own only where its parent document is."""
