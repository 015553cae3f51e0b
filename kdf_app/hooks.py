app_name = "kdf_app"
app_title = "KDF"
app_publisher = "Norsk Kommunedirektørforum"
app_description = "Member services of Norsk Kommunedirektørforum on ERPNext v15"
app_email = "post@kommunedirektor.no"
app_license = "mit"
# "frappe/erpnext" (as frappe/hrms does): a bare "erpnext" makes Frappe ask GitHub for the org at install.
required_apps = ["frappe/erpnext"]

# Installation ------------------------------------------------------------------------------------
after_install = "kdf_app.install.after_install"
after_migrate = "kdf_app.install.after_migrate"
before_uninstall = "kdf_app.install.before_uninstall"
setup_wizard_complete = "kdf_app.install.after_setup_wizard"
before_tests = "kdf_app.tests.before_tests"

# Only our own records, never someone else's.
fixtures = [
	{
		"dt": "Role",
		"filters": [["name", "in", ["KDF Sekretariat", "KDF Medlem", "KDF Saksbehandler", "KDF Mentor"]]],
	},
	{"dt": "Email Template", "filters": [["name", "like", "kdf-%"]]},
]

scheduler_events = {
	"daily": [
		"kdf_app.services.reminders.send_deadline_reminders",
		"kdf_app.services.reminders.send_practical_information",
		"kdf_app.services.cases.anonymise_due_cases",
	],
}

# ERPNext doctypes ---------------------------------------------------------------------------------
doc_events = {
	"Customer": {
		"validate": "kdf_app.custom.customer.validate",
	},
	"Sales Invoice": {
		"on_submit": "kdf_app.custom.sales_invoice.on_submit",
	},
	# a member's portal login never gets ERPNext's Customer role (kdf_app.custom.user)
	"User": {
		"validate": "kdf_app.custom.user.validate",
		"on_update": "kdf_app.custom.user.on_update",
	},
}
jinja = {"methods": ["kdf_app.services.ehf.kid", "kdf_app.services.settings.get_settings"]}
doctype_js = {"Sales Invoice": "public/js/sales_invoice.js"}

# Permissions -------------------------------------------------------------------------------------
permission_query_conditions = {
	"Member": "kdf_app.permissions.member_query",
	"Registration": "kdf_app.permissions.registration_query",
	"Mentoring Case": "kdf_app.permissions.case_query",
	"Mentor": "kdf_app.permissions.mentor_query",
	"Case Read Log": "kdf_app.permissions.case_log_query",
}
has_permission = {
	"Member": "kdf_app.permissions.member_has_permission",
	"Registration": "kdf_app.permissions.registration_has_permission",
	"Mentoring Case": "kdf_app.permissions.case_has_permission",
	"Mentor": "kdf_app.permissions.mentor_has_permission",
}

# Portal ------------------------------------------------------------------------------------------
# The member's portal is KDF's only: install/migrate disables every other app's menu item in Portal
# Settings (kdf_app.services.portal.setup_portal) and keeps these, in this order and wording.
standard_portal_menu_items = [
	{"title": "Topplederprogram", "route": "/topplederprogram", "role": "KDF Medlem"},
	{"title": "Mine påmeldinger", "route": "/pameldinger", "role": "KDF Medlem"},
	{"title": "Rådgivning", "route": "/radgivning", "role": "KDF Medlem"},
	{"title": "Min profil", "route": "/min-profil", "role": "KDF Medlem"},
]
# the member's record shows whether (and when) they last logged in
on_login = "kdf_app.services.invitations.record_login"
