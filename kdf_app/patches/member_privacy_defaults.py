"""Existing members get the new privacy fields filled in sensibly (kdf_app.kdf_privacy.core.retention, Member → Privacy).

- Newsletter consent: yes (the column's default) for everyone, as before this version every active member was
  in the newsletter group — except whoever had unsubscribed (the group row's flag, or an Email Unsubscribe for the
  group or for all e-mail): no. Directory consent: no for everyone (nobody has been asked yet). The consent
  timestamps stay empty: empty means "the default, never changed by the member".
- Membership Ended On, for former members: the day of the last recorded change of their status to Utmeldt or
  Avsluttet in the document history (Version), when there is one; otherwise it stays empty and the retention
  job counts from the end of the last position alone (or, if that is open too, reports the member as having no
  leaving date until the secretariat fills it in).
"""

import json

import frappe
from frappe.utils import getdate

from kdf_app.kdf_members.core.newsletter import GROUP
from kdf_app.kdf_privacy.core.retention import FORMER_STATUSES


def execute():
	frappe.reload_doc("kdf_app", "doctype", "member")
	opted_out = set(
		frappe.get_all("Email Group Member", {"email_group": GROUP, "unsubscribed": 1}, pluck="email")
	)
	for u in frappe.get_all(
		"Email Unsubscribe", fields=["email", "global_unsubscribe", "reference_doctype", "reference_name"]
	):
		if u.global_unsubscribe or (u.reference_doctype == "Email Group" and u.reference_name == GROUP):
			opted_out.add(u.email)
	opted_out = {(e or "").strip().lower() for e in opted_out}
	for m in frappe.get_all(
		"Member",
		fields=["name", "email", "membership_status", "membership_ended_on", "newsletter_consent_on"],
	):
		values = {}
		if not m.newsletter_consent_on and (m.email or "").strip().lower() in opted_out:
			values["newsletter_consent"] = 0
		if m.membership_status in FORMER_STATUSES and not m.membership_ended_on:
			ended = _status_changed_on(m.name)
			if ended:
				values["membership_ended_on"] = ended
		if values:
			frappe.db.set_value("Member", m.name, values, update_modified=False)


def _status_changed_on(member: str):
	"""The last time the document history shows the status becoming former."""
	for v in frappe.get_all(
		"Version",
		{"ref_doctype": "Member", "docname": member},
		["creation", "data"],
		order_by="creation desc",
	):
		try:
			changed = json.loads(v.data or "{}").get("changed") or []
		except ValueError:
			continue
		for field, _old, new in changed:
			if field == "membership_status" and new in FORMER_STATUSES:
				return getdate(v.creation)
	return None
