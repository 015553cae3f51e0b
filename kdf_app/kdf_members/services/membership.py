"""Joining KDF (the public application on /bli-medlem and the secretariat's decision) and a member's own changes
on the portal (profile, a new position or leaving). The rules are in kdf_app.kdf_members.core.membership.

- An application is made only here (the guest endpoint kdf_app.api.membership.apply): checked and tidied; one
  from an address that is already a member's, a user's or an open application's is answered like any other
  (the page tells a guest nobody's membership), not saved, and the address gets an e-mail saying what to do.
- Approving makes the Member (its position history row, its Contact) and the portal login, and e-mails the
  welcome with the set-password link (the invitation's own path, kdf_app.kdf_members.services.invitations.invite); the
  whole approval is one transaction, so a failure leaves the application as it was. Rejecting e-mails the reason.
- A change request is confirmed by the secretariat into the position history (the Member's Change Position).
"""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime, today

from kdf_app.kdf_members.core import membership as rules
from kdf_app.kdf_members.core.members import ACTIVE, Position, position_rows
from kdf_app.kdf_members.core.organisations import OFFICIAL_KINDS
from kdf_app.kdf_members.services.members import require_member
from kdf_app.permissions import require_roles
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services.errors import throw
from kdf_app.shared.services.mail import send_template

APPLICATION = "Membership Application"
CHANGE_REQUEST = "Member Change Request"


# --- the official list ------------------------------------------------------------------------------------
def official_organisations() -> list[dict]:
	"""The organisations one may apply from: enabled Customers in the groups Kommune, Fylkeskommune, Bydel, in
	Norwegian alphabetical order. Name, display name, kind and organisation number only (public information)."""
	from kdf_app.shared.core.collation import sort_norwegian

	rows = sort_norwegian(
		frappe.get_all(
			"Customer",
			filters={"customer_group": ("in", OFFICIAL_KINDS), "disabled": 0},
			fields=["name", "customer_name", "customer_group", "kdf_org_number"],
		),
		key=lambda r: r.customer_name,
	)  # a person picks from it: Å after Ø, not among the A's as the database sorts it
	return [
		{
			"name": r.name,
			"label": r.customer_name,
			"kind": r.customer_group,
			"org_number": r.kdf_org_number or "",
		}
		for r in rows
	]


def _official_names() -> set[str]:
	return set(
		frappe.get_all(
			"Customer",
			filters={"customer_group": ("in", OFFICIAL_KINDS), "disabled": 0},
			pluck="name",
		)
	)


# --- applications -----------------------------------------------------------------------------------------
def _duplicate(app: rules.Application, ignore_application: str | None = None) -> DomainError | None:
	email = app.email
	members = frappe.get_all("Member", filters={"email": email}, pluck="email")
	users = frappe.get_all("User", filters={"name": email}, pluck="name") + frappe.get_all(
		"User", filters={"email": email}, pluck="email"
	)
	open_filters = {"email": email, "status": rules.NEW}
	if ignore_application:
		open_filters["name"] = ("!=", ignore_application)
	open_apps = frappe.get_all(APPLICATION, filters=open_filters, pluck="email")
	people = [
		(m, "member")
		for m in frappe.get_all(
			"Member",
			filters={"organisation": app.organisation, "membership_status": ACTIVE},
			pluck="member_name",
		)
	]
	app_filters = {"organisation": app.organisation, "status": rules.NEW}
	if ignore_application:
		app_filters["name"] = ("!=", ignore_application)
	people += [
		(a, "application") for a in frappe.get_all(APPLICATION, filters=app_filters, pluck="applicant_name")
	]
	error = rules.duplicate(app, members, users, open_apps, people)
	if not error and app.mobile and frappe.db.exists("User", {"mobile_no": app.mobile}):
		# Frappe keeps a mobile number to one user: the portal login could not be made
		error = DomainError(
			rules._("The mobile number {0} is already registered to another user. Contact the secretariat."),
			app.mobile,
			field="mobile",
		)
	return error


def known_address(email: str) -> str | None:
	"""Whose the address already is: "member", "user" or "application" (an open one); None when nobody's."""
	if frappe.get_all("Member", filters={"email": email}, limit=1):
		return "member"
	if frappe.db.exists("User", email) or frappe.get_all("User", filters={"email": email}, limit=1):
		return "user"
	if frappe.get_all(APPLICATION, filters={"email": email, "status": rules.NEW}, limit=1):
		return "application"
	return None


def submit_application(values: dict) -> str | None:
	"""Check and save an application from /bli-medlem; returns its name. Refused with a clear message (and
	nothing saved) when it is not valid.

	The page must not tell a guest whose an address is (a member's, a user's, someone's open application):
	an application from a known address is answered like any other, nothing is saved, and the address itself
	gets an e-mail saying what to do (template *membership_duplicate*); returns None then. The same name at the
	same organisation under another address, or a mobile number already in use, is saved: approving it is
	refused with the reason (``_duplicate``), for the secretariat to sort out."""
	try:
		app = rules.clean_application(values, _official_names(), getdate(today()), parse_date=getdate)
	except DomainError as e:
		throw(e, title=_("The application was not sent"))
	# one application at a time per e-mail: two identical requests at once must not both pass the check
	frappe.db.sql("select name from `tabMembership Application` where email=%s for update", app.email)
	known = known_address(app.email)
	if known:
		send_template(
			"membership_duplicate",
			[app.email],
			{"email": app.email, "reason": known, "login_url": frappe.utils.get_url("/login")},
		)
		return None
	doc = frappe.get_doc(
		{
			"doctype": APPLICATION,
			"first_name": app.first_name,
			"last_name": app.last_name,
			"email": app.email,
			"mobile": app.mobile,
			"title": app.title,
			"organisation": app.organisation,
			"start_date": app.start_date,
			"consent_on": now_datetime(),
			"research_consent": 1 if app.research_consent else 0,
			"privacy_notice_version": rules.PRIVACY_NOTICE_VERSION,
			"privacy_notice_date": rules.PRIVACY_NOTICE_DATE,
			"status": rules.NEW,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	return doc.name


def _locked_application(name: str):
	frappe.db.sql("select name from `tabMembership Application` where name=%s for update", name)
	doc = frappe.get_doc(APPLICATION, name)
	try:
		rules.check_can_decide(doc.status)
	except DomainError as e:
		throw(e, title=_("Cannot decide the application"))
	return doc


def approve(name: str) -> dict:
	"""The secretariat approves: Member (with its position history row and Contact), portal login and the
	Norwegian welcome with the set-password link. All or nothing."""
	from kdf_app.kdf_members.services.invitations import invite

	require_roles()
	doc = _locked_application(name)
	app = rules.Application(
		doc.first_name,
		doc.last_name,
		rules.normalise_email(doc.email),
		doc.mobile or "",
		doc.title,
		doc.organisation,
		getdate(doc.start_date),
		True,
	)
	if app.organisation not in _official_names():
		throw(
			DomainError(rules._("{0} is no longer on the official list of organisations."), doc.organisation),
			title=_("Cannot approve the application"),
		)
	error = _duplicate(app, ignore_application=doc.name)
	if error:
		throw(error, title=_("Cannot approve the application"))
	member = frappe.get_doc(
		{
			"doctype": "Member",
			"first_name": app.first_name,
			"last_name": app.last_name,
			"email": app.email,
			"mobile": app.mobile,
			"title": app.title,
			"organisation": app.organisation,
			"position_start": app.start_date,
			"membership_status": ACTIVE,
			"member_since": today(),
			# what they answered on /bli-medlem, and when (default no)
			"research_consent": 1 if doc.research_consent else 0,
			"research_consent_on": doc.consent_on if doc.research_consent else None,
		}
	)
	member.flags.ignore_permissions = True
	member.insert()
	sent = invite(member.name, purpose="membership_welcome")
	doc.db_set(
		{
			"status": rules.APPROVED,
			"member": member.name,
			"decided_on": now_datetime(),
			"decided_by": frappe.session.user,
		}
	)
	doc.add_comment(
		"Info", _("Approved: member {0}, welcome e-mail sent to {1}.").format(member.name, app.email)
	)
	return {"member": member.name, "user": sent["user"]}


def reject(name: str, reason: str | None) -> None:
	"""The secretariat rejects with a reason; the applicant gets it by e-mail."""
	require_roles()
	doc = _locked_application(name)
	try:
		reason = rules.check_reason(reason)
	except DomainError as e:
		throw(e, title=_("Cannot reject the application"))
	doc.db_set(
		{
			"status": rules.REJECTED,
			"reject_reason": reason,
			"decided_on": now_datetime(),
			"decided_by": frappe.session.user,
		}
	)
	send_template(
		"membership_rejected",
		[doc.email],
		{"application": doc, "reason": reason},
		reference=(APPLICATION, doc.name),
	)


# --- the member's own profile -----------------------------------------------------------------------------
def update_profile(mobile: str | None, email: str | None, title: str | None) -> dict:
	"""The logged-in member updates their mobile, e-mail and title directly. A new e-mail moves the portal
	login (the User is renamed, kdf_app.kdf_members.services.invitations.sync_user_email); one already in use is refused."""
	name = require_member(
		_("Please log in to change your profile."),
		_("Only members have a profile here. Contact the secretariat."),
	)
	member = frappe.get_doc("Member", name)
	try:
		new_mobile = rules.normalise_mobile(mobile)
		new_email = rules.check_email(email)
		new_title = rules.check_title(title)
	except DomainError as e:
		throw(e, title=_("Your profile was not changed"))
	email_changed = new_email != (member.email or "").lower()
	other_contact = frappe.db.sql(
		"""select 1 from `tabContact Email` where email_id = %s and parenttype = 'Contact'
		and ifnull(parent, '') != %s limit 1""",
		(new_email, member.contact or ""),
	)
	if email_changed and (
		frappe.db.exists("Member", {"email": new_email, "name": ("!=", member.name)})
		or frappe.db.exists("User", new_email)
		or frappe.db.exists("User", {"email": new_email})
		or frappe.db.exists("Membership Application", {"email": new_email, "status": rules.NEW})
		or other_contact
	):
		throw(
			DomainError(
				rules._("The e-mail {0} is already in use. Choose another, or contact the secretariat."),
				new_email,
			),
			title=_("Your profile was not changed"),
		)
	member.mobile = new_mobile
	member.email = new_email
	member.title = new_title
	member.flags.ignore_permissions = True
	# one unit: the Member, the login's rename (User and password), the Contact's e-mail and mobile; if any part
	# fails, none of it stays and the member is told why
	frappe.db.savepoint("kdf_profile")
	try:
		member.save()
	except Exception as e:
		frappe.db.rollback(save_point="kdf_profile")
		frappe.local.message_log = []
		# Frappe's messages carry markup (<strong>…); the portal shows the message as text
		reason = (
			frappe.utils.strip_html(str(e.args[0]))
			if isinstance(e, frappe.ValidationError) and e.args
			else ""
		)
		frappe.log_error(title="KDF: profile change not saved")
		throw(
			DomainError(rules._("Your profile could not be changed, and nothing was changed. {0}"), reason),
			title=_("Your profile was not changed"),
		)
	member.reload()
	return {
		"email_changed": email_changed,
		"login_moved": bool(email_changed and member.user == new_email),
		"email": member.email,
	}


# --- change requests --------------------------------------------------------------------------------------
def _positions(member) -> list[Position]:
	return [
		Position(
			r.organisation,
			r.title,
			getdate(r.from_date),
			getdate(r.to_date) if r.to_date else None,
			r.reason or None,
		)
		for r in member.positions
	]


def _change(values) -> rules.ChangeRequest:
	start = values.get("start_date")
	try:
		start = getdate(start) if start else None
	except Exception:
		start = None
	return rules.ChangeRequest(
		kind=values.get("kind"),
		start_date=start,
		organisation=values.get("organisation") or None,
		title=values.get("title") or None,
		reason=values.get("reason") or None,
	)


def request_change(values: dict) -> str:
	"""The logged-in member reports a new position or leaving; the secretariat confirms it."""
	name = require_member(
		_("Please log in to report a change."),
		_("Only members have a profile here. Contact the secretariat."),
	)
	member = frappe.get_doc("Member", name)
	change = _change(values)
	try:
		rules.check_change(change, _positions(member), _official_names())
	except DomainError as e:
		throw(e, title=_("The change was not sent"))
	if frappe.db.exists(CHANGE_REQUEST, {"member": name, "status": rules.NEW}):
		frappe.throw(
			_("You already have a change waiting for the secretariat; it must be handled first."),
			title=_("The change was not sent"),
		)
	note = (values.get("note") or "").strip()[:1000]
	doc = frappe.get_doc(
		{
			"doctype": CHANGE_REQUEST,
			"member": name,
			"user": frappe.session.user,
			"kind": change.kind,
			"status": rules.NEW,
			"organisation": change.organisation if change.kind == rules.NEW_POSITION else None,
			"title": change.title if change.kind == rules.NEW_POSITION else None,
			"start_date": change.start_date,
			"reason": change.reason or (rules.NEW_POSITION if change.kind == rules.NEW_POSITION else None),
			"note": frappe.utils.strip_html(note),
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	return doc.name


def my_change_requests() -> list[dict]:
	member = frappe.db.get_value("Member", {"user": frappe.session.user})
	if not member:
		return []
	return frappe.get_all(
		CHANGE_REQUEST,
		filters={"member": member},
		fields=[
			"name",
			"kind",
			"status",
			"organisation_name",
			"title",
			"start_date",
			"reason",
			"reject_reason",
			"creation",
		],
		order_by="creation desc",
		limit=10,
	)


def _locked_request(name: str):
	frappe.db.sql("select name from `tabMember Change Request` where name=%s for update", name)
	doc = frappe.get_doc(CHANGE_REQUEST, name)
	if doc.status != rules.NEW:
		frappe.throw(
			_("This change has already been handled ({0}).").format(_(doc.status)),
			title=_("Cannot handle the change"),
		)
	return doc


def confirm_change(name: str) -> None:
	"""The secretariat confirms: a new position goes through the Member's Change Position; leaving closes the
	current position on the given day with the reason (the membership status is the secretariat's to set).
	Either takes effect on its date: until then the member keeps the organisation and title they have."""
	require_roles()
	doc = _locked_request(name)
	member = frappe.get_doc("Member", doc.member)
	change = rules.ChangeRequest(doc.kind, getdate(doc.start_date), doc.organisation, doc.title, doc.reason)
	try:
		rules.check_change(change, _positions(member), _official_names())
		if doc.kind == rules.NEW_POSITION:
			member.change_position(doc.organisation, doc.title, str(doc.start_date), doc.reason)
		else:
			history = rules.close_current(_positions(member), change.start_date, doc.reason)
			member.set(
				"positions",
				position_rows(history),
			)
			member.save()  # the organisation goes once the last day has passed (Member.sync_positions)
	except DomainError as e:
		throw(e, title=_("Cannot confirm the change"))
	doc.db_set({"status": rules.CONFIRMED, "decided_on": now_datetime(), "decided_by": frappe.session.user})


def reject_change(name: str, reason: str | None) -> None:
	require_roles()
	doc = _locked_request(name)
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(
			_("Write the reason; the member sees it on Min profil."), title=_("Cannot reject the change")
		)
	doc.db_set(
		{
			"status": rules.REJECTED,
			"reject_reason": reason,
			"decided_on": now_datetime(),
			"decided_by": frappe.session.user,
		}
	)


# --- my invoices ------------------------------------------------------------------------------------------
PRINT_FORMAT = "KDF Faktura"


def _own_registrations(member: str) -> set[str]:
	"""The member's own registrations and those they made for colleagues (a group registration)."""
	return set(
		frappe.get_all("Registration", or_filters={"member": member, "registered_by": member}, pluck="name")
	)


def _own_invoice_names(member: str) -> list[str]:
	"""Submitted Sales Invoices (and credit notes) whose lines are all for the member's own registrations."""
	regs = _own_registrations(member)
	if not regs:
		return []
	candidates = set(
		frappe.get_all(
			"Sales Invoice Item",
			filters={"kdf_registration": ("in", list(regs)), "parenttype": "Sales Invoice"},
			pluck="parent",
		)
	)
	own = []
	for name in candidates:
		lines = frappe.get_all(
			"Sales Invoice Item",
			filters={"parent": name, "parenttype": "Sales Invoice"},
			pluck="kdf_registration",
		)
		if lines and all(r in regs for r in lines):
			own.append(name)
	return own


def my_invoices() -> list[dict]:
	"""The invoices of the logged-in member's own registrations: number, date, session, amount, status."""
	member = require_member(
		_("Please log in to see your invoices."),
		_("Only members have invoices here. Contact the secretariat."),
	)
	names = _own_invoice_names(member)
	if not names:
		return []
	rows = frappe.get_all(
		"Sales Invoice",
		filters={"name": ("in", names), "docstatus": 1},
		fields=[
			"name",
			"posting_date",
			"due_date",
			"grand_total",
			"outstanding_amount",
			"currency",
			"status",
			"is_return",
			"return_against",
			"customer_name",
		],
		order_by="posting_date desc, name desc",
	)
	sessions = {
		r.name: r.session_title
		for r in frappe.get_all(
			"Registration",
			or_filters={"member": member, "registered_by": member},
			fields=["name", "session_title"],
		)
	}
	out = []
	for r in rows:
		regs = frappe.get_all(
			"Sales Invoice Item",
			filters={"parent": r.name, "parenttype": "Sales Invoice"},
			pluck="kdf_registration",
		)
		out.append(
			{
				"invoice": r.name,
				"date": r.posting_date,
				"due_date": r.due_date,
				"session": ", ".join(dict.fromkeys(sessions.get(x) or "" for x in regs)),
				"paying_organisation": r.customer_name,
				"amount": r.grand_total,
				"currency": r.currency,
				"credit_note_for": r.return_against if r.is_return else None,
				"status": rules.invoice_status(r.status, r.grand_total, r.outstanding_amount),
			}
		)
		from kdf_app.kdf_billing.core.payments import member_payment_status

		out[-1]["payment"] = member_payment_status(out[-1]["status"])  # Betalt / Ikke betalt / Kreditert
	return out


def my_invoice_pdf(invoice: str) -> bytes:
	"""The PDF of one of the caller's own invoices (KDF Faktura); anyone else's is refused. Members have no
	permission on Sales Invoice: this checks ownership itself and renders past the print permission."""
	member = require_member(
		_("Please log in to see your invoices."),
		_("Only members have invoices here. Contact the secretariat."),
	)
	if (
		not isinstance(invoice, str)
		or invoice not in _own_invoice_names(member)
		or frappe.db.get_value("Sales Invoice", invoice, "docstatus") != 1
	):
		frappe.throw(_("This invoice is not one of yours."), frappe.PermissionError, title=_("Not permitted"))
	previous = frappe.flags.ignore_print_permissions
	frappe.flags.ignore_print_permissions = True
	try:
		return frappe.get_print("Sales Invoice", invoice, print_format=PRINT_FORMAT, as_pdf=True)
	finally:
		frappe.flags.ignore_print_permissions = previous
