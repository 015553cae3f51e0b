app_name = "kdf_app"
app_title = "KDF"
app_publisher = "Norsk Kommunedirektørforum"
app_description = "Member services of Norsk Kommunedirektørforum on ERPNext v15"
app_email = "post@kommunedirektor.no"
app_license = "mit"
# "frappe/erpnext" (as frappe/hrms does): a bare "erpnext" makes Frappe ask GitHub for the org at install.
required_apps = ["frappe/erpnext"]

# every KDF role's name (a module: not itself a hook)
from kdf_app.shared.core import roles  # noqa: E402

# Installation ------------------------------------------------------------------------------------
# kdf_app.setup: custom fields, roles, portal, mail templates, defaults; what install makes, uninstall removes
after_install = "kdf_app.setup.after_install"
after_migrate = "kdf_app.setup.after_migrate"
before_uninstall = "kdf_app.setup.before_uninstall"
after_uninstall = "kdf_app.setup.after_uninstall"
setup_wizard_complete = "kdf_app.setup.after_setup_wizard"
before_tests = "kdf_app.tests.before_tests"
# the desk's scripts read KDF's role names and status sets from frappe.boot.kdf (kdf_app.kdf_app.core.desk)
boot_session = "kdf_app.kdf_app.services.boot.boot_session"

# No fixtures: KDF's roles are made by kdf_app.setup.roles from kdf_app.shared.core.roles (on install and every
# migrate) and removed on uninstall. Our Email Templates are not fixtures either (a fixture is re-imported on
# every migrate, overwriting the secretariat's wording): they are created once from
# kdf_app/data/email_templates.json, see kdf_app.shared.services.mail.

scheduler_events = {
	"daily": [
		"kdf_app.kdf_programmes.services.reminders.send_deadline_reminders",
		"kdf_app.kdf_programmes.services.reminders.send_practical_information",
		"kdf_app.kdf_advice.services.cases.anonymise_due_cases",
		"kdf_app.kdf_privacy.services.retention.run",  # former members (KDF Settings → Personvern / Privacy)
		# evaluation links for sessions that are over, then the reminders (kdf_app.kdf_programmes.services.evaluation)
		"kdf_app.kdf_programmes.services.evaluation.daily",
		# a position confirmed ahead of its first day, a last day passed: the member's organisation follows
		"kdf_app.kdf_members.services.members.apply_due_positions",
		# draft reminders (Purring, Inkassovarsel) for overdue invoices, reviewed and sent by the secretariat
		"kdf_app.kdf_billing.services.dunning.propose",
	],
	# open sessions' registrations nobody confirmed in time go, with what they held
	"hourly": [
		"kdf_app.kdf_programmes.services.registration.guest.lapse",
		# the bank's files dropped into the folder of KDF Settings (kdf_app.kdf_billing.services.bank_import)
		"kdf_app.kdf_billing.services.bank_import.import_folder",
	],
	# failed EHF sends whose next try is due (kdf_app.kdf_billing.core.delivery: 5 min, 30 min, 2 h, 12 h)
	"cron": {"*/5 * * * *": ["kdf_app.kdf_billing.services.ehf.retry_due_sends"]},
}

# ERPNext doctypes ---------------------------------------------------------------------------------
doc_events = {
	"Customer": {
		"validate": "kdf_app.custom.customer.validate",
	},
	"Sales Invoice": {
		"before_insert": "kdf_app.custom.sales_invoice.before_insert",
		"before_validate": "kdf_app.custom.sales_invoice.before_validate",  # credit notes of KDF invoices
		"before_submit": "kdf_app.custom.sales_invoice.before_submit",
		"on_submit": "kdf_app.custom.sales_invoice.on_submit",
		"on_cancel": "kdf_app.custom.sales_invoice.on_cancel",
	},
	# the setup checklist (KDF Settings, KDF workspace) follows the outgoing e-mail accounts
	"Email Account": {
		"on_update": "kdf_app.kdf_app.services.setup_status.on_settings_change",
		"on_trash": "kdf_app.kdf_app.services.setup_status.on_settings_change",
	},
	# a member's portal login never gets ERPNext's Customer role (kdf_app.custom.user)
	"User": {
		"before_validate": "kdf_app.custom.user.before_validate",  # the secretariat's Module Profile
		"validate": "kdf_app.custom.user.validate",
		"on_update": "kdf_app.custom.user.on_update",
	},
	# the registration's price-line labels are cached per language (kdf_app.kdf_programmes.services.registration.single)
	"Translation": {
		"on_update": "kdf_app.kdf_programmes.services.registration.single.clear_price_labels",
		"on_trash": "kdf_app.kdf_programmes.services.registration.single.clear_price_labels",
	},
	# the secretariat writes newsletters, never template code (Frappe renders them as Jinja)
	"Newsletter": {"validate": "kdf_app.custom.newsletter.validate"},
	# Jinja-rendered text an Accounts User may write: no template code (kdf_app.kdf_members.core.newsletter)
	"Terms and Conditions": {"validate": "kdf_app.custom.newsletter.validate"},
	"Process Statement Of Accounts": {"validate": "kdf_app.custom.newsletter.validate"},
	"Cheque Print Template": {"validate": "kdf_app.custom.newsletter.validate"},
	"Auto Repeat": {"validate": "kdf_app.custom.newsletter.validate"},
	# a guest's cached programme list and session page go when the session changes (kdf_app.kdf_app.services.page_cache)
	"Topplederprogram Session": {
		"on_change": "kdf_app.kdf_app.services.page_cache.session_changed",
		"on_trash": "kdf_app.kdf_app.services.page_cache.session_changed",
	},
	"KDF Settings": {"on_change": "kdf_app.kdf_app.services.page_cache.public_pages_changed"},
	"File": {
		"before_validate": "kdf_app.permissions.file_before_validate",
		"after_insert": "kdf_app.kdf_advice.services.case_vault.file_after_insert",
	},
}
clear_cache = "kdf_app.kdf_programmes.services.registration.single.clear_price_labels"
jinja = {
	"methods": [
		"kdf_app.kdf_billing.services.ehf.kid",
		"kdf_app.kdf_programmes.core.sessions.format_nok",  # KDF's prices on the portal: kr 6 000,00, whatever the site's currency
		"kdf_app.kdf_programmes.core.sessions.format_date_no",  # the portal's dates: 2. desember 2026, whatever the site's format
		"kdf_app.shared.services.settings.get_settings",
		"kdf_app.kdf_programmes.services.participants.participant_list",
		"kdf_app.kdf_privacy.services.privacy.kdf_consent",
		"kdf_app.kdf_programmes.services.topics.session_topics",
	]
}
# the portal on a phone: no page wider than the screen (e2e/phone_walk.py checks every page at 360 px)
web_include_css = ["/assets/kdf_app/css/kdf_portal.css"]
doctype_js = {
	"Sales Invoice": "public/js/sales_invoice.js",
	"Dunning": "public/js/dunning.js",  # send a reviewed reminder (kdf_app.kdf_billing.services.dunning)
	# invoiced / paid / outstanding per organisation (kdf_app.kdf_billing.services.receivables)
	"Topplederprogram Session": "public/js/session_payments.js",
}
doctype_list_js = {
	"Sales Invoice": "public/js/sales_invoice_list.js",  # the dues batch dialog
	"Bank Transaction": "public/js/bank_transaction_list.js",  # import the bank's file
}

# Permissions -------------------------------------------------------------------------------------
# Need to know on every path; the matrix is kdf_app.kdf_privacy.core.access.MATRIX, proven over HTTP by
# kdf_app/tests/test_access_matrix.py.
permission_query_conditions = {
	"Member": "kdf_app.permissions.member_query",
	"Member Change Request": "kdf_app.permissions.change_request_query",
	"Member Position": "kdf_app.permissions.child_query",
	"Registration": "kdf_app.permissions.registration_query",
	"Registration Price Line": "kdf_app.permissions.child_query",
	"Topplederprogram Session": "kdf_app.permissions.session_query",
	"Session Agenda Item": "kdf_app.permissions.child_query",
	"Session Stay Package": "kdf_app.permissions.child_query",
	"Session Evaluation": "kdf_app.permissions.evaluation_query",
	"Session Evaluation Score": "kdf_app.permissions.child_query",
	"Mentoring Case": "kdf_app.permissions.case_query",
	"Case Meeting": "kdf_app.permissions.case_meeting_query",
	"Mentor": "kdf_app.permissions.mentor_query",
	"Case Read Log": "kdf_app.permissions.case_log_query",
	"File": "kdf_app.permissions.file_query",
	"Number Card": "kdf_app.permissions.number_card_query",
	"Dashboard Chart": "kdf_app.permissions.dashboard_chart_query",
	# every other app's child tables too: rows only of parents the user may read
	"*": "kdf_app.permissions.any_child_query",
}
has_permission = {
	"Member": "kdf_app.permissions.member_has_permission",
	"Member Change Request": "kdf_app.permissions.change_request_has_permission",
	"Registration": "kdf_app.permissions.registration_has_permission",
	"Topplederprogram Session": "kdf_app.permissions.session_has_permission",
	"Session Evaluation": "kdf_app.permissions.evaluation_has_permission",
	"Mentoring Case": "kdf_app.permissions.case_has_permission",
	"Mentor": "kdf_app.permissions.mentor_has_permission",
	"Case Read Log": "kdf_app.permissions.case_log_has_permission",
	"File": "kdf_app.permissions.file_has_permission",
	"Number Card": "kdf_app.permissions.dashboard_has_permission",
	"Dashboard Chart": "kdf_app.permissions.dashboard_has_permission",
}
# Frappe endpoints that do not ask for the caller's permission, replaced by ones that do.
override_whitelisted_methods = {
	"frappe.client.get_count": "kdf_app.api.guarded.get_count",
	"frappe.desk.listview.get_group_by_count": "kdf_app.api.guarded.get_group_by_count",
	"frappe.desk.search.get_link_title": "kdf_app.api.guarded.get_link_title",
	"frappe.desk.notifications.get_open_count": "kdf_app.api.guarded.get_open_count",
}
# Every read of case content and every refused attempt, written whatever the request's outcome.
after_request = [
	"kdf_app.kdf_advice.services.read_log.flush",
	"kdf_app.kdf_privacy.services.client.neutralise_export",
]
# rate limits keyed on the connection's address, X-Forwarded-For only from a trusted proxy (kdf_app.kdf_privacy.services.client)
before_request = [
	"kdf_app.kdf_privacy.services.client.set_client_address",
	# web pages use compiled templates kept in the worker process (kdf_app.kdf_app.services.web_render)
	"kdf_app.kdf_app.services.web_render.before_request",
]
# Our portal pages found directly, a guest's cached copy served first (kdf_app.kdf_app.services.web_render, .page_cache)
website_path_resolver = "kdf_app.kdf_app.services.web_render.resolve_path"
page_renderer = [
	"kdf_app.kdf_app.services.page_cache.GuestCachedPage",
	"kdf_app.kdf_app.services.web_render.PortalPage",
	"kdf_app.kdf_app.services.web_render.SessionPage",
]
# Frappe lets all API endpoints be typed; ours are.
require_type_annotated_api_methods = True

# Portal ------------------------------------------------------------------------------------------
# The member's portal is KDF's only: install/migrate disables every other app's menu item in Portal
# Settings (kdf_app.kdf_app.services.portal.setup_portal) and keeps these, in this order and wording.
standard_portal_menu_items = [
	{"title": "Topplederprogram", "route": "/topplederprogram", "role": roles.MEMBER},
	{"title": "Mine påmeldinger", "route": "/pameldinger", "role": roles.MEMBER},
	{"title": "Rådgivning", "route": "/radgivning", "role": roles.MEMBER},
	{"title": "Mine fakturaer", "route": "/mine-fakturaer", "role": roles.MEMBER},
	{"title": "Min profil", "route": "/min-profil", "role": roles.MEMBER},
]
# the member's record shows whether (and when) they last logged in
on_login = "kdf_app.kdf_members.services.invitations.record_login"
