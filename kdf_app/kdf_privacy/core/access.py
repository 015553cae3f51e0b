"""Need to know: who may see what, as data. No Frappe here.

The matrix below is the one source of truth for three things: the access table in docs/architecture.md (a
plain test renders it and compares), the HTTP access-matrix test (it asks the expectation of every role for
every path family from here), and the server hooks' vocabulary (which doctypes are confidential, which fields
only the app sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from kdf_app.shared.core import roles

# --- who ------------------------------------------------------------------------------------------------------
ACTORS = (
	"guest",
	"member",  # KDF Medlem, for their own records
	"other member",  # KDF Medlem, for someone else's records
	"website user",  # logged in, not a member
	"non-member participant",  # a colleague a member registered, who made a website login with that address
	"secretariat",  # KDF Sekretariat
	"mentor",  # KDF Mentor, for the cases assigned to them
	"other mentor",  # KDF Mentor, for a case assigned to someone else
	"case manager",  # KDF Saksbehandler
	"accountant",  # Accounts User / Manager
)

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Row:
	what: str
	allowed: frozenset[str]  # the actors who may read it
	note: str = ""

	def may(self, actor: str) -> bool:
		if actor not in ACTORS:
			raise ValueError(actor)
		return actor in self.allowed


def _row(what: str, *actors: str, note: str = "") -> Row:
	return Row(what, frozenset(actors), note)


# Each row: a kind of data and the actors who may read it on any path (document, list, count, group-by count,
# report view and export, link search and titles, print and PDF, reports, global search, docinfo, files).
MATRIX = (
	_row(
		"Confidential case (request, notes, summary, attachments)",
		"mentor",
		"case manager",
		note="a mentor only the cases assigned to them; every read and refusal is logged",
	),
	_row("Meeting notes of a case (child rows)", "mentor", "case manager"),
	_row(
		"Case content on any door but the read path (REST, lists, reports, prints, exports, templates, backups)",
		note="stored sealed; only kdf_app.kdf_advice.services.case_vault.read_case opens it, for those above, logged",
	),
	_row("Case Read Log", "case manager"),
	_row("Status and type of one's own case (portal /radgivning)", "member", note="no content, no notes"),
	_row("Mentor pool entry", "mentor", "case manager", note="a mentor only their own entry"),
	_row(
		"Member record and position history (incl. reason for leaving)",
		"member",
		"secretariat",
		"case manager",
		"accountant",
		note="a member only their own",
	),
	_row(
		"Registration and its price lines",
		"member",
		"secretariat",
		"accountant",
		note="a member only their own",
	),
	_row(
		"Dietary needs and allergies (health data)",
		"member",
		"secretariat",
		note="on the registration and the participant list",
	),
	_row(
		"Participant list (print formats Deltakerliste and Navneskilt, report Session Participants, participants by "
		"organisation on the session)",
		"secretariat",
		note="members and non-members alike",
	),
	_row(
		"A non-member participant (a Contact of the organisation: name, title, e-mail, mobile, dietary needs)",
		"secretariat",
		note="the member who registered them sees only name and status (Mine påmeldinger); no portal login is "
		"made for them (one they make themselves sees no other participant); the accountant sees the name on "
		"invoice lines",
	),
	_row(
		"Contact details (e-mail, mobile) of the people at an organisation, non-member participants included",
		"secretariat",
		"accountant",
		note="ERPNext's Accounts User reads every Contact (role permission) for invoicing; members and website "
		"users only their own",
	),
	_row(
		"Membership application (applicant's name, e-mail, mobile, organisation)",
		"secretariat",
		note="made only through the public form /bli-medlem; guests submit, never read",
	),
	_row(
		"Member change request (new position, leaving)",
		"member",
		"secretariat",
		note="a member only their own",
	),
	_row(
		"Invoice of one's own registration (number, amount, status, PDF on /mine-fakturaer)",
		"member",
		"secretariat",
		"accountant",
		note="a member only invoices whose every line is their own registration; no Sales Invoice permission",
	),
	_row(
		"Topics in advance (innmeldte tema)",
		"member",
		"secretariat",
		note="on the registration; the list per session (report Session Topics, print format Innmeldte tema) is the secretariat's",
	),
	_row(
		"Evaluation answers of a named session (who answered what)",
		"secretariat",
		note="report Session Evaluation Results; a member answers once and does not read answers back",
	),
	_row(
		"Who answered what in an anonymous evaluation",
		note="nobody but System Manager: the answer carries no registration or member; results from 3 answers",
	),
	_row(
		"Annual report (årsmelding, report KDF Annual Report)",
		"secretariat",
		note="the year's counts and sums; no names, no case content",
	),
	_row(
		"Tenure and Turnover report (per year, county, kind: started, left, turnover rate, tenure quartiles, "
		"reasons for leaving)",
		"secretariat",
		note="counts and shares, no names; the årsmelding takes its year's figures from the same functions",
	),
	_row(
		"Research extract (anonymised tenures of members who consented) and its Research Extract Log",
		note=f"only the role {roles.RESEARCH}, which a System Manager gives (not in the Role Profile "
		f"{roles.SECRETARIAT_PROFILE}); k-anonymous (k from KDF Settings, at least 3); every extract logged",
	),
	_row(
		"Retention Log (which former member was anonymised when)",
		"secretariat",
		note="read-only; the member's id and dates, no names",
	),
	_row(
		"Bank file imports and report Innbetalinger (payer's name and account, amounts, KID, payment text)",
		"secretariat",
		"accountant",
		note="read-only; written by the import; payers are mostly organisations, sometimes a person paying their own fee",
	),
	_row("Draft session (status Utkast)", "secretariat", "accountant"),
	_row("Published session (programme, prices)", *ACTORS, note="its web page is public"),
	_row("Server settings (EHF outbox folder, endpoint, API key)", note="System Manager only"),
	_row(
		"Authoring e-mail templates, print formats, notifications (Jinja runs code)",
		note="System Manager only; the secretariat reads templates and chooses them in KDF Settings",
	),
	_row(
		"Linking a portal login to a member (Member.user)",
		note="only the invitation flow or a System Manager",
	),
)


def row(what_starts_with: str) -> Row:
	found = [r for r in MATRIX if r.what.startswith(what_starts_with)]
	if len(found) != 1:
		raise KeyError(what_starts_with)
	return found[0]


def markdown_table() -> str:
	"""The access table of docs/architecture.md."""
	head = "| What | " + " | ".join(ACTORS) + " | Note |"
	sep = "|---|" + "---|" * len(ACTORS) + "---|"
	lines = [head, sep]
	for r in MATRIX:
		cells = " | ".join(YES if r.may(a) else NO for a in ACTORS)
		lines.append(f"| {r.what} | {cells} | {r.note} |")
	return "\n".join(lines)


# --- what is confidential -------------------------------------------------------------------------------------
CASE = "Mentoring Case"
CASE_MEETING = "Case Meeting"
CASE_LOG = "Case Read Log"
CONFIDENTIAL = frozenset({CASE, CASE_MEETING})
# What a member told us, stored sealed (kdf_app.kdf_advice.core.sealing); only kdf_app.kdf_advice.services.case_vault.read_case opens it.
SEALED_FIELDS = {CASE: ("request", "closing_summary"), CASE_MEETING: ("notes",)}

# Core doctypes that hold people (their names, addresses, logins, roles, messages and traces). With kdf_app's own
# doctypes and every doctype that has a Dynamic Link (derived from the site's metadata), Frappe's template
# sandbox reads them only with the session user's permissions (kdf_app.kdf_privacy.services.sandbox).
PERSONAL_CORE_DOCTYPES = (
	"Contact",
	"Contact Email",
	"Contact Phone",
	"Address",
	"Dynamic Link",
	"User",
	"Has Role",
	"User Email",
	"User Social Login",
	"Communication",
	"Communication Link",
	"Comment",
	"Version",
	"Deleted Document",
	"File",
	"Email Queue",
	"Email Queue Recipient",
	"Error Log",
	"Activity Log",
	"Access Log",
	"Route History",
	"Notification Log",
	"ToDo",
	"Sessions",
)

# Our child doctypes and their parent: a row is readable only where its parent document is.
CHILD_PARENTS = {
	"Case Meeting": "Mentoring Case",
	"Member Position": "Member",
	"Registration Price Line": "Registration",
	"Session Agenda Item": "Topplederprogram Session",
	"Session Stay Package": "Topplederprogram Session",
	"Session Evaluation Score": "Session Evaluation",
	"Bank File Import Row": "Bank File Import",
}

# Fields only the app's own code sets. A generic write (desk form, /api/resource, frappe.client.*, data import)
# cannot set or change them: the stored value stays.
SYSTEM_FIELDS = {
	"Member": (
		"user",
		"contact",
		"anonymised_on",
		"directory_consent_on",
		"newsletter_consent_on",
		# only the member gives or withdraws it (Min profil, the membership application)
		"research_consent",
		"research_consent_on",
	),
	"Mentoring Case": ("anonymised_on", "year"),
	"Registration": (
		"sales_invoice",
		"cancelled_on",
		"registered_on",
		"waitlist_position",
		"late_charge",
		"evaluation_sent_on",
		"evaluation_reminded_on",
		"evaluation_answered",
	),
	"Topplederprogram Session": (
		"confirmed_count",
		"waitlist_count",
		"free_seats",
		"reminder_sent_on",
		"practical_info_sent_on",
		# what the last Create Invoices did (kdf_app.kdf_billing.services.invoicing.run_invoicing)
		"invoicing_status",
		"invoiced_on",
		"invoices_made",
		"invoices_held",
		"invoicing_result",
	),
	# what the last dues batch did (kdf_app.kdf_billing.services.dues.run_dues)
	"KDF Settings": ("dues_last_run_on", "dues_last_run"),
	"Case Read Log": ("case", "user", "read_on", "path", "action", "allowed", "detail"),
	"Membership Application": (
		"first_name",
		"last_name",
		"email",
		"mobile",
		"title",
		"organisation",
		"start_date",
		"consent_on",
		"research_consent",
		"privacy_notice_version",
		"privacy_notice_date",
		"status",
		"reject_reason",
		"member",
		"decided_on",
		"decided_by",
	),
	"Member Change Request": (
		"member",
		"user",
		"kind",
		"status",
		"organisation",
		"title",
		"start_date",
		"reason",
		"note",
		"reject_reason",
		"decided_on",
		"decided_by",
	),
}

# Fields of a case that only a case manager may change (a mentor logs meetings and moves the status).
CASE_MANAGER_FIELDS = ("member", "mentor", "case_type", "request")


def method_of(path: str | None, cmd: str | None = None) -> str:
	"""``/api/method/frappe.client.get_count`` (or ``/api/v1/method/…``, or the legacy ``cmd``) → the method."""
	if cmd:
		return cmd
	path = unquote(path or "")
	for prefix in ("/api/method/", "/api/v1/method/", "/api/v2/method/"):
		if path.startswith(prefix):
			return path[len(prefix) :].split("/")[0]
	return ""


def resource_doctype(path: str | None) -> str | None:
	"""``/api/resource/Mentoring Case/abc`` → ``Mentoring Case``."""
	path = unquote(path or "")
	for prefix in ("/api/resource/", "/api/v1/resource/", "/api/v2/document/"):
		if path.startswith(prefix):
			return path[len(prefix) :].split("/")[0] or None
	return None


def resource_name(path: str | None) -> str | None:
	"""``/api/resource/Mentoring Case/abc`` → ``abc``."""
	if not resource_doctype(path):
		return None
	parts = unquote(path or "").rstrip("/").split("/")
	return parts[4] if len(parts) > 4 and parts[4] else None


def app_may_write(path: str | None, cmd: str | None, overrides: Mapping[str, object] | None = None) -> bool:
	"""Whether a web request may set ``SYSTEM_FIELDS``: one that entered through the app's own endpoint, or a
	page render (its code is the page's own, and it takes no document from the client). Every API door that is
	not the app's own (``/api/…``, a ``cmd`` post) is refused."""
	method = method_of(path, cmd)
	if method:
		return is_app_endpoint(method, overrides)
	return not unquote(path or "").startswith("/api/")


def is_app_endpoint(method: str, overrides: Mapping[str, object] | None = None) -> bool:
	"""Whether a request entered through one of the app's own endpoints (``kdf_app.…``, also where the app
	replaces a Frappe method). Only there, and in code the app runs outside a request, may the fields in
	``SYSTEM_FIELDS`` be set: every other door (``/api/resource``, ``frappe.client.*``, savedocs,
	``run_doc_method`` with a client-built document, Data Import, and whatever a Frappe upgrade adds) is
	refused by default, without being named."""
	if not method:
		return False
	target = (overrides or {}).get(method, method)
	if isinstance(target, list | tuple):
		target = target[-1] if target else method
	return isinstance(target, str) and target.startswith("kdf_app.")


DOCTYPE_KEYS = ("doctype", "parent", "parenttype", "parent_doctype", "reference_doctype", "ref_doctype", "dt")


def doctypes_named(path: str | None, form: Mapping) -> set[str]:
	"""Every doctype a request names: in its path or in the usual arguments."""
	named = {resource_doctype(path)} | {form.get(k) for k in DOCTYPE_KEYS}
	return {d for d in named if isinstance(d, str) and d}


# Case Read Log.action: what kind of read a request is (read_action), a write, or a refused attempt
READ_ACTIONS = ("Document", "List", "Count", "Export", "Print", "Search", "Write", "Refused")
REFUSED = "Refused"


def read_action(method: str, path: str | None) -> str:
	"""What kind of read a request is, for the read log."""
	if method.endswith("get_count") or method.endswith("get_group_by_count"):
		return "Count"
	if method.endswith("export_query") or "download" in method:
		return "Export"
	if "print" in (path or "") or "pdf" in method:
		return "Print"
	if method.endswith("search_link") or method.endswith("search_widget") or "get_link_title" in method:
		return "Search"
	if method.endswith("get_docinfo") or method.endswith("getdoc") or method.endswith("frappe.client.get"):
		return "Document"
	return "List"


def changed_fields(before: Mapping | None, after: Mapping, fields: Iterable[str]) -> list[str]:
	"""The fields whose value differs; ``None``, ``""`` and ``0`` count as the same empty value."""

	def norm(v):
		return None if v in (None, "", 0) else str(v)

	before = before or {}
	return [f for f in fields if norm(before.get(f)) != norm(after.get(f))]
