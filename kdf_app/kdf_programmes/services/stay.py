"""A session's stay packages: what each includes at this session (kdf_app.kdf_programmes.core.stay)."""

import frappe
from frappe import _
from frappe.utils import cint, getdate

from kdf_app.kdf_programmes.core.stay import check_package, includes_text
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw

WATCHED = ("stay_package", "nights", "dinner_on", "includes")


def prepare_packages(doc) -> None:
	"""On save of a session: a row without its own text gets one written from the session's dates; the rows
	are checked (nights, dinner and the dates the text names within the session) whenever the session is
	new, its dates changed or a row changed, so a stale text is refused when it is written or made stale,
	never on an unrelated save (a status, a seat count)."""
	if not doc.starts_on or not doc.get("stay_packages"):
		return
	starts = getdate(doc.starts_on)
	ends = getdate(doc.ends_on or doc.starts_on)
	for row in doc.stay_packages:
		if not (row.includes or "").strip():
			row.includes = includes_text(
				starts, ends, cint(row.nights), getdate(row.dinner_on) if row.dinner_on else None
			)
	if not _changed(doc):
		return
	try:
		for row in doc.stay_packages:
			check_package(
				row.stay_package,
				starts,
				ends,
				cint(row.nights),
				getdate(row.dinner_on) if row.dinner_on else None,
				row.includes,
			)
	except DomainError as e:
		throw(e, title=_("Check the stay packages"))


def _changed(doc) -> bool:
	before = doc.get_doc_before_save()
	if not before or doc.is_new():
		return True
	if getdate(before.starts_on) != getdate(doc.starts_on) or getdate(
		before.ends_on or before.starts_on
	) != getdate(doc.ends_on or doc.starts_on):
		return True

	def rows(d):
		return [tuple(str(r.get(f) or "") for f in WATCHED) for r in d.get("stay_packages") or []]

	return rows(before) != rows(doc)


def session_includes(session: str, package: str | None) -> str | None:
	"""What ``package`` includes at ``session`` (the session's own text), for the pages and e-mails."""
	if not package:
		return None
	return frappe.db.get_value(
		"Session Stay Package",
		{"parent": session, "parenttype": "Topplederprogram Session", "stay_package": package},
		"includes",
	)
