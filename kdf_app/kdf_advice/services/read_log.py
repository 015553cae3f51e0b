"""The Case Read Log: every read of case content and every refused attempt, kept whatever the request does.

Inside a web request the entries are collected and written by the ``after_request`` hook in a transaction of
their own: after the request's own transaction has been committed (successful POST) or rolled back (GET, or any
failure), so a refused or failed request cannot take its log entry down with it, and a GET does not need to
commit anything else to be logged. Outside a request (background jobs, the console, tests) an entry is written
at once, in the current transaction.

Refusals that Frappe decides before any of our hooks run (a role without read permission on a case) are caught
by the status of the response: a 403/404 to a request that names a confidential doctype is logged as refused.
"""

import frappe
from frappe.utils import now_datetime

from kdf_app.kdf_privacy.core.access import (
	CONFIDENTIAL,
	REFUSED,
	doctypes_named,
	method_of,
	read_action,
	resource_name,
)

_KEY = "kdf_case_reads"


def _request():
	return getattr(frappe.local, "request", None)


def _where() -> tuple[str, str]:
	"""(method or path, action) of the current request."""
	request = _request()
	if request is None:
		return "server", "Document"
	form = getattr(frappe.local, "form_dict", None) or {}
	method = method_of(request.path, form.get("cmd"))
	return (method or request.path or "")[:140], read_action(method, request.path)


def record(case: str | None, allowed: bool, action: str | None = None, detail: str | None = None, user=None):
	"""Log one read (``case`` empty for a list, count or search over cases)."""
	where, guessed = _where()
	entry = {
		"case": case or "",
		"user": user or frappe.session.user,
		"action": action or (guessed if allowed else REFUSED),
		"allowed": 1 if allowed else 0,
		"path": where,
		"detail": (detail or "")[:1000],
	}
	if _request() is None:
		_insert([entry])
		return
	pending = getattr(frappe.local, _KEY, None)
	if pending is None:
		pending = {}
		setattr(frappe.local, _KEY, pending)
	pending.setdefault((entry["case"], entry["user"], entry["action"], entry["allowed"]), entry)


def record_list(doctype: str, user: str) -> None:
	"""A list, count, export or search over cases (called from the permission query)."""
	form = getattr(frappe.local, "form_dict", None) or {}
	detail = " ".join(
		f"{k}={form.get(k)}"
		for k in ("doctype", "filters", "or_filters", "txt", "fields", "field")
		if form.get(k)
	)
	record(None, True, detail=f"{doctype}: {detail}" if detail else doctype, user=user)


def flush(response=None, request=None) -> None:
	"""after_request hook: write what this request read, in a transaction of its own."""
	pending = getattr(frappe.local, _KEY, None) or {}
	setattr(frappe.local, _KEY, {})
	request = request or _request()
	status = getattr(response, "status_code", 200)
	if (
		request is not None
		and status in (401, 403, 404)
		and not any(not e["allowed"] for e in pending.values())
	):
		form = getattr(frappe.local, "form_dict", None) or {}
		named = doctypes_named(request.path, form) & CONFIDENTIAL
		if named:
			method = method_of(request.path, form.get("cmd"))
			entry = {
				"case": (form.get("name") if isinstance(form.get("name"), str) else None)
				or (resource_name(request.path) if resource_doctype_is_case(request.path) else "")
				or "",
				"user": frappe.session.user if getattr(frappe.local, "session", None) else "Guest",
				"action": REFUSED,
				"allowed": 0,
				"path": (method or request.path)[:140],
				"detail": f"{', '.join(sorted(named))}: HTTP {status} {request.path}"[:1000],
			}
			pending[("refused",)] = entry
	if not pending or not getattr(frappe.local, "db", None):
		return
	try:
		frappe.db.rollback()  # whatever the request left uncommitted is not ours to keep
		_insert(list(pending.values()))
		frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		frappe.logger("kdf_app").error("Case Read Log entries could not be written", exc_info=True)
		raise


def resource_doctype_is_case(path: str) -> bool:
	from kdf_app.kdf_privacy.core.access import CASE, resource_doctype

	return resource_doctype(path) == CASE


def _insert(entries: list[dict]) -> None:
	now = now_datetime()
	for e in entries:
		frappe.get_doc({"doctype": "Case Read Log", "read_on": now, **e}).db_insert()
