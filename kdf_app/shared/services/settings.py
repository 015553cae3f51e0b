import frappe
from frappe import _


def get_settings():
	return frappe.get_cached_doc("KDF Settings")


def require(settings, *fields: str):
	"""Throw one clear message naming every setting that is still empty."""
	missing = [settings.meta.get_label(f) for f in fields if not settings.get(f)]
	if missing:
		frappe.throw(
			_("Fill in {0} in KDF Settings first.").format(", ".join(_(m) for m in missing)),
			title=_("KDF Settings incomplete"),
		)
