"""Membership coverage: the share of kommuner and fylkeskommuner (and bydeler, if asked) whose chief executive is
an active member, per county (rules: kdf_app.kdf_members.core.members.coverage). The report Membership Coverage
lays it out; the KDF workspace's Director Coverage card shows the total."""

import frappe

from kdf_app.kdf_members.core.members import coverage
from kdf_app.kdf_members.core.organisations import OFFICIAL_KINDS
from kdf_app.shared.core.collation import sort_norwegian

KINDS = OFFICIAL_KINDS
DEFAULT_KINDS = ("Kommune", "Fylkeskommune")  # bydeler only when asked


def coverage_by_county(kinds=DEFAULT_KINDS) -> tuple[list, object]:
	"""Rows per county in Norwegian order (Østfold last) and the total."""
	organisations = frappe.get_all(
		"Customer",
		filters={"customer_group": ("in", list(kinds)), "disabled": 0},
		fields=["name", "customer_group as kind", "kdf_county as county"],
	)
	members = frappe.get_all("Member", fields=["organisation", "title", "membership_status"])
	rows, total = coverage(organisations, members, kinds=list(kinds))
	return sort_norwegian(rows, key=lambda r: r.group), total
