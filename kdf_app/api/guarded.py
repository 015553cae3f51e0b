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


@frappe.whitelist()
def get_open_count(doctype: str, name: str, items: str | list | None = None) -> dict:
	"""The form's Connections counts. Frappe counts the doctypes the caller names with ``get_all``: whoever
	may open a member could learn that a confidential case about them exists. Here only doctypes the caller
	may read are counted, and those with record rules are counted through them."""
	from frappe.desk import notifications

	frappe.get_doc(doctype, name).check_permission("read")
	links = frappe.get_meta(doctype).get_dashboard_data()
	if items is None:
		items = [i for group in links.transactions for i in group.get("items")]
	elif isinstance(items, str):
		items = frappe.parse_json(items)
	if not isinstance(items, list):
		frappe.throw(_("The list of linked document types is not valid."), frappe.ValidationError)
	fields = links.get("non_standard_fieldnames") or {}
	items = [
		d
		for d in items
		if isinstance(d, str)
		and (fields.get(d) or links.get("fieldname"))  # a doctype this form has connections to
		and frappe.db.exists("DocType", d)
		and frappe.has_permission(d)
	]
	out = notifications.get_open_count(doctype, name, items)
	ruled = frappe.get_hooks("permission_query_conditions") or {}
	for entry in (out.get("count") or {}).get("external_links_found", []):
		if entry.get("doctype") in ruled:
			field = links.get("non_standard_fieldnames", {}).get(entry["doctype"], links.get("fieldname"))
			visible = len(
				frappe.get_list(entry["doctype"], filters={field: name}, pluck="name", limit_page_length=100)
			)
			entry["count"] = visible
			entry["open_count"] = min(entry.get("open_count") or 0, visible)
	return out
