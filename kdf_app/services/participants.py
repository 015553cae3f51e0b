"""The participant list of a session: names, organisations, packages and dietary needs (health data).

Only the secretariat sees it, on every path: the print format Deltakerliste renders what this returns, and it
returns nothing to anyone else, whatever record permissions the print view was opened with."""

import frappe

from kdf_app.core.sessions import ATTENDED, CONFIRMED, NO_SHOW
from kdf_app.permissions import sees_participant_list


def participant_list(session: str) -> list[dict]:
	if not sees_participant_list():
		return []
	rows = frappe.get_all(
		"Registration",
		filters={"session": session, "status": ["in", [CONFIRMED, ATTENDED, NO_SHOW]]},
		fields=[
			"member_name",
			"member_title",
			"paying_organisation",
			"stay_package",
			"extra_night",
			"with_linked_session",
			"dietary_needs",
			"status",
		],
		order_by="member_name asc",
	)
	names = dict(
		frappe.get_all(
			"Customer",
			filters={"name": ["in", list({r.paying_organisation for r in rows if r.paying_organisation})]},
			fields=["name", "customer_name"],
			as_list=True,
		)
	)
	for r in rows:
		r.organisation_name = names.get(r.paying_organisation, "")
	return rows
