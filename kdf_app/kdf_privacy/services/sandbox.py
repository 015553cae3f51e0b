"""One choke point for Frappe's sandbox (Jinja templates, and the safe_exec of Server Scripts).

Frappe builds the globals of every Jinja environment (``frappe.utils.jinja.get_jenv``) and of ``safe_exec`` with
``frappe.utils.safe_exec.get_safe_globals``, whose ``frappe.get_all``, ``frappe.db.get_value`` and
``frappe.db.sql`` ignore permissions. So every print format, e-mail template, newsletter, auto-repeat message,
cheque print format … that a user who is not System Manager can author or trigger could read any table.
Frappe v15 has no hook for these globals, so ``install`` wraps that one function (imported at call time by
``get_jenv`` and by ``safe_exec``, so the wrapper is what they get). For a session that is not System Manager
(or Administrator) the wrapper replaces the data functions: the *protected doctypes*
(``protected_doctypes``: every doctype of kdf_app's modules and their child tables, every doctype with a
Dynamic Link (versions, comments, files, communications, deleted documents: they point at any record), and the
core doctypes that hold people, ``kdf_app.kdf_privacy.core.access.PERSONAL_CORE_DOCTYPES``) are read only with the
session user's own permissions (our need-to-know hooks included); ``frappe.db.sql`` refuses a query that names
a protected table; ``frappe.qb`` and writes to protected doctypes are refused. Everything else is Frappe's own.
``kdf_app/tests/test_sandbox.py`` proves it over the doors an attacker uses, and scans the installed frappe and
erpnext sources for render sites that do not go through these globals.
"""

import re
from functools import wraps

import frappe

from kdf_app.kdf_privacy.core.access import PERSONAL_CORE_DOCTYPES

_MARK = "_kdf_guarded"


def install() -> None:
	"""Wrap ``get_safe_globals`` once per process (called when kdf_app's hooks are loaded)."""
	import frappe.utils.safe_exec as safe_exec

	if getattr(safe_exec.get_safe_globals, _MARK, False):
		return
	original = safe_exec.get_safe_globals

	@wraps(original)
	def get_safe_globals():
		return guard(original())

	setattr(get_safe_globals, _MARK, True)
	safe_exec.get_safe_globals = get_safe_globals


def _trusted(user: str) -> bool:
	return user == "Administrator" or "System Manager" in frappe.get_roles(user)


def _installed_here() -> bool:
	try:
		return "kdf_app" in frappe.get_installed_apps()
	except Exception:
		return False


def protected_doctypes() -> frozenset[str]:
	"""Derived from the site's own metadata, so a new doctype of ours or a new referencing doctype of an upgrade
	is protected without anyone listing it."""
	cached = getattr(frappe.local, "kdf_protected_doctypes", None)
	if cached is not None:
		return cached
	modules = frappe.get_all("Module Def", {"app_name": "kdf_app"}, pluck="name")
	ours = set(frappe.get_all("DocType", {"module": ("in", modules or [""])}, pluck="name"))
	children = set(
		frappe.get_all(
			"DocField",
			{"parent": ("in", list(ours) or [""]), "fieldtype": ("in", ["Table", "Table MultiSelect"])},
			pluck="options",
		)
	)
	referencing = set(frappe.get_all("DocField", {"fieldtype": "Dynamic Link"}, pluck="parent"))
	referencing |= set(frappe.get_all("Custom Field", {"fieldtype": "Dynamic Link"}, pluck="dt"))
	result = frozenset(ours | children | referencing | set(PERSONAL_CORE_DOCTYPES))
	frappe.local.kdf_protected_doctypes = result
	return result


def _refuse(what: str):
	frappe.throw(
		frappe._("{0} is not available in templates for your role.").format(what),
		frappe.PermissionError,
	)


def _doctype_of(args, kwargs):
	dt = args[0] if args else kwargs.get("doctype")
	if isinstance(dt, dict):
		dt = dt.get("doctype")
	return dt if isinstance(dt, str) else None


def _names_table(query: str, protected) -> str | None:
	flat = re.sub(r"[`\"\[\]]", "", str(query)).lower()
	flat = re.sub(r"\s+", " ", flat)
	for dt in protected:
		if f"tab{dt.lower()}" in flat:
			return dt
	return None


def guard(out):
	"""The sandbox globals: each data function answers a System Manager as Frappe does, anyone else guarded."""
	if not getattr(frappe.local, "site", None) or not _installed_here():
		return out
	f, db = out.get("frappe"), (out.get("frappe") or {}).get("db")
	if f is None:
		return out

	class Protected:
		"""Decided at each call, for the user of that moment (a cached environment outlives set_user)."""

		def __contains__(self, doctype) -> bool:
			user = getattr(getattr(frappe.local, "session", None), "user", None) or "Guest"
			return not _trusted(user) and doctype in protected_doctypes()

		def __iter__(self):
			user = getattr(getattr(frappe.local, "session", None), "user", None) or "Guest"
			return iter(() if _trusted(user) else protected_doctypes())

	protected = Protected()

	def is_protected(args, kwargs):
		return _doctype_of(args, kwargs) in protected

	def listing(original):
		@wraps(original)
		def fn(*args, **kwargs):
			if is_protected(args, kwargs):
				kwargs.pop("ignore_permissions", None)
				return frappe.get_list(*args, **kwargs)
			return original(*args, **kwargs)

		return fn

	def document(original):
		@wraps(original)
		def fn(*args, **kwargs):
			doc = original(*args, **kwargs)
			if doc is not None and doc.doctype in protected and not doc.is_new():
				doc.check_permission("read")
			return doc

		return fn

	def value(original):
		@wraps(original)
		def fn(doctype, filters=None, fieldname="name", *args, **kwargs):
			if doctype not in protected:
				return original(doctype, filters, fieldname, *args, **kwargs)
			if frappe.get_meta(doctype).issingle:
				if not frappe.has_permission(doctype, "read"):
					return None
				return original(doctype, filters, fieldname, *args, **kwargs)
			as_dict = kwargs.get("as_dict")
			fields = fieldname if isinstance(fieldname, list | tuple) else [fieldname]
			if filters is not None and not isinstance(filters, dict | list):
				filters = {"name": filters}
			rows = frappe.get_list(doctype, filters=filters, fields=list(fields), limit=1)
			if not rows:
				return None
			row = rows[0]
			if as_dict:
				return row
			return tuple(row.get(x) for x in fields) if len(fields) > 1 else row.get(fields[0])

		return fn

	def single(original):
		@wraps(original)
		def fn(doctype, *args, **kwargs):
			if doctype in protected and not frappe.has_permission(doctype, "read"):
				return None
			return original(doctype, *args, **kwargs)

		return fn

	def counting(original, kind):
		@wraps(original)
		def fn(doctype, filters=None, *args, **kwargs):
			if doctype not in protected:
				return original(doctype, filters, *args, **kwargs)
			if filters is not None and not isinstance(filters, dict | list):
				filters = {"name": filters}
			rows = frappe.get_list(
				doctype, filters=filters, fields=["name"], limit=None if kind == "count" else 1
			)
			if kind == "count":
				return len(rows)
			return rows[0].name if rows else None

		return fn

	def sql(original):
		@wraps(original)
		def fn(query, *args, **kwargs):
			table = _names_table(query, protected)
			if table:
				_refuse(f"frappe.db.sql on {table}")
			return original(query, *args, **kwargs)

		return fn

	def writes(original, what):
		@wraps(original)
		def fn(doctype, *args, **kwargs):
			if doctype in protected:
				_refuse(f"{what} on {doctype}")
			return original(doctype, *args, **kwargs)

		return fn

	def refused(what):
		class Refused:
			def __getattr__(self, name):
				_refuse(what)

			def __call__(self, *args, **kwargs):
				_refuse(what)

		return Refused()

	for key in ("get_all", "get_list"):
		if key in f:
			f[key] = listing(f[key])
	for key in ("get_doc", "get_cached_doc", "get_last_doc"):
		if key in f:
			f[key] = document(f[key])
	if "qb" in f:
		f["qb"] = refused("frappe.qb")
	if db is not None:
		for key in ("get_all", "get_list"):
			if key in db:
				db[key] = listing(db[key])
		if "get_value" in db:
			db["get_value"] = value(db["get_value"])
		if "get_single_value" in db:
			db["get_single_value"] = single(db["get_single_value"])
		if "exists" in db:
			db["exists"] = counting(db["exists"], "exists")
		if "count" in db:
			db["count"] = counting(db["count"], "count")
		if "sql" in db:
			db["sql"] = sql(db["sql"])
		if "set_value" in db:
			db["set_value"] = writes(db["set_value"], "frappe.db.set_value")
	return out
