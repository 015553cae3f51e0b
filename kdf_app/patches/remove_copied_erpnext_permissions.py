"""Earlier versions gave the secretariat access to ten ERPNext doctypes through Frappe's add_permission, which
first copies *all* standard permissions of the doctype into Custom DocPerm: from then on the site ignored
ERPNext's own permissions of those doctypes, also after ERPNext updates. The secretariat now gets its access
through the Role Profile "KDF Sekretariat" (ERPNext's own roles), so this removes exactly what was added:

- the KDF Sekretariat rows of those doctypes, and
- the copies made in the same call: rows of the same doctype written in the minute before our row and never
  changed since (a copy keeps the standard row's creation but gets the time of copying as ``modified``).

When a doctype also has custom rows that are not ours (permissions set by an administrator before or after),
only our own row goes and the copies stay, because Frappe uses the custom rows of a doctype as a whole:
removing the copies there would take access away from ERPNext's roles.
"""

import frappe
from frappe.utils import get_datetime

from kdf_app.shared.core.roles import SECRETARIAT as ROLE

DOCTYPES = (
	"Customer",
	"Contact",
	"Address",
	"Customer Group",
	"Sales Invoice",
	"Item",
	"Company",
	"Account",
	"Email Template",
	"Payment Terms Template",
)
WINDOW_SECONDS = 60


def ours(doctype: str) -> tuple[list[str], bool]:
	"""The names of the rows we added to ``doctype`` and whether they are all of its custom rows."""
	rows = frappe.get_all(
		"Custom DocPerm",
		filters={"parent": doctype},
		fields=["name", "role", "creation", "modified"],
	)
	kdf = [r for r in rows if r.role == ROLE]
	if not kdf:
		return [], False
	added = min(get_datetime(r.creation) for r in kdf)
	copies = [
		r
		for r in rows
		if r.role != ROLE and 0 <= (added - get_datetime(r.modified)).total_seconds() <= WINDOW_SECONDS
	]
	others = [r for r in rows if r.role != ROLE and r not in copies]
	names = [r.name for r in kdf] + ([] if others else [r.name for r in copies])
	return names, not others


def execute():
	for doctype in DOCTYPES:
		names, whole = ours(doctype)
		if not names:
			continue
		frappe.db.delete("Custom DocPerm", {"name": ("in", names)})
		if not whole:
			print(f"{doctype}: removed the {ROLE} permission; other custom permissions kept as they were")
		frappe.clear_cache(doctype=doctype)
