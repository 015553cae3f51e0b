"""What a stay package includes moved from the package (shared by every session) to each session's row of it.
Rows without a text of their own get the package's text as it was and the package's number of nights (nothing
is lost). A session whose text names dates outside it (a January session announcing September's dinner) gets
a comment saying which package to correct; saving the session with that row changed asks for it too. The
package's old column is left in the table (Frappe never drops one)."""

import frappe
from frappe.utils import getdate

from kdf_app.kdf_programmes.core.stay import check_package
from kdf_app.shared.core.i18n import DomainError


def execute():
	if frappe.db.has_column("Stay Package", "includes"):
		frappe.db.sql(
			"""update `tabSession Stay Package` r join `tabStay Package` p on p.name = r.stay_package
			set r.includes = p.includes
			where (r.includes is null or trim(r.includes) = '') and coalesce(p.includes, '') != ''"""
		)
		frappe.db.sql(
			"""update `tabSession Stay Package` r join `tabStay Package` p on p.name = r.stay_package
			set r.nights = p.nights where coalesce(r.nights, 0) = 0 and coalesce(p.nights, 0) != 0"""
		)
	rows = frappe.db.sql(
		"""select r.parent, r.stay_package, r.nights, r.includes, s.starts_on, s.ends_on
		from `tabSession Stay Package` r join `tabTopplederprogram Session` s on s.name = r.parent
		where r.parenttype = 'Topplederprogram Session' and s.starts_on is not null""",
		as_dict=True,
	)
	lang = frappe.db.get_single_value("System Settings", "language") or "en"  # as the secretariat reads it
	for r in rows:
		starts = getdate(r.starts_on)
		try:
			# the nights are checked when the session is next saved; here only what members read
			check_package(r.stay_package, starts, getdate(r.ends_on or r.starts_on), 0, None, r.includes)
		except DomainError as e:
			frappe.get_doc("Topplederprogram Session", r.parent).add_comment(
				"Comment", e.render(lambda m: frappe._(m, lang=lang))
			)
