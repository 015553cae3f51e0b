"""Fields only the app sets are deny-by-default.

The fields in ``kdf_app.kdf_privacy.core.access.SYSTEM_FIELDS`` (a member's portal login, statuses, invoice links, the read
log's rows …) keep their stored value on every save, unless the save is the app's own write:

- a request that entered through one of the app's own endpoints (``kdf_app.…``), or a page render (no API
  door: the page's own code, no document from the client), or
- code inside ``app_write()``, which the services open around the writes they make on documents they loaded
  themselves, or
- code the server runs outside a web request (scheduler, background jobs, the console, install), except Data
  Import.

Every other door (the desk form's savedocs, ``/api/resource``, ``frappe.client.*``, ``run_doc_method`` with a
client-built document, Data Import, and any door a Frappe upgrade adds) is refused without being named, whatever
``ignore_permissions`` the code behind it sets. Controllers call ``protect`` first, before they compute anything.
"""

from contextlib import contextmanager

import frappe

from kdf_app.kdf_privacy.core.access import SYSTEM_FIELDS, app_may_write

_FLAG = "kdf_app_write"


@contextmanager
def app_write():
	"""The app's own write: inside, the system fields of the documents saved may change."""
	depth = getattr(frappe.local, _FLAG, 0)
	setattr(frappe.local, _FLAG, depth + 1)
	try:
		yield
	finally:
		setattr(frappe.local, _FLAG, depth)


def writes(fn):
	"""Decorator: the function's saves are the app's own writes (``app_write``). For service functions that
	load the documents they change; never for a method whose ``self`` a client may have built."""
	from functools import wraps

	@wraps(fn)
	def wrapper(*args, **kwargs):
		with app_write():
			return fn(*args, **kwargs)

	return wrapper


def app_write_allowed() -> bool:
	if frappe.flags.in_import:
		return False
	if getattr(frappe.local, _FLAG, 0):
		return True
	request = getattr(frappe.local, "request", None)
	if request is None:
		return True  # scheduler, workers, console, install: the server's own code
	form = getattr(frappe.local, "form_dict", None) or {}
	return app_may_write(
		request.path, form.get("cmd"), frappe.get_hooks("override_whitelisted_methods") or {}
	)


def protect(doc) -> None:
	fields = SYSTEM_FIELDS.get(doc.doctype)
	if not fields or app_write_allowed():
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is None and not doc.is_new():
		before = frappe.get_doc(doc.doctype, doc.name)
	for field in fields:
		stored = before.get(field) if before is not None else None
		if doc.get(field) != stored:
			doc.set(field, stored)
