"""Topics the participants of a session want to raise ("innmeldte tema"), for the opening reflection."""

import frappe
from frappe import _

from kdf_app.kdf_app.report import column
from kdf_app.kdf_programmes.services.topics import session_topics


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.get("session"):
		return [], []
	rows = session_topics(filters.session, with_waitlist=bool(filters.get("with_waitlist")))
	columns = [
		column("member_name", _("Participant"), "Data", 180),
		column("member_title", _("Title"), "Data", 160),
		column("organisation_name", _("Organisation"), "Data", 180),
		column("status", _("Status"), "Data", 100),
		column("topic", _("Topic to Raise (innmeldte tema)"), "Data", 420),
		column("name", _("Registration"), "Link", 140, options="Registration"),
	]
	return columns, rows
