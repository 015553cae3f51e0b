"""A guest's registration waiting for confirmation by the link sent to their address
(kdf_app.kdf_programmes.services.registration.guest). It holds no seat."""

from frappe.model.document import Document


class GuestRegistrationRequest(Document):
	pass
