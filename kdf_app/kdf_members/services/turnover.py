"""Tenure and turnover (report Tenure and Turnover, the årsmelding's year) and the anonymised research extract.

Reads the position history (kdf_app.kdf_members.core.turnover computes every figure) and writes one Research Extract Log per
extract. The extract is made only for the role ``RESEARCH_ROLE``, which a System Manager gives (it is not in the
secretariat's Role Profile), only of members who consented to research use, and nothing of it is kept on the
server but its log: who, when, the parameters and what was released and suppressed.
"""

import csv
import io
import json
import zipfile
from base64 import b64encode
from datetime import date

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, today

from kdf_app.kdf_members.core import research_extract as research
from kdf_app.kdf_members.core import turnover as rules
from kdf_app.permissions import require_roles
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.core.roles import RESEARCH as RESEARCH_ROLE
from kdf_app.shared.services.errors import throw

LOG = "Research Extract Log"


def position_rows(members: set[str] | None = None) -> list[dict]:
	"""Every position of every member (or of ``members``) with its organisation's kind and county (the
	organisation's today), dates as dates: what kdf_app.kdf_members.core.turnover reads."""
	filters = {"parenttype": "Member"}
	if members is not None:
		filters["parent"] = ("in", sorted(members) or [""])
	rows = frappe.get_all(
		"Member Position",
		filters=filters,
		fields=["parent as person", "organisation", "title", "from_date", "to_date", "reason"],
	)
	orgs = {
		o.name: o
		for o in frappe.get_all(
			"Customer",
			filters={"name": ("in", list({r.organisation for r in rows if r.organisation}) or [""])},
			fields=["name", "customer_group as kind", "kdf_county as county"],
		)
	}
	for r in rows:
		r.from_date = getdate(r.from_date) if r.from_date else None
		r.to_date = getdate(r.to_date) if r.to_date else None
		org = orgs.get(r.organisation)
		r.kind = org.kind if org else None
		r.county = org.county if org else None
	return rows


def today_() -> date:
	return getdate(today())


def year_figures(year: int, **where) -> rules.Figures:
	"""One year's figures as of its 31 December (today in the current year): the report's and the årsmelding's."""
	return rules.year_figures(position_rows(), int(year), today_(), **where)


def counties() -> list[str]:
	return sorted(
		{
			c
			for c in frappe.get_all(
				"Customer", filters={"kdf_county": ("is", "set")}, pluck="kdf_county", distinct=True
			)
			if c
		}
	)


# --- the research extract ------------------------------------------------------------------------------------------
def consenting() -> set[str]:
	"""The members who consented to research use (an anonymised member has no consent left)."""
	return set(
		frappe.get_all(
			"Member", filters={"research_consent": 1, "anonymised_on": ("is", "not set")}, pluck="name"
		)
	)


def settings_k() -> int:
	"""k of KDF Settings; empty (0) is the default, 5. A k below 3 there is refused where it is used."""
	return cint(frappe.db.get_single_value("KDF Settings", "research_k")) or research.DEFAULT_K


def research_partners() -> str:
	"""Who receives research extracts, as KDF Settings names them (the privacy notice says it)."""
	return (frappe.db.get_single_value("KDF Settings", "research_partners") or "").strip()


def make_extract(from_year, to_year, granularity: str = "year") -> dict:
	"""The k-anonymous extract for the logged-in user with the research role; logs it and returns the files
	(a zip with the CSV, the JSON with its data dictionary, and the dictionary as CSV) as base64. Refused with
	a clear message, nothing released and nothing logged, for anyone without the role, a k below 3, a period
	with too few people, or one where everything had to be suppressed."""
	require_roles((RESEARCH_ROLE,))
	k = settings_k()
	try:
		extract = research.make_extract(
			position_rows(consenting()),
			cint(from_year) or None,
			cint(to_year) or None,
			today_(),
			k=k,
			granularity=granularity or "year",
		)
		if not extract.rows:
			raise DomainError(
				rules._(
					"Every tenure in {0}–{1} had to be suppressed: no combination is shared by k = {2} "
					"people. Nothing is released."
				),
				extract.first_year,
				extract.last_year,
				extract.k,
			)
	except DomainError as e:
		throw(e, title=_("No research extract"))
	summary = extract.summary()
	log = frappe.get_doc(
		{
			"doctype": LOG,
			"made_on": now_datetime(),
			"made_by": frappe.session.user,
			"from_year": extract.first_year,
			"to_year": extract.last_year,
			"granularity": extract.granularity,
			"k": extract.k,
			"as_of": extract.as_of,
			"people_in_period": extract.people,
			"tenures_in_period": extract.tenures,
			"rows_released": len(extract.rows),
			"people_released": extract.released_people,
			"rows_suppressed": extract.suppressed_rows,
			"people_suppressed": extract.suppressed_people,
			"links_withheld": extract.unlinked_people,
			"detail": describe(summary),
		}
	)
	log.flags.ignore_permissions = True  # the app's own log; nobody creates one in the desk
	log.insert()
	stem = f"kdf-forskningsuttrekk-{extract.first_year}-{extract.last_year}-{log.name}"
	return {
		"log": log.name,
		"filename": f"{stem}.zip",
		"content": b64encode(files(extract, log.name, stem)).decode(),
		"summary": summary,
		"message": _("{0} rows of {1} people released, {2} rows suppressed (k = {3}).").format(
			len(extract.rows), extract.released_people, extract.suppressed_rows, extract.k
		),
	}


def describe(summary: dict) -> str:
	"""The log's account of what the extract did (no person in it)."""
	levels = ", ".join(f"{name}: {n}" for name, n in summary["rows_per_level"].items())
	return "\n".join(
		[
			_("Rows released per level of generalisation: {0}").format(levels or "—"),
			_("Suppressed: {0} rows; {1} people with no row released.").format(
				summary["rows_suppressed"], summary["people_suppressed"]
			),
			_("Links withheld (tenures with separate keys): {0} people.").format(
				summary["people_with_links_withheld"]
			),
		]
	)


def files(extract: research.Extract, log: str, stem: str) -> bytes:
	"""A zip with ``<stem>.csv`` (the rows), ``<stem>.json`` (what it is, what it did, the data dictionary and the
	rows) and ``<stem>-ordbok.csv`` (the data dictionary)."""
	rows = [r.as_dict() for r in extract.rows]
	columns = ["person_key", *research.FIELDS]
	dictionary = research.data_dictionary(extract.k, extract.granularity)
	out = io.StringIO()
	writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
	writer.writeheader()
	writer.writerows(rows)
	words = io.StringIO()
	writer = csv.DictWriter(words, fieldnames=["column", "nb", "en", "values"], lineterminator="\n")
	writer.writeheader()
	writer.writerows(dictionary)
	document = {
		"title": "Norsk Kommunedirektørforum: anonymised tenures of chief executives",
		"made_on": now_datetime().isoformat(timespec="seconds"),
		"log": log,
		"what_was_done": extract.summary(),
		"data_dictionary": dictionary,
		"rows": rows,
	}
	buffer = io.BytesIO()
	with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
		z.writestr(f"{stem}.csv", out.getvalue())
		z.writestr(f"{stem}.json", json.dumps(document, ensure_ascii=False, indent=1))
		z.writestr(f"{stem}-ordbok.csv", words.getvalue())
	return buffer.getvalue()
