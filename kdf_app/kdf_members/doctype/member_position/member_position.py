from frappe.model.document import Document

from kdf_app.permissions import RowOfParent


class MemberPosition(RowOfParent, Document):
	"""A row is readable on its own only where its parent document is."""
