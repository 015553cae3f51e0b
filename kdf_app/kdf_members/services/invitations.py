"""Portal invitations: a member gets a Website User with the role KDF Medlem and an e-mail in Norwegian with
a link to set their password (Frappe's reset-password key, /update-password?key=...).

The secretariat sends them without any power over the User doctype: every path here checks the caller's
role (kdf_app.permissions.require_roles), only ever creates or touches a *Website User* whose e-mail is the
member's own, and only ever gives it the role KDF Medlem. The link goes to the User's own address.
"""

import frappe
from frappe import _
from frappe.utils import cint, now_datetime

from kdf_app.kdf_members.core.members import ACTIVE
from kdf_app.permissions import require_roles
from kdf_app.shared.core.roles import MEMBER, MEMBER_USER_ROLES
from kdf_app.shared.services.mail import send_template

LINK_VALID_DAYS = 7  # busy chief executives: a week to open the invitation
BULK_NOW = 25  # more than this many invitations go to a background job


def link_valid_days() -> int | None:
	"""How long a set-password link is valid, in whole days (None: no limit), from System Settings."""
	seconds = cint(frappe.db.get_single_value("System Settings", "reset_password_link_expiry_duration"))
	return max(1, seconds // 86400) if seconds else None


def ensure_link_expiry() -> None:
	"""Set-password links expire after a week: neither never nor too soon for a busy member (install)."""
	seconds = cint(frappe.db.get_single_value("System Settings", "reset_password_link_expiry_duration"))
	if not seconds or seconds < LINK_VALID_DAYS * 86400:
		frappe.db.set_single_value(
			"System Settings", "reset_password_link_expiry_duration", LINK_VALID_DAYS * 86400
		)


def _user_roles(user: str) -> set[str]:
	return set(frappe.get_all("Has Role", {"parent": user, "parenttype": "User"}, pluck="role"))


def _check_user(member, user: str) -> None:
	"""The existing User may receive the invitation only if it is the member's own plain portal account."""
	values = frappe.db.get_value("User", user, ["email", "user_type", "enabled"], as_dict=True)
	if not values:
		return
	if (values.email or "").lower() != (member.email or "").lower():
		frappe.throw(
			_(
				"The portal user {0} has another e-mail than the member ({1}); correct the member's e-mail."
			).format(user, member.email),
			title=_("Cannot send the invitation"),
		)
	if values.user_type != "Website User" or _user_roles(user) - MEMBER_USER_ROLES:
		frappe.throw(
			_(
				"{0} already has a user with more access than a member's portal login; a System Manager must give it the role KDF Medlem."
			).format(member.email),
			title=_("Cannot send the invitation"),
		)
	if not values.enabled:
		frappe.throw(
			_("The user {0} is disabled; a System Manager must enable it first.").format(user),
			title=_("Cannot send the invitation"),
		)


def portal_user(member) -> str:
	"""The member's Website User with the role KDF Medlem, created if missing."""
	user = (
		member.user
		or frappe.db.get_value("User", {"name": member.email})
		or frappe.db.get_value("User", {"email": member.email})
	)
	if user:
		_check_user(member, user)
		if MEMBER not in _user_roles(user):
			doc = frappe.get_doc("User", user)
			doc.append("roles", {"role": MEMBER})
			doc.flags.ignore_permissions = True
			doc.save()
	else:
		doc = frappe.get_doc(
			{
				"doctype": "User",
				"email": member.email,
				"first_name": member.first_name,
				"last_name": member.last_name,
				"user_type": "Website User",
				"send_welcome_email": 0,
				"language": "no",
				"mobile_no": member.mobile,
				"roles": [{"role": MEMBER}],
			}
		)
		doc.flags.ignore_permissions = True
		doc.insert()
		user = doc.name
	if member.user != user:
		member.db_set("user", user, update_modified=False)
	if member.contact:
		frappe.db.set_value("Contact", member.contact, "user", user, update_modified=False)
	return user


def invite(member_name: str, purpose: str = "member_invitation") -> dict:
	"""Create the member's portal login if needed and e-mail the invitation with a fresh set-password link.
	Sending again (a resend) makes a new link; the earlier one stops working. ``purpose`` chooses the e-mail
	(the welcome after an approved membership application uses ``membership_welcome``)."""
	require_roles()
	member = frappe.get_doc("Member", member_name)
	if member.membership_status != ACTIVE:
		frappe.throw(
			_("Only active members can be invited; {0} is {1}.").format(
				member.member_name, _(member.membership_status)
			),
			title=_("Cannot send the invitation"),
		)
	if not member.email:
		frappe.throw(
			_("{0} has no e-mail address.").format(member.member_name), title=_("Cannot send the invitation")
		)
	if not frappe.db.exists("Email Account", {"enable_outgoing": 1}):
		# the link would go nowhere while the member is recorded as invited
		frappe.throw(
			_(
				"There is no outgoing e-mail account; a System Manager must set one up before invitations can be sent."
			),
			title=_("Cannot send the invitation"),
		)
	user = portal_user(member)
	user_doc = frappe.get_doc("User", user)
	link = user_doc.reset_password(send_email=False)
	send_template(
		purpose,
		[user_doc.email],
		{
			"member": member,
			"link": link,
			"valid_days": link_valid_days(),
			"login_url": frappe.utils.get_url("/login", allow_header_override=False),
			"user": user,
		},
		reference=("Member", member.name),
	)
	sent_on = now_datetime()
	member.db_set("invitation_sent_on", sent_on, update_modified=False)
	return {"member": member.name, "user": user, "sent_on": sent_on}


def pending(include_invited: bool = False) -> list[str]:
	"""Active members with an e-mail who have never logged in to the portal (and, unless
	``include_invited``, have not been invited yet)."""
	filters = {"membership_status": ACTIVE, "email": ("is", "set"), "last_portal_login": ("is", "not set")}
	if not include_invited:
		filters["invitation_sent_on"] = ("is", "not set")
	return frappe.get_all("Member", filters=filters, order_by="member_name asc", pluck="name")


def invite_many(members: list[str]) -> dict:
	"""Invite each member; one that cannot be invited is reported with the reason and the others go on."""
	require_roles()
	sent, failed = [], []
	for name in members:
		frappe.db.savepoint("kdf_invite")
		try:
			invite(name)
			sent.append(name)
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point="kdf_invite")
			frappe.clear_last_message()
			failed.append({"member": name, "reason": str(e)})
	return {"sent": sent, "failed": failed}


def invite_all(include_invited: bool = False) -> dict:
	"""Invite every active member without a login; many go to a background job (needs the worker)."""
	require_roles()
	members = pending(include_invited)
	if len(members) <= BULK_NOW:
		return {"queued": 0, **invite_many(members)}
	frappe.enqueue(
		"kdf_app.kdf_members.services.invitations.invite_many",
		queue="long",
		timeout=3600,
		members=members,
		enqueue_after_commit=True,
	)
	return {"queued": len(members), "sent": [], "failed": []}


def record_login(login_manager) -> None:
	"""on_login: the member's record shows that (and when) they last logged in to the portal."""
	user = getattr(login_manager, "user", None)
	if not user or user in ("Guest", "Administrator"):
		return
	member = frappe.db.get_value("Member", {"user": user})
	if member:
		frappe.db.set_value("Member", member, "last_portal_login", now_datetime(), update_modified=False)


def sync_user_email(member) -> None:
	"""The member's e-mail changed: their portal login follows (Frappe logs in by the User's name, the e-mail),
	or the secretariat is told clearly why it could not."""
	if not member.user or not member.email or member.user.lower() == member.email.lower():
		return
	old = member.user
	reason = None
	if frappe.db.exists("User", member.email) or frappe.db.exists("User", {"email": member.email}):
		reason = _("another user already has the e-mail {0}").format(member.email)
	elif (
		frappe.db.get_value("User", old, "user_type") != "Website User"
		or _user_roles(old) - MEMBER_USER_ROLES
	):
		reason = _("the user {0} has more access than a member's portal login").format(old)
	if reason:
		frappe.msgprint(
			_("The member's portal login is still {0}: {1}. A System Manager can change it.").format(
				old, reason
			),
			title=_("Portal login not changed"),
			indicator="orange",
		)
		return
	from frappe.model.rename_doc import rename_doc

	# the secretariat has no rights on User: this path only ever renames a member's own portal login. Frappe's
	# User.after_rename renames the login's Notification Settings without ignore_permissions, which only the
	# user themself may do (the secretariat in the desk was refused): renamed here first, so it finds none
	if frappe.db.exists("Notification Settings", old):
		rename_doc(
			"Notification Settings", old, member.email, force=True, ignore_permissions=True, show_alert=False
		)
	rename_doc("User", old, member.email, ignore_permissions=True, show_alert=False, rebuild_search=False)
	member.db_set("user", member.email, update_modified=False)
	frappe.msgprint(
		_("The member's portal login is now {0}.").format(member.email), alert=True, indicator="green"
	)
