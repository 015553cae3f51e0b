"""Newsletters: the Email Group «KDF medlemmer» follows the active members (rules: kdf_app.kdf_members.core.newsletter).

The secretariat writes Frappe Newsletters to this group; Frappe's unsubscribe link sets the row's
``unsubscribed`` flag, which the sync never clears.
"""

import frappe

from kdf_app.kdf_members.core.newsletter import GROUP, plan

# every tab spoken of here belongs to Frappe; the secretariat needs no right on them
MEMBER_ROW = "Email Group Member"


def ensure_group() -> str:
	if not frappe.db.exists("Email Group", GROUP):
		group = frappe.new_doc("Email Group")
		group.title = GROUP
		group.flags.ignore_permissions = True
		group.insert()
	return GROUP


def _rows(emails: list[str]) -> dict[str, dict]:
	emails = [e for e in emails if e]
	if not emails:
		return {}
	return {
		r.email.lower(): r
		for r in frappe.get_all(
			MEMBER_ROW,
			filters={"email_group": GROUP, "email": ("in", emails)},
			fields=["name", "email", "unsubscribed"],
		)
	}


def _opted_out(emails: list[str]) -> set[str]:
	"""Addresses with a global Email Unsubscribe, or one for this group."""
	emails = [e for e in emails if e]
	if not emails:
		return set()
	found = frappe.get_all(
		"Email Unsubscribe",
		filters={"email": ("in", emails)},
		fields=["email", "global_unsubscribe", "reference_doctype", "reference_name"],
	)
	return {
		f.email.lower()
		for f in found
		if f.global_unsubscribe or (f.reference_doctype == "Email Group" and f.reference_name == GROUP)
	}


def sync_member(
	status: str | None, email: str | None, previous_email: str | None = None, consent: bool = True
) -> list:
	"""Bring the group in step with one member; returns the changes made."""
	ensure_group()
	email = (email or "").strip().lower()
	previous_email = (previous_email or "").strip().lower()
	rows = _rows([email, previous_email])
	changes = plan(
		status,
		email,
		previous_email,
		{k: v.unsubscribed for k, v in rows.items()},
		_opted_out([email]),
		consent=consent,
	)
	for change in changes:
		if change.action == "add":
			row = frappe.new_doc(MEMBER_ROW)
			row.email_group = GROUP
			row.email = change.email
			row.flags.ignore_permissions = True
			row.insert()
		elif change.action == "remove":
			frappe.delete_doc(MEMBER_ROW, rows[change.email].name, ignore_permissions=True, force=True)
		elif change.action == "rename":
			# the row keeps its unsubscribed flag
			frappe.db.set_value(MEMBER_ROW, rows[change.email].name, "email", change.new_email)
	if changes:
		frappe.get_doc("Email Group", GROUP).update_total_subscribers()
	return changes


def on_member_update(member) -> None:
	before = member.get_doc_before_save()
	sync_member(
		member.membership_status,
		member.email,
		before.email if before else None,
		consent=bool(member.newsletter_consent),
	)


def on_member_trash(member) -> None:
	sync_member(None, member.email)


def sync_all() -> int:
	"""Every member at once (install, the patch): returns how many changes were made."""
	ensure_group()
	count = 0
	for m in frappe.get_all("Member", fields=["membership_status", "email", "newsletter_consent"]):
		count += len(sync_member(m.membership_status, m.email, consent=bool(m.newsletter_consent)))
	return count
