"""Read-only is enforced on the server, not only in the form.

A generic write (the desk form, /api/resource, frappe.client.*, Data Import) cannot set the fields that only the
app's own code sets (``kdf_app.core.access.SYSTEM_FIELDS``): the stored value is kept, as Frappe does for fields
above the user's permission level. The app's own services write those fields directly and are not generic
writes. Controllers call ``protect`` first, before they compute anything themselves."""

import frappe

from kdf_app.core.access import SYSTEM_FIELDS, is_generic_write, method_of


def generic_write() -> bool:
	if frappe.flags.in_import:
		return True
	request = getattr(frappe.local, "request", None)
	if request is None:
		return False
	form = getattr(frappe.local, "form_dict", None) or {}
	return is_generic_write(method_of(request.path, form.get("cmd")), request.path, request.method)


def protect(doc) -> None:
	fields = SYSTEM_FIELDS.get(doc.doctype)
	if not fields or doc.flags.ignore_permissions or not generic_write():
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is None and not doc.is_new():
		before = frappe.get_doc(doc.doctype, doc.name)
	for field in fields:
		stored = before.get(field) if before is not None else None
		if doc.get(field) != stored:
			doc.set(field, stored)
