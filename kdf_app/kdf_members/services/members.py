"""Members: their Contact on the employer and their portal User."""

import frappe
from frappe import _


def sync_contact(member) -> str:
	"""Create or update the member's Contact, linked to the current organisation (the Customer)."""
	contact = frappe.get_doc("Contact", member.contact) if member.contact else frappe.new_doc("Contact")
	contact.first_name = member.first_name
	contact.last_name = member.last_name
	contact.designation = member.title
	contact.user = member.user
	if not any(e.email_id == member.email for e in contact.email_ids):
		for e in contact.email_ids:
			e.is_primary = 0
		contact.append("email_ids", {"email_id": member.email, "is_primary": 1})
	# one primary mobile (Frappe refuses two): the member's number, kept or added, and no other (none when the
	# member has no mobile); the earlier numbers stay on the Contact as ordinary rows
	if member.mobile and not any(p.phone == member.mobile for p in contact.phone_nos):
		contact.append("phone_nos", {"phone": member.mobile})
	primary = False
	for p in contact.phone_nos:
		p.is_primary_mobile_no = int(bool(member.mobile) and p.phone == member.mobile and not primary)
		primary = primary or bool(p.is_primary_mobile_no)
	contact.set("links", [link for link in contact.links if link.link_doctype != "Customer"])
	if member.organisation:
		contact.append("links", {"link_doctype": "Customer", "link_name": member.organisation})
	contact.flags.ignore_permissions = True
	contact.save()
	if member.contact != contact.name:
		member.db_set("contact", contact.name, update_modified=False)
	return contact.name


def create_portal_user(member) -> str:
	"""The member's portal login (a Website User with the role KDF Medlem), without sending anything; the
	invitation (kdf_app.kdf_members.services.invitations.invite) creates it too and e-mails the set-password link."""
	from kdf_app.kdf_members.services.invitations import portal_user

	user = portal_user(member)
	frappe.msgprint(_("Portal user {0} is ready.").format(user), alert=True)
	return user


def member_for_user(user: str | None = None) -> str | None:
	return frappe.db.get_value("Member", {"user": user or frappe.session.user})


def require_member(not_logged_in, not_a_member) -> str:
	"""The logged-in user's Member (portal endpoints), or a PermissionError with the caller's message (a text,
	or a callable that gives it: translated only when it is needed)."""
	if frappe.session.user == "Guest":
		frappe.throw(not_logged_in() if callable(not_logged_in) else not_logged_in, frappe.PermissionError)
	member = member_for_user()
	if not member:
		frappe.throw(not_a_member() if callable(not_a_member) else not_a_member, frappe.PermissionError)
	return member


def member_profile(user: str | None = None) -> dict | None:
	"""What the member sees of themself on /min-profil (their own record only)."""
	member = member_for_user(user)
	if not member:
		return None
	profile = frappe.db.get_value(
		"Member",
		member,
		["member_name", "title", "organisation", "organisation_name", "email", "mobile", "member_since"],
		as_dict=True,
	)
	profile.update(position_changes(member))
	return profile


def position_changes(member: str) -> dict:
	"""What is ahead in the member's position history: ``coming`` (organisation, its name, title, first day)
	of a position that starts after today, and ``last_day`` of the position held now when it ends."""
	from frappe.utils import getdate, today

	from kdf_app.kdf_members.core.members import Position, coming_position, position_on

	rows = frappe.get_all(
		"Member Position",
		filters={"parent": member, "parenttype": "Member"},
		fields=["organisation", "title", "from_date", "to_date"],
	)
	history = [
		Position(r.organisation, r.title, getdate(r.from_date), getdate(r.to_date) if r.to_date else None)
		for r in rows
		if r.from_date
	]
	day = getdate(today())
	coming, held = coming_position(history, day), position_on(history, day)
	return {
		"coming": frappe._dict(
			organisation=coming.organisation,
			organisation_name=frappe.db.get_value("Customer", coming.organisation, "customer_name")
			or coming.organisation,
			title=coming.title,
			from_date=coming.from_date,
		)
		if coming
		else None,
		"last_day": held.to_date if held else None,
	}


def position_history() -> list:
	"""Every position row of every member (title, from, to, reason), dates as dates: what the turnover figures
	(Member Turnover report, the workspace chart) are computed from in kdf_app.kdf_members.core.members.turnover."""
	from frappe.utils import getdate

	positions = frappe.get_all(
		"Member Position",
		filters={"parenttype": "Member"},
		fields=["title", "from_date", "to_date", "reason"],
	)
	for p in positions:
		p.from_date = getdate(p.from_date) if p.from_date else None
		p.to_date = getdate(p.to_date) if p.to_date else None
	return positions


def apply_due_positions() -> list[str]:
	"""Daily: the members whose position history gives another organisation or title today than they have (a
	change confirmed ahead of its first day, a last day that has passed) are saved, so the Member, its Contact's
	organisation and the newsletter group follow on the date (kdf_app.kdf_members.core.members.due_updates). One member's
	failure is logged and does not stop the others."""
	from frappe.utils import getdate
	from frappe.utils import today as today_

	from kdf_app.kdf_members.core.members import due_updates
	from kdf_app.kdf_privacy.services.guard import app_write

	day = getdate(today_())
	members = frappe.get_all(
		"Member", filters={"anonymised_on": ("is", "not set")}, fields=["name", "organisation", "title"]
	)
	positions = frappe.get_all(
		"Member Position",
		filters={"parenttype": "Member"},
		fields=["parent", "organisation", "title", "from_date", "to_date"],
	)
	for p in positions:
		p.from_date = getdate(p.from_date) if p.from_date else None
		p.to_date = getdate(p.to_date) if p.to_date else None
	done = []
	for name in due_updates(members, positions, day):
		frappe.db.savepoint("kdf_due_position")
		try:
			with app_write():
				member = frappe.get_doc("Member", name)
				member.flags.ignore_permissions = True
				member.save()
			done.append(name)
		except Exception:
			frappe.db.rollback(save_point="kdf_due_position")
			frappe.log_error(title=f"KDF: position of {name} not brought up to date")
	return done
