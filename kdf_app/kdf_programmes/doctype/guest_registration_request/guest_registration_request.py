"""A guest's registration waiting for confirmation by the link sent to their address
(kdf_app.kdf_programmes.services.guest_registration). It holds no seat."""

from frappe.model.document import Document


class GuestRegistrationRequest(Document):
	pass
