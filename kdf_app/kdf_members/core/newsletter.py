"""Newsletters: the active members kept in step with one Frappe Email Group.

The secretariat writes Frappe Newsletters to the group; this module decides, for one member, what the group
should change. A member who unsubscribed (the group row's ``unsubscribed`` flag, or an Email Unsubscribe) is
never subscribed again by the sync: their row is left as it is, and they are not added back.
"""

from dataclasses import dataclass

from kdf_app.kdf_members.core.members import ACTIVE

GROUP = "KDF medlemmer"


@dataclass(frozen=True)
class Change:
	action: str  # "add", "remove" or "rename"
	email: str
	new_email: str | None = None


def _clean(email: str | None) -> str:
	return (email or "").strip().lower()


def plan(
	status: str | None,
	email: str | None,
	previous_email: str | None,
	rows: dict[str, bool],
	unsubscribed: set[str] | frozenset[str] = frozenset(),
	consent: bool = True,
) -> list[Change]:
	"""What the group should change for one member.

	``rows`` maps each of the member's addresses already in the group (current and previous) to its
	``unsubscribed`` flag; ``unsubscribed`` holds addresses that opted out outside the group (Email Unsubscribe).
	An active member with an address is in the group; anyone else is not (an unsubscribed row stays, so the
	opt-out is remembered if they come back). A changed address moves the row, keeping its opt-out.
	Without the member's newsletter ``consent`` (Member → Privacy) they are treated as not active: not added,
	and a subscribed row is removed (an unsubscribed row stays, as always).
	"""
	if not consent and status == ACTIVE:
		status = None
	email, previous = _clean(email), _clean(previous_email)
	rows = {_clean(k): bool(v) for k, v in rows.items()}
	unsubscribed = {_clean(e) for e in unsubscribed}
	changes: list[Change] = []
	if previous and previous != email and previous in rows:
		if email and email not in rows and status == ACTIVE:
			changes.append(Change("rename", previous, email))
			return changes
		if not rows[previous]:
			changes.append(Change("remove", previous))
	if not email:
		return changes
	if status == ACTIVE:
		if email not in rows and email not in unsubscribed:
			changes.append(Change("add", email))
	elif email in rows and not rows[email]:
		changes.append(Change("remove", email))
	return changes


# Frappe renders a Newsletter's subject and content as a Jinja template (frappe 15: Newsletter.get_message →
# frappe.render_template, whose sandbox still offers frappe.get_all and frappe.db.sql reads that ignore
# permissions). The secretariat writes newsletters as Newsletter Manager; only a System Manager may put
# template code into one.
TEMPLATE_MARKERS = ("{{", "{%", "{#")
NEWSLETTER_TEXT_FIELDS = ("subject", "message", "message_md", "message_html")
# Other documents whose text Frappe/ERPNext render with the same sandbox and that a KDF role other than System
# Manager may write: Terms and Conditions (Accounts User; rendered when chosen on an invoice) and Process
# Statement Of Accounts (Accounts User; subject, body and PDF name rendered per customer).
TEMPLATE_TEXT_FIELDS = {
	"Newsletter": NEWSLETTER_TEXT_FIELDS,
	"Terms and Conditions": ("terms",),
	"Process Statement Of Accounts": ("subject", "body", "pdf_name"),
	# an Accounts User's cheque layout becomes a Print Format that anyone printing a document renders
	"Cheque Print Template": ("message_to_show",),
	# Auto Repeat's e-mail is rendered by the scheduler, as Administrator, and sent to whom the author chose
	"Auto Repeat": ("subject", "message"),
}


def has_template_code(text) -> bool:
	"""Whether ``text`` holds Jinja template syntax, also once Markdown's backslash escapes are undone
	(Markdown turns ``\\{\\{`` into ``{{`` before Frappe renders it)."""
	text = str(text or "")
	return any(m in t for t in (text, text.replace("\\", "")) for m in TEMPLATE_MARKERS)


def template_code_in(values: dict, fields: tuple[str, ...] = NEWSLETTER_TEXT_FIELDS) -> list[str]:
	"""The fields (of a newsletter, by default) whose text holds Jinja template syntax."""
	return [f for f in fields if has_template_code(values.get(f))]
