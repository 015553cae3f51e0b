"""A fresh install for a real association: price list, KDF's own data for EHF, the setup checklist, e-mail
templates chosen in settings, the sender picker and the secretariat's permissions."""

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_to_date, now_datetime

from kdf_app.kdf_billing.services.dues import create_dues_invoices
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.setup.defaults import PRICE_LIST
from kdf_app.shared.core.roles import (
	SECRETARIAT_MODULE_PROFILE,
	SECRETARIAT_PROFILE,
	SECRETARIAT_PROFILE_ROLES,
)
from kdf_app.tests.test_invoicing import attached_xml, official_fatal
from kdf_app.tests.utils import (
	make_member,
	make_org,
	make_session,
	make_user,
	only_members_made_here,
	register,
	use_test_settings,
)

YEAR = 2091
# Whatever Frappe renders as Jinja or runs: only System Manager may create or change these.
RENDERED_OR_EXECUTED = (
	"Email Template",
	"Print Format",
	"Notification",
	"Letter Head",
	"Terms and Conditions",
	"Address Template",
	"Web Page",
	"Web Form",
	"Server Script",
	"Client Script",
	"Report",
	"Cheque Print Template",
	"Payment Request",
	"Process Statement Of Accounts",
	"Dunning Type",
	"Auto Repeat",
	"Contract Template",
	"Web Template",
	"Website Script",
	"Custom Field",
	"Property Setter",
	"DocType",
	"Email Account",
	"Webhook",
)


class TestPriceList(FrappeTestCase):
	def test_invoices_use_kdfs_nok_price_list_whatever_the_sites_default(self):
		use_test_settings(membership_fee=2500)
		only_members_made_here()
		if not frappe.db.exists("Price List", "KDF Test USD"):
			frappe.get_doc(
				{"doctype": "Price List", "price_list_name": "KDF Test USD", "currency": "USD", "selling": 1}
			).insert(ignore_permissions=True)
		frappe.db.set_single_value("Selling Settings", "selling_price_list", "KDF Test USD")
		frappe.db.set_value("Customer Group", "Kommune", "default_price_list", None)
		make_member(make_org())
		names = create_dues_invoices(YEAR, submit=False)
		self.assertTrue(names)
		for name in names:
			si = frappe.get_doc("Sales Invoice", name)
			self.assertEqual((si.selling_price_list, si.currency, si.conversion_rate), (PRICE_LIST, "NOK", 1))
		self.assertEqual(frappe.db.get_value("Price List", PRICE_LIST, ["currency", "selling"]), ("NOK", 1))
		# a price list in another currency than the company's is named, not an exchange rate looked up
		use_test_settings(price_list="KDF Test USD")
		make_member(make_org())
		self.assertRaisesRegex(
			frappe.ValidationError,
			"keeps its books in NOK, but KDF's price list KDF Test USD is in USD",
			create_dues_invoices,
			YEAR + 5,
			False,
		)


class TestDemoSetupMakesValidEhf(FrappeTestCase):
	"""What `bench --site X kdf-demo` does to KDF Settings is enough for valid EHF invoices and dues."""

	def test_demo_settings_give_valid_ehf_for_session_and_dues_invoices(self):
		from kdf_app.demo.load import DEMO_ASSOCIATION, configure_association

		use_test_settings(
			org_number=None,
			bank_account=None,
			membership_fee=0,
			ehf_adapter="Outbox",
			ehf_outbox="private/ehf-outbox-test",
			vat_setup="Not VAT registered",
			submit_session_invoices=1,
		)
		only_members_made_here()
		org = make_org(kdf_send_ehf=1, kdf_invoice_reference="RES-DEMO")
		member = make_member(org)
		session = make_session()
		register(session, member, invoice_reference="3400123")

		# before: the invoice is held as a draft and says whose data is missing
		(held,) = create_session_invoices(session.name)
		held = frappe.get_doc("Sales Invoice", held)
		self.assertEqual((held.docstatus, held.kdf_ehf_status), (0, "Feilet"))
		self.assertIn("KDF's organisation number is missing in KDF Settings", held.kdf_ehf_message)
		self.assertIn("KDF's bank account number is missing in KDF Settings", held.kdf_ehf_message)
		self.assertNotIn("The buyer", held.kdf_ehf_message)

		filled = configure_association()
		settings = frappe.get_single("KDF Settings")
		self.assertIn("Organisation Number", filled)
		self.assertEqual(
			(settings.org_number, settings.bank_account, settings.membership_fee),
			tuple(DEMO_ASSOCIATION.values()),
		)
		self.assertTrue(settings.email_sender)

		held.submit()  # now nothing is missing
		self.assertEqual(frappe.db.get_value("Sales Invoice", held.name, "kdf_ehf_status"), "Klar")
		xml = attached_xml(held.name)
		self.assertIn(DEMO_ASSOCIATION["org_number"].encode(), xml)
		self.assertIn(DEMO_ASSOCIATION["bank_account"].encode(), xml)
		self.assertEqual(official_fatal(xml), [])

		(dues,) = create_dues_invoices(YEAR, submit=True)
		self.assertEqual(frappe.db.get_value("Sales Invoice", dues, "kdf_ehf_status"), "Klar")
		self.assertEqual(official_fatal(attached_xml(dues)), [])
		# running it again fills in nothing
		self.assertEqual(configure_association(), [])


class TestEhfRefusedBeforeSubmit(FrappeTestCase):
	def setUp(self):
		use_test_settings(org_number="958935420", bank_account="86011117947", membership_fee=2500)
		only_members_made_here()

	def draft_dues_invoice(self, **customer):
		org = make_org(kdf_send_ehf=1, **customer)
		make_member(org)
		(name,) = create_dues_invoices(YEAR, submit=False)
		return frappe.get_doc("Sales Invoice", name)

	def test_missing_buyer_reference_is_refused_and_named(self):
		from kdf_app.custom.sales_invoice import ehf_problems
		from kdf_app.kdf_billing.services.ehf import EHFWouldFail

		si = self.draft_dues_invoice()
		problems = ehf_problems(si.name)
		self.assertEqual(len(problems), 1)
		self.assertIn("buyer's reference", problems[0])
		self.assertIn(si.customer, problems[0])
		self.assertRaisesRegex(EHFWouldFail, "ressursnummer", si.submit)
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "docstatus"), 0)
		si.reload()
		si.po_no = "RES-9"
		si.save()
		si.submit()
		self.assertEqual(si.docstatus, 1)

	def test_kdfs_own_data_is_named_as_kdfs(self):
		from kdf_app.kdf_billing.services.ehf import EHFWouldFail

		si = self.draft_dues_invoice(kdf_invoice_reference="RES-1")
		use_test_settings(org_number=None)
		with self.assertRaises(EHFWouldFail) as caught:
			si.submit()
		self.assertIn("organisation number is missing in KDF Settings", str(caught.exception))

	def test_customers_without_ehf_are_not_checked(self):
		from kdf_app.custom.sales_invoice import ehf_problems

		org = make_org()
		frappe.db.set_value("Customer", org, "kdf_send_ehf", 0)  # switched off by the secretariat
		make_member(org)
		(name,) = create_dues_invoices(YEAR, submit=False)
		use_test_settings(org_number=None, bank_account=None)
		self.assertEqual(ehf_problems(name), [])


class TestEmailTemplates(FrappeTestCase):
	def test_created_once_never_overwritten_and_chosen_in_settings(self):
		from kdf_app.shared.services.mail import create_missing_templates, shipped_templates, template_for

		use_test_settings()
		shipped = {t["purpose"]: t["name"] for t in shipped_templates()}
		name = shipped["registration_confirmed"]
		create_missing_templates()
		frappe.db.set_value("Email Template", name, "subject", "Sekretariatets egen ordlyd")
		self.assertNotIn(name, create_missing_templates())
		self.assertEqual(frappe.db.get_value("Email Template", name, "subject"), "Sekretariatets egen ordlyd")
		# every purpose has a settings field, and the shipped template is not a fixture any more
		meta = frappe.get_meta("KDF Settings")
		for purpose in shipped:
			self.assertEqual(meta.get_field(f"{purpose}_template").options, "Email Template")
		self.assertFalse(
			any(f.get("dt") == "Email Template" for f in frappe.get_hooks("fixtures", app_name="kdf_app"))
		)

		own = frappe.get_doc(
			{
				"doctype": "Email Template",
				"name": f"Egen bekreftelse {frappe.generate_hash(length=5)}",
				"subject": "Velkommen, {{ member.member_name }}",
				"response": "Hei",
			}
		).insert(ignore_permissions=True)
		use_test_settings(registration_confirmed_template=own.name)
		self.assertEqual(template_for("registration_confirmed"), own.name)
		member = make_member()
		reg = register(make_session(), member)
		subjects = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Registration", "reference_name": reg.name},
			pluck="message",
		)
		self.assertTrue(any(f"Velkommen, {member.member_name}" in m for m in subjects))


class TestSecretariatAccess(FrappeTestCase):
	def test_no_erpnext_permissions_are_copied_into_custom_docperm(self):
		from kdf_app.patches.remove_copied_erpnext_permissions import DOCTYPES

		self.assertEqual(frappe.db.count("Custom DocPerm", {"parent": ("in", DOCTYPES)}), 0)
		self.assertEqual(
			sorted(
				frappe.get_all(
					"Has Role", {"parent": SECRETARIAT_PROFILE, "parenttype": "Role Profile"}, pluck="role"
				)
			),
			sorted(SECRETARIAT_PROFILE_ROLES),
		)

	def test_the_secretariats_desk_sidebar_is_kdfs_workspace(self):
		from frappe.desk.desktop import get_workspace_sidebar_items

		user = make_user(profile=SECRETARIAT_PROFILE)
		self.assertEqual(frappe.db.get_value("User", user, "module_profile"), SECRETARIAT_MODULE_PROFILE)
		frappe.set_user(user)
		try:
			titles = {p["title"] for p in get_workspace_sidebar_items()["pages"]}
			# the blocks hide workspaces only: the documents the secretariat works with stay open to it
			self.assertTrue(frappe.has_permission("Sales Invoice", "create"))
			self.assertTrue(frappe.has_permission("Customer", "write"))
		finally:
			frappe.set_user("Administrator")
		self.assertIn("KDF", titles)
		self.assertFalse(
			titles & {"Accounting", "Stock", "Selling", "CRM", "Build", "Users", "Website"}, titles
		)
		# a module profile chosen by a System Manager is kept
		other = frappe.get_doc(
			{"doctype": "Module Profile", "module_profile_name": f"Egen {frappe.generate_hash(length=6)}"}
		).insert(ignore_permissions=True)
		own = frappe.get_doc("User", make_user(profile=SECRETARIAT_PROFILE, module_profile=other.name))
		self.assertEqual(own.module_profile, other.name)

	def test_secretariat_works_with_customers_and_invoices_but_writes_nothing_rendered(self):
		user = make_user(profile=SECRETARIAT_PROFILE)
		self.assertIn("KDF Sekretariat", frappe.get_roles(user))
		for doctype, ptype in (
			("Customer", "create"),
			("Contact", "write"),
			("Address", "create"),
			("Sales Invoice", "create"),
			("Sales Invoice", "submit"),
			("Item", "read"),
			("Email Template", "read"),
		):
			self.assertTrue(frappe.has_permission(doctype, ptype, user=user), f"{doctype} {ptype}")
		for doctype in RENDERED_OR_EXECUTED:
			if not frappe.db.exists("DocType", doctype):
				continue
			for ptype in ("create", "write"):
				self.assertFalse(frappe.has_permission(doctype, ptype, user=user), f"{doctype} {ptype}")

	def test_sender_picker_lists_outgoing_accounts_without_their_secrets(self):
		from kdf_app.api.settings import outgoing_email_accounts
		from kdf_app.tests.utils import make_test_email_account

		account = make_test_email_account()
		user = make_user(["KDF Sekretariat"])
		frappe.set_user(user)
		try:
			found = outgoing_email_accounts("")
		finally:
			frappe.set_user("Administrator")
		self.assertIn(account, [r["value"] for r in found])
		self.assertTrue(all(set(r) == {"value", "label"} for r in found))
		frappe.set_user(make_user())
		try:
			self.assertRaises(frappe.PermissionError, outgoing_email_accounts, "")
		finally:
			frappe.set_user("Administrator")
		settings = use_test_settings(email_sender=account)
		self.assertEqual(settings.email_sender, account)
		self.assertRaises(frappe.ValidationError, use_test_settings, email_sender="Ingen slik konto")

	def test_dues_endpoint_for_the_secretariat(self):
		from kdf_app.api.members import create_dues_invoices as api

		use_test_settings(membership_fee=2500)
		only_members_made_here()
		org = make_org()
		frappe.db.set_value("Customer", org, "kdf_send_ehf", 0)
		make_member(org)
		frappe.set_user(make_user(["KDF Sekretariat"]))
		try:
			self.assertTrue(api(YEAR + 1, 0))
		finally:
			frappe.set_user("Administrator")


class TestOnboarding(FrappeTestCase):
	def test_steps_follow_the_settings(self):
		from kdf_app.kdf_app.services.setup_status import ONBOARDING, status

		self.assertTrue(frappe.db.exists("Module Onboarding", ONBOARDING))
		use_test_settings(org_number=None, bank_account=None)
		self.assertEqual(frappe.db.get_value("Onboarding Step", "KDF Organisation Number", "is_complete"), 0)
		checks = {c["key"]: c for c in status()["checks"]}
		self.assertFalse(checks["org_number"]["ok"])
		use_test_settings(org_number="958935420", bank_account="86011117947", membership_fee=2500)
		self.assertEqual(frappe.db.get_value("Onboarding Step", "KDF Organisation Number", "is_complete"), 1)
		self.assertEqual(frappe.db.get_value("Onboarding Step", "KDF Membership Fee", "is_complete"), 1)
		checks = {c["key"]: c for c in status()["checks"]}
		self.assertTrue(checks["org_number"]["ok"] and checks["bank_account"]["ok"] and checks["fees"]["ok"])
		self.assertIn("worker", checks)


class TestPermissionPatch(FrappeTestCase):
	"""kdf_app.patches.remove_copied_erpnext_permissions removes what earlier versions added, and only that."""

	def old_install(self, doctype):
		from frappe.permissions import add_permission

		add_permission(doctype, "KDF Sekretariat", 0)  # what earlier versions did: copies + our row

	def custom_rows(self, doctype):
		return frappe.get_all("Custom DocPerm", {"parent": doctype}, ["name", "role"])

	def setUp(self):
		for doctype in ("Payment Terms Template", "Customer Group"):
			frappe.db.delete("Custom DocPerm", {"parent": doctype})

	def test_copies_and_our_row_go_when_nobody_else_customised(self):
		from kdf_app.patches.remove_copied_erpnext_permissions import execute

		self.old_install("Payment Terms Template")
		self.assertGreater(len(self.custom_rows("Payment Terms Template")), 1)
		execute()
		self.assertEqual(self.custom_rows("Payment Terms Template"), [])

	def test_an_administrators_own_rows_are_kept(self):
		from kdf_app.patches.remove_copied_erpnext_permissions import execute

		self.old_install("Customer Group")
		copies = [r.name for r in self.custom_rows("Customer Group") if r.role != "KDF Sekretariat"]
		later = add_to_date(now_datetime(), hours=1)
		frappe.db.set_value("Custom DocPerm", copies[0], "modified", later, update_modified=False)
		execute()
		left = self.custom_rows("Customer Group")
		self.assertNotIn("KDF Sekretariat", [r.role for r in left])
		self.assertEqual(sorted(r.name for r in left), sorted(copies))


class TestSecretariatNewsletters(FrappeTestCase):
	"""Newsletter Manager is in the profile; Frappe renders a newsletter as Jinja, so template code is refused."""

	def test_secretariat_writes_newsletters_but_no_template_code(self):
		from kdf_app.kdf_members.services.newsletter import ensure_group

		group = ensure_group()
		user = make_user(profile=SECRETARIAT_PROFILE)
		self.assertIn("Newsletter Manager", frappe.get_roles(user))
		frappe.set_user(user)
		try:
			plain = frappe.get_doc(
				{
					"doctype": "Newsletter",
					"subject": f"Nytt fra KDF {frappe.generate_hash(length=5)}",
					"sender_email": "post@example.no",
					"content_type": "Rich Text",
					"message": "<p>Velkommen til landsmøtet.</p>",
					"email_group": [{"email_group": group}],
				}
			).insert()
			for field, text in (
				("message", "<p>{{ frappe.db.sql('select request from `tabMentoring Case`') }}</p>"),
				("message", "{% for c in frappe.get_all('Mentoring Case') %}x{% endfor %}"),
				("subject", "Hei {# #}"),
			):
				doc = frappe.get_doc("Newsletter", plain.name)
				doc.set(field, text)
				self.assertRaises(frappe.ValidationError, doc.save)
			self.assertEqual(frappe.db.get_value("Newsletter", plain.name, "message"), plain.message)
		finally:
			frappe.set_user("Administrator")
		# a System Manager may still use templates
		doc = frappe.get_doc("Newsletter", plain.name)
		doc.message = "<p>{{ doc.subject }}</p>"
		doc.save()


class TestRoles(FrappeTestCase):
	def test_a_migrate_sets_desk_access_and_home_page_but_leaves_two_factor_login_alone(self):
		"""A System Manager who turns on two-factor login for the secretariat keeps it after a migrate (the old
		fixture reset it on every migrate)."""
		from kdf_app.setup.roles import setup_roles
		from kdf_app.shared.core.roles import MEMBER, SECRETARIAT

		before = frappe.db.get_value("Role", SECRETARIAT, ["two_factor_auth", "desk_access"], as_dict=True)
		frappe.db.set_value("Role", SECRETARIAT, "two_factor_auth", 1)
		frappe.db.set_value("Role", MEMBER, {"desk_access": 1, "home_page": "/app"})
		try:
			setup_roles()
			self.assertEqual(frappe.db.get_value("Role", SECRETARIAT, "two_factor_auth"), 1)
			self.assertEqual(
				frappe.db.get_value("Role", MEMBER, ["desk_access", "home_page"]), (0, "/topplederprogram")
			)
		finally:
			frappe.db.set_value("Role", SECRETARIAT, "two_factor_auth", before.two_factor_auth)


class TestUninstallIsSymmetric(FrappeTestCase):
	"""What install makes, uninstall removes (kdf_app.setup.uninstall); each removal is put back here."""

	def test_every_kdf_role_on_the_site_is_one_uninstall_removes(self):
		from kdf_app.setup.uninstall import SETUP_DOCS
		from kdf_app.shared.core.roles import KDF_ROLES

		removed = {name for doctype, name in SETUP_DOCS if doctype == "Role"}
		self.assertEqual(removed, set(KDF_ROLES))
		# the research role (issue 19) was made by the fixture but missing from uninstall's list
		self.assertLessEqual(set(frappe.get_all("Role", {"name": ("like", "KDF %")}, pluck="name")), removed)

	def test_the_portal_menu_goes_so_its_role_can_go(self):
		from kdf_app.kdf_app.services.portal import kdf_menu_items, setup_portal
		from kdf_app.setup.portal import remove_member_portal
		from kdf_app.shared.core.roles import MEMBER

		ours = {i["route"] for i in kdf_menu_items()}
		try:
			remove_member_portal()
			menu = frappe.get_single("Portal Settings").menu
			self.assertFalse({r.route for r in menu} & ours)
			self.assertFalse([r for r in menu if r.role == MEMBER])
			self.assertTrue(
				all(r.enabled for r in menu)
			)  # the other apps' items, which install hid, shown again
		finally:
			setup_portal()
		menu = frappe.get_single("Portal Settings").menu
		self.assertEqual({r.route for r in menu if r.enabled}, ours)

	def test_the_sales_invoice_list_loses_the_removed_fields_column(self):
		import json

		from kdf_app.setup.custom_fields import remove_sales_invoice_list, setup_sales_invoice_list

		def fieldnames():
			doc = frappe.db.get_value("List View Settings", "Sales Invoice", "fields")
			return doc and [f["fieldname"] for f in json.loads(doc)]

		try:
			frappe.delete_doc_if_exists("List View Settings", "Sales Invoice")
			setup_sales_invoice_list()
			remove_sales_invoice_list()  # as made by install: gone, ERPNext's own list returns
			self.assertIsNone(fieldnames())
			setup_sales_invoice_list()
			doc = frappe.get_doc("List View Settings", "Sales Invoice")
			doc.fields = json.dumps([*json.loads(doc.fields), {"fieldname": "due_date", "label": "Due Date"}])
			doc.save(ignore_permissions=True)
			remove_sales_invoice_list()  # a System Manager's own columns stay, ours goes
			self.assertEqual(fieldnames(), ["status_field", "grand_total", "due_date"])
		finally:
			frappe.delete_doc_if_exists("List View Settings", "Sales Invoice")
			setup_sales_invoice_list()
