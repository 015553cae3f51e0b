"""Registrations: one live registration per member and session is now a unique key (live_key), and the seat
decision reads the session's own counts. Fill the key for the live ones and recount every session once."""

import frappe

from kdf_app.core.sessions import LIVE


def execute():
	from kdf_app.services.registration import live_key, update_counts

	seen = set()
	for r in frappe.get_all(
		"Registration",
		filters={"status": ("in", list(LIVE))},
		fields=["name", "session", "member"],
		order_by="creation asc",
	):
		key = live_key(r.session, r.member)
		if key not in seen:  # earlier versions refused a second one; keep the first if ever there were two
			seen.add(key)
			frappe.db.set_value("Registration", r.name, "live_key", key, update_modified=False)
	for session in frappe.get_all("Topplederprogram Session", pluck="name"):
		update_counts(session)
