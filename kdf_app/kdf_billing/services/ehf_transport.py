"""Access-point adapters for sending EHF. Pick one in KDF Settings; add more by subclassing Adapter."""

import os

import frappe
import requests
from frappe import _

from kdf_app.kdf_billing.core.delivery import retriable_http_status
from kdf_app.shared.services.settings import get_settings


class DeliveryError(RuntimeError):
	"""The access point did not take the document; ``retriable`` when trying again later may help."""

	def __init__(self, message: str, retriable: bool = True):
		super().__init__(message)
		self.retriable = retriable


class Adapter:
	def send(self, invoice: str, xml: bytes) -> str:  # returns the provider's reference
		raise NotImplementedError


class OutboxAdapter(Adapter):
	"""Writes <invoice>.xml into a folder that an access point (or a person) picks up."""

	def __init__(self, folder: str):
		self.folder = folder if os.path.isabs(folder) else frappe.get_site_path(folder)

	def send(self, invoice, xml):
		os.makedirs(self.folder, exist_ok=True)
		path = os.path.join(self.folder, f"{invoice}.xml")
		with open(path, "wb") as f:
			f.write(xml)
		return path


class HttpAdapter(Adapter):
	"""POSTs the UBL document to a provider's REST endpoint (Bearer token); expects 2xx and JSON {"id": ...}."""

	def __init__(self, endpoint: str, api_key: str | None, timeout: float = 30):
		self.endpoint, self.api_key, self.timeout = endpoint, api_key, timeout

	def send(self, invoice, xml):
		headers = {"Content-Type": "application/xml", "X-Document-Id": invoice}
		if self.api_key:
			headers["Authorization"] = f"Bearer {self.api_key}"
		r = requests.post(self.endpoint, data=xml, headers=headers, timeout=self.timeout)
		if r.status_code >= 300:
			raise DeliveryError(
				_("The access point answered {0}: {1}").format(r.status_code, r.text[:300]),
				retriable=retriable_http_status(r.status_code),
			)
		try:
			return str(r.json().get("id") or r.status_code)
		except ValueError:
			return str(r.status_code)


def get_adapter() -> Adapter:
	settings = get_settings()
	if settings.ehf_adapter == "HTTP":
		if not settings.ehf_endpoint:
			frappe.throw(_("Fill in the access point URL in KDF Settings."))
		return HttpAdapter(settings.ehf_endpoint, settings.get_password("ehf_api_key", raise_exception=False))
	return OutboxAdapter(settings.ehf_outbox or "private/ehf-outbox")
