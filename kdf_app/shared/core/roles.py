"""Every KDF role and role group, named once (issue 20).

Setup creates the roles from :data:`ROLES` on install and on every migrate and removes them on uninstall
(kdf_app.setup.roles); permissions.py, the services and hooks.py import the names from here; the desk's scripts
read them from ``frappe.boot.kdf`` (kdf_app.kdf_app.services.boot). Doctype, report and workspace JSON name roles
as data; ``tests/test_one_source_of_truth.py`` checks that every KDF role they name is one of these and that no
other Python or JavaScript file spells a KDF role's name."""

from dataclasses import dataclass

# KDF's own roles
SECRETARIAT = "KDF Sekretariat"  # the secretariat's desk users (through the Role Profile below)
MEMBER = "KDF Medlem"  # a member's portal login (a Website User)
CASE_MANAGER = "KDF Saksbehandler"  # reads and assigns mentoring, guidance and legal-advice cases
MENTOR = "KDF Mentor"  # the cases assigned to them
RESEARCH = (
	"KDF Forskningsuttrekk"  # the anonymised research extract; a System Manager gives it, no profile does
)

# Frappe's and ERPNext's roles KDF names
SYSTEM_MANAGER = "System Manager"
ADMINISTRATOR = "Administrator"  # Frappe's superuser (a user, which our checks treat like a role)
ACCOUNTS_USER = "Accounts User"  # the accountant
SALES_USER = "Sales User"
NEWSLETTER_MANAGER = "Newsletter Manager"
CUSTOMER = "Customer"  # ERPNext's customer portal role, never a member's (kdf_app.custom.user)


@dataclass(frozen=True)
class Role:
	name: str
	desk_access: bool
	home_page: str | None = None  # where a login of this role lands


# What setup makes (and uninstall removes, unless a user still has it); the fields are set again on every
# migrate, as the fixture did before.
ROLES = (
	Role(SECRETARIAT, desk_access=True),
	Role(MEMBER, desk_access=False, home_page="/topplederprogram"),
	Role(CASE_MANAGER, desk_access=True),
	Role(MENTOR, desk_access=True),
	Role(RESEARCH, desk_access=True),
)
KDF_ROLES = tuple(r.name for r in ROLES)

# Role groups
SECRETARIAT_ROLES = (SECRETARIAT, SYSTEM_MANAGER)  # the secretariat's buttons and endpoints (require_roles)
# who may open the register of members
REGISTER_ROLES = frozenset({SYSTEM_MANAGER, SECRETARIAT, CASE_MANAGER, ACCOUNTS_USER, ADMINISTRATOR})
# who may see every registration (the accountant for invoicing; case managers have no business there)
REGISTRATION_ROLES = frozenset({SYSTEM_MANAGER, SECRETARIAT, ACCOUNTS_USER, ADMINISTRATOR})
# who may see health data (dietary needs and allergies) and the participant list
PARTICIPANT_LIST_ROLES = frozenset({SYSTEM_MANAGER, SECRETARIAT, ADMINISTRATOR})
# roles a member's portal login may already have: ours, and ERPNext's Customer (granted through the Contact by
# earlier versions; stripped again by kdf_app.custom.user)
MEMBER_USER_ROLES = frozenset({MEMBER, CUSTOMER})

# The secretariat's desk users get this Role Profile: our role plus ERPNext's Sales User (customers, contacts,
# addresses; items, companies, accounts and price lists read-only) and Newsletter Manager (Frappe Newsletters to
# the group «KDF medlemmer»). Not Accounts User: it may write Terms and Conditions, Cheque Print Templates (which
# make Print Formats), Payment Requests and other Jinja-rendered records.
SECRETARIAT_PROFILE = "KDF Sekretariat"
SECRETARIAT_PROFILE_ROLES = (SECRETARIAT, SALES_USER, NEWSLETTER_MANAGER)
# ... and this Module Profile: the KDF workspace in the sidebar, not ERPNext's and Frappe's twenty others
SECRETARIAT_MODULE_PROFILE = "KDF Sekretariat"


def for_desk() -> dict:
	"""What the desk's scripts get as ``frappe.boot.kdf.roles`` and ``frappe.boot.kdf.role_groups``."""
	return {
		"roles": {
			"secretariat": SECRETARIAT,
			"member": MEMBER,
			"case_manager": CASE_MANAGER,
			"mentor": MENTOR,
			"research": RESEARCH,
			"system_manager": SYSTEM_MANAGER,
		},
		"role_groups": {"secretariat": list(SECRETARIAT_ROLES)},
	}
