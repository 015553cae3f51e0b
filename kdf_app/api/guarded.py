"""Frappe endpoints that answer without asking for the caller's permission, replaced by ones that ask.

Registered in hooks.override_whitelisted_methods. Each returns what Frappe's would, restricted to the records
the caller may read: a count is ``frappe.get_list`` counting (permission queries apply, and confidential reads
are logged), a link title is given only for a record the caller may read.
"""

import frappe
from frappe import _
from frappe.desk import listview, search
from frappe.utils import get_safe_filters

GROUP_BY_LIMIT = 10000


def _require_read(doctype: str, parent: str | None = None) -> None:
	if not frappe.db.exists("DocType", doctype):
		frappe.throw(_("No such document type: {0}").format(doctype), frappe.DoesNotExistError)
	if not frappe.has_permission(doctype, "read", parent_doctype=parent) and not frappe.has_permission(
		doctype, "select", parent_doctype=parent
	):
		frappe.throw(_("You may not read {0}.").format(_(doctype)), frappe.PermissionError)


@frappe.whitelist()
def get_count(
	doctype: str,
	filters: str | dict | list | None = None,
	debug: bool = False,
	cache: bool = False,
	parent: str | None = None,
) -> int:
	"""frappe.client.get_count, counting only what the caller may read (Frappe's counts every row)."""
	_require_read(doctype, parent)
	rows = frappe.get_list(
		doctype,
		filters=get_safe_filters(filters),
		fields=["count(*) as count"],
		parent_doctype=parent,
		order_by=None,
		limit_page_length=0,
	)
	return rows[0].count if rows else 0


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""The list sidebar's group-by counts. Frappe's "assigned to" branch counts without any permission check."""
	_require_read(doctype)
	filters = frappe.parse_json(current_filters)
	if field == "assigned_to":
		names = frappe.get_list(doctype, filters=filters, pluck="name", limit_page_length=GROUP_BY_LIMIT)
		filters = [[doctype, "name", "in", names or [""]]]
	return listview.get_group_by_count(doctype, frappe.as_json(filters), field)


@frappe.whitelist()
def get_link_title(doctype: str, docname: str) -> str | None:
	"""A link's title only for a record the caller may read; otherwise the bare name they already have."""
	if not frappe.db.exists(doctype, docname) or not (
		frappe.has_permission(doctype, "read", doc=docname)
		or frappe.has_permission(doctype, "select", doc=docname)
	):
		return docname
	return search.get_link_title(doctype, docname)
