"""Retention of former members' personal data: the daily job, the anonymisation and its log.

Rules (what a leaving date is, when a member is due, how long the books need a registration) are in
kdf_app.kdf_privacy.core.retention. Sales Invoices, their lines and the General Ledger are never touched: an invoice is
the organisation's, and the participant named on its lines stays there as the Bokføringsloven requires.
"""

import frappe
from frappe.utils import cint, getdate, now_datetime, today

from kdf_app.kdf_members.core.membership import REJECTED
from kdf_app.kdf_members.core.newsletter import GROUP
from kdf_app.kdf_privacy.core import retention as rules
from kdf_app.kdf_privacy.core.retention import (
	ANONYMOUS,
	APPLICATION_CLEARED,
	CHANGE_REQUEST_CLEARED,
	CONTACT_REGISTRATION_BOOKS,
	EVALUATION_CLEARED,
	FORMER_STATUSES,
	REGISTRATION_BOOKS,
	REGISTRATION_CLEARED,
	books_need,
	decide,
	dietary_due,
	due,
	placeholder,
)

LOG = "Retention Log"


def settings() -> tuple[int, int]:
	values = frappe.db.get_value(
		"KDF Settings", "KDF Settings", ["member_retention_years", "accounting_retention_years"], as_dict=True
	)
	return cint(values.member_retention_years), cint(values.accounting_retention_years)


def dietary_days() -> int | None:
	"""KDF Settings → Clear Dietary Needs After (Days); None when the site never saved it (the default)."""
	value = frappe.db.get_single_value("KDF Settings", "dietary_needs_days")
	return None if value in (None, "") else cint(value)


def clear_dietary_needs(on, days: int | None) -> int:
	"""Every registration's dietary needs, ``days`` after its session ended (kdf_app.kdf_privacy.core.retention.dietary_due),
	with the versions that recorded them. Returns how many registrations were cleared."""
	rows = frappe.db.sql(
		"""select r.name, s.ends_on from `tabRegistration` r
		join `tabTopplederprogram Session` s on s.name = r.session
		where ifnull(r.dietary_needs, '') != ''""",
		as_dict=True,
	)
	names = [r.name for r in rows if dietary_due(getdate(r.ends_on) if r.ends_on else None, on, days)]
	for name in names:
		frappe.db.set_value("Registration", name, "dietary_needs", None, update_modified=False)
	if names:
		frappe.db.delete(
			"Version",
			{"ref_doctype": "Registration", "docname": ("in", names), "data": ("like", "%dietary_needs%")},
		)
	return len(names)


def release_non_member_participants(on, years: int, accounting_years: int) -> int:
	"""Registrations of participants who are not members (a Contact of the paying organisation): ``years``
	after the session (the same period as former members'), their e-mail, mobile, dietary needs and free text
	go with the registration's history, and their name, title and invoice reference too once no invoice inside
	the accounting period rests on it. Returns how many registrations were changed."""
	rows = frappe.db.sql(
		"""select r.name, r.sales_invoice, r.contact, r.participant_name, r.participant_email,
		r.participant_mobile, r.dietary_needs, r.topic, s.ends_on
		from `tabRegistration` r join `tabTopplederprogram Session` s on s.name = r.session
		where r.participant_type = 'Kontakt' and ifnull(r.participant_name, '') != %s""",
		ANONYMOUS,
		as_dict=True,
	)
	changed = 0
	for r in rows:
		if not due(getdate(r.ends_on) if r.ends_on else None, on, years):
			continue
		values = {f: None for f in REGISTRATION_CLEARED}
		released = not books_need(_invoice_dates(r.sales_invoice), on, accounting_years)
		if released:
			values.update({f: None for f in CONTACT_REGISTRATION_BOOKS})
			values.update(participant_name=ANONYMOUS, contact=None)
		elif not any(r.get(f) for f in ("participant_email", "participant_mobile", "dietary_needs", "topic")):
			continue  # cleared on an earlier run; the books still need the name
		frappe.db.set_value("Registration", r.name, values, update_modified=False)
		_delete_history("Registration", [r.name])
		if released and r.contact:
			_drop_unused_contact(r.contact)
		changed += 1
	return changed


def _drop_unused_contact(contact: str) -> None:
	"""A non-member's Contact goes with their last registration, unless anything else uses it (another
	registration, a member, an invoice or a customer naming it): then it is the organisation's business
	contact and the secretariat keeps it."""
	if (
		frappe.db.exists("Registration", {"contact": contact})
		or frappe.db.exists("Member", {"contact": contact})
		or frappe.db.exists("Sales Invoice", {"contact_person": contact})
		or frappe.db.exists("Customer", {"customer_primary_contact": contact})
	):
		return
	frappe.delete_doc("Contact", contact, ignore_permissions=True, force=True, delete_permanently=True)


def _log(run: str, action: str, member: str | None = None, left_on=None, detail: str | None = None) -> None:
	frappe.get_doc(
		{
			"doctype": LOG,
			"log_type": rules.MEMBER_LOG if member else rules.RUN_LOG,
			"run": run,
			"logged_on": now_datetime(),
			"action": action,
			"member": member,
			"left_on": left_on,
			"detail": detail,
		}
	).insert(ignore_permissions=True)


def position_ends() -> dict[str, list]:
	"""Each member's position end dates (None for an open position)."""
	ends: dict[str, list] = {}
	for p in frappe.get_all(
		"Member Position", filters={"parenttype": "Member"}, fields=["parent", "to_date"], order_by="idx"
	):
		ends.setdefault(p.parent, []).append(getdate(p.to_date) if p.to_date else None)
	return ends


def _invoice_dates(sales_invoice: str | None) -> list:
	"""Posting dates of a registration's invoice and of every credit note against it."""
	if not sales_invoice:
		return []
	dates = [
		frappe.db.get_value("Sales Invoice", {"name": sales_invoice, "docstatus": ("!=", 2)}, "posting_date")
	]
	dates += frappe.get_all(
		"Sales Invoice",
		filters={"return_against": sales_invoice, "docstatus": ("!=", 2)},
		pluck="posting_date",
	)
	return [getdate(d) for d in dates if d]


def _release_registrations(member: str, on, accounting_years: int) -> int:
	"""Clear what the books no longer need from the member's registrations; returns how many were cleared."""
	released = 0
	for reg in frappe.get_all(
		"Registration",
		filters={"member": member, "member_name": ("!=", ANONYMOUS)},
		fields=["name", "sales_invoice"],
	):
		if books_need(_invoice_dates(reg.sales_invoice), on, accounting_years):
			continue
		frappe.db.set_value(
			"Registration",
			reg.name,
			{
				"member_name": ANONYMOUS,
				"participant_name": ANONYMOUS,
				**dict.fromkeys(REGISTRATION_BOOKS[1:]),
			},
			update_modified=False,
		)
		released += 1
	return released


def _delete_history(doctype: str, names: list[str]) -> None:
	"""Versions, comments, e-mails and attachments that name the person."""
	if not names:
		return
	frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", names)})
	frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", names)})
	frappe.db.delete("Communication", {"reference_doctype": doctype, "reference_name": ("in", names)})
	for f in frappe.get_all(
		"File", filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names)}, pluck="name"
	):
		frappe.delete_doc("File", f, ignore_permissions=True, force=True, delete_permanently=True)


def _scrub_applications(names: list[str]) -> None:
	"""Membership applications: the applicant's name, address, mobile and the rejection's wording go; the
	organisation, title, dates and decision stay (name-free)."""
	for name in names:
		frappe.db.set_value(
			"Membership Application",
			name,
			{
				"first_name": ANONYMOUS,
				"last_name": "",
				"applicant_name": ANONYMOUS,
				**dict.fromkeys(APPLICATION_CLEARED),
			},
			update_modified=False,
		)
	_delete_history("Membership Application", names)


def _scrub_member_records(member: str, email: str) -> None:
	"""What else names the member: applications (by member or address), reported changes, named evaluation
	answers (their free text; the scores stay in the results)."""
	filters = {"member": member}
	applications = set(frappe.get_all("Membership Application", filters=filters, pluck="name"))
	if email:
		applications |= set(frappe.get_all("Membership Application", filters={"email": email}, pluck="name"))
	_scrub_applications(sorted(applications))
	requests = frappe.get_all("Member Change Request", filters=filters, pluck="name")
	for name in requests:
		frappe.db.set_value(
			"Member Change Request",
			name,
			{"member_name": ANONYMOUS, **dict.fromkeys(CHANGE_REQUEST_CLEARED)},
			update_modified=False,
		)
	_delete_history("Member Change Request", requests)
	evaluations = frappe.get_all(
		"Session Evaluation", filters={"member": member, "anonymous": 0}, pluck="name"
	)
	for name in evaluations:
		frappe.db.set_value(
			"Session Evaluation",
			name,
			{"member_name": ANONYMOUS, **dict.fromkeys(EVALUATION_CLEARED)},
			update_modified=False,
		)
	_delete_history("Session Evaluation", evaluations)


def _drop_traces(names: dict[str, list[str]], user: str | None) -> None:
	"""What Frappe itself keeps about deleted or scrubbed records and a deleted login: copies in Deleted
	Document (Frappe's User deletion removes its Notification Settings without ``delete_permanently``), the
	"deleted" feed comments naming them, and the login's activity, access and route logs and notifications.
	``names``: doctype → the names that identified the person (a Contact's name is the person's name, a
	User's their e-mail)."""
	for doctype, docnames in names.items():
		for name in filter(None, docnames):
			frappe.db.delete("Deleted Document", {"deleted_doctype": doctype, "deleted_name": name})
			frappe.db.delete(
				"Comment",
				{"comment_type": "Deleted", "reference_doctype": doctype, "subject": ("like", f"% {name}")},
			)
			frappe.db.delete("Activity Log", {"reference_doctype": doctype, "reference_name": name})
	if user:
		frappe.db.delete(
			"Deleted Document", {"deleted_doctype": "Notification Settings", "deleted_name": user}
		)
		# Frappe's "deleted" feed of the login's Notification Settings (named by the e-mail)
		frappe.db.delete("Comment", {"comment_type": "Deleted", "subject": ("like", f"% {user}")})
		for doctype, field in (
			("Activity Log", "user"),
			("Access Log", "user"),
			("Route History", "user"),
			("Notification Log", "for_user"),
		):
			frappe.db.delete(doctype, {field: user})


def _drop_mail(email: str) -> None:
	"""E-mails to the address in Frappe's queue (a queued e-mail to several people only loses this recipient)
	and its unsubscribe rows."""
	if not email:
		return
	for row in frappe.get_all(
		"Email Queue Recipient", filters={"recipient": email}, fields=["name", "parent"]
	):
		others = frappe.db.count("Email Queue Recipient", {"parent": row.parent, "name": ("!=", row.name)})
		frappe.db.delete("Email Queue Recipient", {"name": row.name})
		if not others and row.parent:
			frappe.db.delete("Email Queue", {"name": row.parent})
	frappe.db.delete("Email Unsubscribe", {"email": email})
	# copies Frappe kept of rows with the address deleted earlier (the newsletter sync removes a leaver's row)
	frappe.db.delete(
		"Deleted Document",
		{
			"deleted_doctype": ("in", ("Email Group Member", "Email Unsubscribe", "Contact", "User")),
			"data": ("like", f"%{email}%"),
		},
	)


def release_rejected_applications(on, years: int) -> int:
	"""Rejected applications of people who never became members: anonymised ``years`` after the decision
	(the same period as former members'). Returns how many."""
	names = [
		a.name
		for a in frappe.get_all(
			"Membership Application",
			filters={"status": REJECTED, "member": ("is", "not set"), "applicant_name": ("!=", ANONYMOUS)},
			fields=["name", "decided_on", "creation", "email"],
		)
		if due(getdate(a.decided_on or a.creation), on, years)
	]
	for name in names:
		_drop_mail((frappe.db.get_value("Membership Application", name, "email") or "").strip().lower())
	_scrub_applications(names)
	return len(names)


def _drop_contact(contact: str, member: str) -> None:
	"""Delete the member's Contact; if something links to it, scrub it and give it a name without the person's."""
	if not contact or not frappe.db.exists("Contact", contact):
		return
	frappe.db.savepoint("kdf_retention_contact")
	try:
		frappe.delete_doc("Contact", contact, ignore_permissions=True, force=False, delete_permanently=True)
		_delete_history("Contact", [contact])
		return
	except frappe.LinkExistsError:
		frappe.db.rollback(save_point="kdf_retention_contact")
	doc = frappe.get_doc("Contact", contact)
	doc.first_name, doc.last_name, doc.middle_name = ANONYMOUS, "", ""
	doc.designation = doc.user = doc.email_id = doc.mobile_no = doc.phone = None
	doc.set("email_ids", [])
	doc.set("phone_nos", [])
	doc.flags.ignore_permissions = True
	doc.flags.ignore_mandatory = True
	doc.save()
	_delete_history("Contact", [contact])
	from frappe.model.rename_doc import rename_doc

	rename_doc("Contact", contact, f"{ANONYMOUS} {member}", ignore_permissions=True, show_alert=False)


def _drop_user(user: str, member: str) -> None:
	"""Delete the member's portal login; a login with more access than a member's only loses KDF Medlem."""
	from kdf_app.kdf_members.services.invitations import _user_roles
	from kdf_app.shared.core.roles import MEMBER, MEMBER_USER_ROLES

	if not user or not frappe.db.exists("User", user):
		return
	if (
		frappe.db.get_value("User", user, "user_type") != "Website User"
		or _user_roles(user) - MEMBER_USER_ROLES
	):
		frappe.get_doc("User", user).remove_roles(MEMBER)
		return
	frappe.db.savepoint("kdf_retention_user")
	try:
		frappe.delete_doc("User", user, ignore_permissions=True, force=False, delete_permanently=True)
		return
	except frappe.LinkExistsError:
		frappe.db.rollback(save_point="kdf_retention_user")
	doc = frappe.get_doc("User", user)
	doc.enabled = 0
	doc.first_name, doc.last_name, doc.middle_name = ANONYMOUS, "", ""
	for field in ("mobile_no", "phone", "bio", "location", "birth_date", "user_image", "gender"):
		doc.set(field, None)
	doc.set("roles", [])
	doc.flags.ignore_permissions = True
	doc.save()
	from frappe.model.rename_doc import rename_doc

	rename_doc("User", user, placeholder(member), ignore_permissions=True, show_alert=False)


def anonymise_member(member: str, on=None, accounting_years: int = 0) -> None:
	"""Remove the person from a former member's record and everything linked to it, except the books."""
	on = getdate(on or today())
	m = frappe.db.get_value("Member", member, ["name", "email", "user", "contact"], as_dict=True)
	email = (m.email or "").strip().lower()
	# newsletter: the row goes, whether subscribed or not (the address itself is personal data)
	if email:
		for row in frappe.get_all("Email Group Member", {"email_group": GROUP, "email": email}, pluck="name"):
			frappe.delete_doc(
				"Email Group Member", row, ignore_permissions=True, force=True, delete_permanently=True
			)
		if frappe.db.exists("Email Group", GROUP):
			frappe.get_doc("Email Group", GROUP).update_total_subscribers()
	registrations = frappe.get_all("Registration", {"member": member}, pluck="name")
	for reg in registrations:
		frappe.db.set_value("Registration", reg, dict.fromkeys(REGISTRATION_CLEARED), update_modified=False)
	_release_registrations(member, on, accounting_years)
	_delete_history("Registration", registrations)
	_scrub_member_records(member, email)
	_drop_mail(email)
	frappe.db.set_value(
		"Member",
		member,
		{
			"first_name": ANONYMOUS,
			"last_name": "",
			"member_name": ANONYMOUS,
			"email": None,
			"mobile": None,
			"user": None,
			"contact": None,
			"leaving_reason": None,
			"directory_consent": 0,
			"newsletter_consent": 0,
			"research_consent": 0,  # an anonymised member is in no research extract (kdf_app.kdf_members.services.turnover)
			"invitation_sent_on": None,
			"last_portal_login": None,
			"anonymised_on": on,
		},
		update_modified=False,
	)
	contacts = {m.contact} if m.contact else set()
	if email:
		contacts |= set(
			frappe.get_all("Contact Email", {"email_id": email, "parenttype": "Contact"}, pluck="parent")
		)
	if m.user:
		contacts |= set(frappe.get_all("Contact", {"user": m.user}, pluck="name"))
	for contact in sorted(contacts):
		_drop_contact(contact, member)
	_drop_user(m.user, member)
	_delete_history("Member", [member])
	_drop_traces({"Contact": sorted(contacts), "User": [m.user], "Member": [member]}, m.user)


def run(on=None) -> dict:
	"""Daily: anonymise the former members whose retention period has passed; log the run and each member."""
	on = getdate(on or today())
	years, accounting_years = settings()
	run_id = f"{now_datetime():%Y-%m-%d %H:%M:%S}-{frappe.generate_hash(length=4)}"
	counts = {
		"anonymised": [],
		"not yet": 0,
		"no leaving date": 0,
		"failed": 0,
		"released": 0,
		"applications": 0,
		"non-members": 0,
		"dietary": 0,
	}
	if years > 0:
		ends = position_ends()
		for m in frappe.get_all(
			"Member",
			filters={"membership_status": ("in", list(FORMER_STATUSES)), "anonymised_on": ("is", "not set")},
			fields=["name", "membership_status", "membership_ended_on"],
			order_by="name",
		):
			decision = decide(
				m.name,
				m.membership_status,
				getdate(m.membership_ended_on) if m.membership_ended_on else None,
				ends.get(m.name, []),
				on,
				years,
			)
			if decision.action != "anonymise":
				counts[decision.action] += 1
				continue
			frappe.db.savepoint("kdf_retention_member")
			try:
				anonymise_member(m.name, on, accounting_years)
			except Exception as e:
				frappe.db.rollback(save_point="kdf_retention_member")
				counts["failed"] += 1
				_log(run_id, rules.FAILED, m.name, decision.left_on, type(e).__name__)
				frappe.log_error(title=f"KDF retention: member {m.name} not anonymised")
				continue
			counts["anonymised"].append(m.name)
			_log(
				run_id,
				rules.ANONYMISED,
				m.name,
				decision.left_on,
				f"left {decision.left_on}, {years} years",
			)
	if years > 0:
		counts["applications"] = release_rejected_applications(on, years)
		counts["non-members"] = release_non_member_participants(on, years, accounting_years)
	counts["dietary"] = clear_dietary_needs(on, dietary_days())
	# registrations of members anonymised earlier, whose invoices have left the accounting period since
	for member in frappe.get_all(
		"Registration",
		filters={"member_name": ("!=", ANONYMOUS)},
		pluck="member",
		distinct=True,
	):
		if member and frappe.db.get_value("Member", member, "anonymised_on"):
			released = _release_registrations(member, on, accounting_years)
			if released:
				counts["released"] += released
				_log(run_id, rules.RELEASED, member, detail=f"{released} registration(s)")
	_log(
		run_id,
		rules.RUN,
		detail=(
			f"retention {years} years (0 = off), accounting {accounting_years or 5} years; "
			f"anonymised {len(counts['anonymised'])}, not yet due {counts['not yet']}, "
			f"no leaving date {counts['no leaving date']}, failed {counts['failed']}, "
			f"registrations released {counts['released']}, "
			f"rejected applications anonymised {counts['applications']}, "
			f"non-member participants' registrations anonymised {counts['non-members']}, "
			f"dietary needs cleared after the session {counts['dietary']}"
		),
	)
	return counts
