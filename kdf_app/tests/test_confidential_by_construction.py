"""Confidential by construction: sealed case content with one audited read path, the guarded template
sandbox, child rows of core doctypes, and the attacks that read every case before."""

import json
import os
import shutil
import tempfile

import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.kdf_advice.core import sealing
from kdf_app.kdf_advice.doctype.mentoring_case.test_mentoring_case import (
	assigned_case,
	make_mentor,
)
from kdf_app.kdf_advice.services import case_vault
from kdf_app.tests.utils import make_member, make_org, make_session, make_user, register

SECRET = "forseglet-konflikt-med-ordfører"
NOTE = "forseglet-møtenotat"
FILE_SECRET = "forseglet-vedlegg-innhold"

# What an attacker's template tries: every door of the sandbox to the cases and to people.
ATTACK = (
	"{{ frappe.db.sql('select request, closing_summary from `tabMentoring Case`') }}"
	"|{{ frappe.db.sql('select notes from `tabCase Meeting`') }}"
	"|{{ frappe.get_all('Mentoring Case', fields=['request']) }}"
	"|{{ frappe.get_all('Member', fields=['email', 'user']) }}"
	"|{{ frappe.db.get_value('Member', {'email': ['like', '%']}, 'email') }}"
	"|{{ frappe.get_all('Contact Email', fields=['email_id'], limit=500) }}"
)


def _safe(fn, *args, **kwargs) -> str:
	"""What a render gives back to its caller: the text, or the refusal's message."""
	try:
		return json.dumps(fn(*args, **kwargs), default=str)
	except Exception as e:  # a refusal is an acceptable outcome; what counts is that nothing leaks
		frappe.clear_messages()
		return f"refused: {type(e).__name__}: {e}"


class TestSealedCases(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		uid = frappe.generate_hash(length=5)
		cls.uid = uid
		cls.manager = make_user(["KDF Saksbehandler"], email=f"forsegl-sak-{uid}@kdf.example")
		# as the Role Profile KDF Sekretariat makes them: Newsletter Manager too
		cls.secretary = make_user(
			["KDF Sekretariat", "Newsletter Manager"], email=f"forsegl-sek-{uid}@kdf.example"
		)
		cls.accountant = make_user(["Accounts User"], email=f"forsegl-regn-{uid}@kdf.example")
		cls.mentor_user = make_user(["KDF Mentor"], email=f"forsegl-mentor-{uid}@kdf.example")
		cls.other_mentor_user = make_user(["KDF Mentor"], email=f"forsegl-mentor2-{uid}@kdf.example")
		cls.mentor = make_mentor(f"Forsegl A {uid}", cls.mentor_user)
		make_mentor(f"Forsegl B {uid}", cls.other_mentor_user)
		cls.member = make_member(make_org())
		cls.member_user = cls.member.create_portal_user()
		cls.other_member = make_member(make_org())
		cls.other_member_user = cls.other_member.create_portal_user()
		cls.case = assigned_case(cls.member_user, f"Jeg trenger råd: {SECRET}", cls.mentor, NOTE)
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def _stored(self):
		request = frappe.db.sql("select request from `tabMentoring Case` where name=%s", self.case)[0][0]
		notes = frappe.db.sql(
			"select notes from `tabCase Meeting` where parent=%s and parenttype='Mentoring Case'", self.case
		)[0][0]
		return request, notes

	def _log(self, user, allowed):
		return frappe.get_all(
			"Case Read Log", {"case": self.case, "user": user, "allowed": allowed}, pluck="name"
		)

	def test_the_database_holds_only_ciphertext(self):
		request, notes = self._stored()
		for value, text in ((request, SECRET), (notes, NOTE)):
			self.assertTrue(sealing.is_sealed(value), value[:30])
			self.assertNotIn(text, value)
		# and Frappe's traces of the case: versions, global search
		for table in ("tabVersion", "__global_search"):
			rows = frappe.db.sql(f"select * from `{table}` where 1=1")
			self.assertNotIn(SECRET, json.dumps(rows, default=str), table)

	def test_the_key_is_not_in_the_database_nor_in_site_config(self):
		keys = case_vault._keys()
		self.assertTrue(keys)
		self.assertFalse(any(k in json.dumps(frappe.get_site_config()) for k in keys))
		self.assertTrue(os.path.isfile(case_vault.key_path()))
		self.assertEqual(
			os.stat(case_vault.key_path()).st_mode & 0o077, 0, "the key file is for its owner only"
		)

	def test_one_read_path_for_those_with_need_to_know_logged(self):
		for user in (self.manager, self.mentor_user):
			frappe.set_user(user)
			text = case_vault.read_case(self.case)
			self.assertIn(SECRET, text["request"])
			self.assertIn(NOTE, " ".join(m["notes"] for m in text["meetings"].values()))
			frappe.set_user("Administrator")
			self.assertTrue(self._log(user, 1), user)

	def test_everyone_else_is_refused_and_the_refusal_logged(self):
		for user in (self.secretary, self.accountant, self.other_mentor_user, self.member_user, "Guest"):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError, msg=user):
				case_vault.read_case(self.case)
			frappe.set_user("Administrator")
			self.assertTrue(self._log(user, 0), user)

	def test_the_desk_form_shows_the_text_and_saving_it_keeps_it_sealed(self):
		from frappe.desk.form.load import getdoc

		frappe.set_user(self.mentor_user)
		frappe.response.docs = []
		getdoc("Mentoring Case", self.case)
		doc = frappe.response.docs[0]
		shown = doc.get("__onload")["kdf_case_text"]
		self.assertIn(SECRET, shown["request"])
		# the form sends back what it showed: the mentor may not change the request, and did not
		form = frappe.get_doc(doc.as_dict())
		form.request = shown["request"]
		form.meetings[0].notes = NOTE + " (rettet)"
		form.save()
		frappe.set_user("Administrator")
		request, notes = self._stored()
		self.assertTrue(sealing.is_sealed(request) and sealing.is_sealed(notes))
		self.assertNotIn("rettet", notes)
		frappe.set_user(self.manager)
		notes_now = case_vault.read_case(self.case)["meetings"][form.meetings[0].name]["notes"]
		self.assertTrue(notes_now.endswith("(rettet)"), notes_now)

	def test_a_mentor_still_cannot_rewrite_the_request(self):
		frappe.set_user(self.mentor_user)
		doc = frappe.get_doc("Mentoring Case", self.case)
		doc.request = "omskrevet av mentor"
		with self.assertRaises(frappe.PermissionError):
			doc.save()

	def test_a_tampered_value_is_an_error_never_text(self):
		request, _ = self._stored()
		body = request[len(sealing.PREFIX) :]
		tampered = sealing.PREFIX + body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
		frappe.db.sql("update `tabMentoring Case` set request=%s where name=%s", (tampered, self.case))
		try:
			frappe.set_user(self.manager)
			with self.assertRaises(frappe.ValidationError) as caught:
				case_vault.read_case(self.case)
			self.assertIn("cannot be opened", str(caught.exception))
			from frappe.desk.form.load import getdoc

			frappe.response.docs = []
			getdoc("Mentoring Case", self.case)
			shown = frappe.response.docs[0].get("__onload")["kdf_case_text"]
			self.assertIn("error", shown)
			self.assertNotIn("request", shown)
		finally:
			frappe.set_user("Administrator")
			frappe.db.sql("update `tabMentoring Case` set request=%s where name=%s", (request, self.case))

	def test_a_sealed_value_copied_from_another_case_is_refused(self):
		request, _ = self._stored()
		frappe.set_user(self.manager)
		other = frappe.get_doc(
			{"doctype": "Mentoring Case", "case_type": "Veiledning", "status": "Mottatt", "request": request}
		)
		with self.assertRaises(frappe.ValidationError):
			other.insert()

	def test_attachments_are_sealed_and_opened_through_the_read_path(self):
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"vedlegg-{self.uid}.txt",
				"attached_to_doctype": "Mentoring Case",
				"attached_to_name": self.case,
				"is_private": 0,
				"content": f"innhold: {FILE_SECRET}",
			}
		).insert(ignore_permissions=True)
		file.reload()
		self.assertTrue(file.is_private)
		with open(file.get_full_path(), "rb") as f:
			self.assertNotIn(FILE_SECRET.encode(), f.read())
		frappe.set_user(self.manager)
		_name, content = case_vault.read_attachment(file.name)
		self.assertIn(FILE_SECRET, content.decode())
		frappe.set_user(self.secretary)
		with self.assertRaises(frappe.PermissionError):
			case_vault.read_attachment(file.name)

	def test_a_same_content_upload_elsewhere_is_not_sealed_with_it(self):
		content = f"delt innhold {self.uid}"
		plain = frappe.get_doc(
			{"doctype": "File", "file_name": f"delt-{self.uid}.txt", "is_private": 1, "content": content}
		).insert(ignore_permissions=True)
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"delt-{self.uid}.txt",
				"attached_to_doctype": "Mentoring Case",
				"attached_to_name": self.case,
				"is_private": 1,
				"content": content,
			}
		).insert(ignore_permissions=True)
		self.assertEqual(frappe.get_doc("File", plain.name).get_content(), content)

	def test_another_apps_file_hook_installed_after_ours_opens_no_attachment(self):
		"""Frappe asks the last app's has_permission hook that answers: an app installed after kdf_app that
		says yes to every File must still not open a case's attachment nor list it (content sealed, the read
		path checks the case, list conditions are joined with and)."""
		from unittest.mock import patch

		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"rekkefolge-{self.uid}.txt",
				"attached_to_doctype": "Mentoring Case",
				"attached_to_name": self.case,
				"is_private": 1,
				"content": f"innhold: {FILE_SECRET}",
			}
		).insert(ignore_permissions=True)
		original = frappe.get_hooks

		def with_a_later_app(hook=None, *args, **kwargs):
			hooks = original(hook, *args, **kwargs)
			if hook == "has_permission":
				hooks = {**hooks, "File": [*hooks.get("File", []), "frappe.permissions.allow_everything"]}
			return hooks

		frappe.set_user(self.secretary)
		with (
			patch.object(frappe, "get_hooks", with_a_later_app),
			patch("frappe.permissions.allow_everything", lambda *a, **k: True, create=True),
		):
			self.assertTrue(frappe.has_permission("File", "read", doc=file.name))  # the later app decides
			try:
				listed = frappe.get_list(
					"File",
					{"attached_to_doctype": "Mentoring Case", "attached_to_name": self.case},
					pluck="name",
				)
			except frappe.PermissionError:
				listed = []
			self.assertEqual(listed, [])
			content = frappe.get_doc("File", file.name).get_content()
			self.assertNotIn(FILE_SECRET, content if isinstance(content, str) else content.decode("latin-1"))
			with self.assertRaises(frappe.PermissionError):
				case_vault.read_attachment(file.name)

	def test_rotation_reseals_everything_and_drops_the_old_key(self):
		old_keys = list(case_vault._keys())
		request, notes = self._stored()
		case_vault.rotate_key()
		frappe.local.kdf_case_keys = None
		new_keys = case_vault._keys()
		self.assertEqual(len(new_keys), 1)
		self.assertNotIn(new_keys[0], old_keys)
		new_request, new_notes = self._stored()
		self.assertNotEqual(new_request, request)
		self.assertNotEqual(new_notes, notes)
		with self.assertRaises(sealing.SealBroken):
			sealing.open_value(new_request, old_keys)
		frappe.set_user(self.manager)
		self.assertIn(SECRET, case_vault.read_case(self.case)["request"])

	def test_the_patch_seals_what_an_older_version_stored_in_plain(self):
		frappe.db.sql(
			"update `tabMentoring Case` set closing_summary=%s where name=%s",
			("oppsummering i klartekst", self.case),
		)
		case_vault.seal_existing()
		summary = frappe.db.get_value("Mentoring Case", self.case, "closing_summary")
		self.assertTrue(sealing.is_sealed(summary))
		frappe.set_user(self.manager)
		self.assertEqual(case_vault.read_case(self.case)["closing_summary"], "oppsummering i klartekst")

	def test_a_site_made_before_sealing_gets_a_key_and_its_plain_content_sealed(self):
		"""A site made before sealing has plain case content and no key file: the patch makes the key and
		seals (it refused, taking plain content for sealed). Once content is sealed, a lost key file is not
		replaced by a new key (that would hide that the content can no longer be opened)."""
		from unittest.mock import patch

		from kdf_app.patches import seal_case_content

		# runs last: the site's sealed content as it was (nothing here commits)
		self.addCleanup(frappe.db.rollback)
		for doctype, fields in case_vault.SEALED_FIELDS.items():  # as an older version stored them
			for field in fields:
				frappe.db.sql(f"update `tab{doctype}` set `{field}` = null where `{field}` like 'kdf:v1:%%'")
		frappe.db.sql(
			"update `tabMentoring Case` set request=%s where name=%s", (f"i klartekst: {SECRET}", self.case)
		)
		folder = tempfile.mkdtemp()
		key_file = os.path.join(folder, "cases.json")
		self.addCleanup(shutil.rmtree, folder, True)
		self.addCleanup(setattr, frappe.local, case_vault._CACHE, None)
		with (
			patch.object(case_vault, "key_path", lambda: key_file),
			patch.object(case_vault, "_attachments", lambda: iter(())),
		):
			setattr(frappe.local, case_vault._CACHE, None)
			self.assertFalse(case_vault.anything_sealed())
			seal_case_content.execute()
			self.assertTrue(os.path.exists(key_file))
			request = frappe.db.get_value("Mentoring Case", self.case, "request")
			self.assertTrue(sealing.is_sealed(request))
			self.assertIn(SECRET, case_vault._open(request))
			# the key file lost after sealing: the content counts as sealed, so no new key would be made
			os.remove(key_file)
			setattr(frappe.local, case_vault._CACHE, None)
			self.assertTrue(case_vault.anything_sealed())

	# --- the template doors ------------------------------------------------------------------------------
	def _rendered_or_refused_by_the_sandbox(self, out: str) -> None:
		"""The door was really reached: it rendered, or the sandbox refused (not some other error)."""
		self.assertTrue(
			not out.startswith("refused:") or "not available in templates" in out, f"not reached: {out[:300]}"
		)

	def _leaks(self, text: str) -> list[str]:
		found = [s for s in (SECRET, NOTE) if s in text]
		found += [e for e in (self.other_member.email,) if e and e in text]
		return found

	def test_auto_repeat_preview_as_accountant_reads_nothing_protected(self):
		from frappe.automation.doctype.auto_repeat.auto_repeat import generate_message_preview

		frappe.set_user(self.accountant)
		reference = frappe.get_all("Company", limit=1, pluck="name")[0]
		out = _safe(generate_message_preview, "Company", reference, ATTACK)
		self._rendered_or_refused_by_the_sandbox(out)
		self.assertEqual(self._leaks(out), [], out[:500])

	def test_a_cheque_print_format_rendered_by_a_member_reads_nothing_protected(self):
		from frappe.www.printview import get_html_and_style

		# the layout already exists (made before template code was refused at write time)
		name = f"Sjekk {self.uid}"
		frappe.get_doc(
			{
				"doctype": "Print Format",
				"name": name,
				"doc_type": "Registration",
				"print_format_type": "Jinja",
				"custom_format": 1,
				"standard": "No",
				"html": ATTACK,
			}
		).insert(ignore_permissions=True)
		session = make_session()
		reg = register(session, self.member.name)
		frappe.set_user(self.member_user)
		out = _safe(get_html_and_style, "Registration", reg.name, print_format=name)
		self._rendered_or_refused_by_the_sandbox(out)
		self.assertEqual(self._leaks(out), [], out[:500])

	def test_template_code_in_a_cheque_template_or_auto_repeat_is_refused_at_write_time(self):
		frappe.set_user(self.accountant)
		for doc in (
			{
				"doctype": "Cheque Print Template",
				"bank_name": f"Bank {self.uid}",
				"message_to_show": "{{ 1 }}",
			},
		):
			with self.assertRaises(frappe.ValidationError) as caught:
				frappe.get_doc(doc).insert()
			self.assertIn("template code", str(caught.exception))

	def test_an_unsaved_newsletter_through_run_doc_method_reads_nothing_protected(self):
		from frappe.handler import run_doc_method

		frappe.set_user(self.secretary)
		docs = {
			"doctype": "Newsletter",
			"__islocal": 1,
			"name": f"new-newsletter-{self.uid}",
			"subject": "x",
			"content_type": "Rich Text",
			# loopback, port 9: refused at once, so the rendered link comes back as "broken"
			"message": "<a href=\"http://127.0.0.1:9/{{ frappe.db.sql('select request from `tabMentoring Case`') }}"
			"{{ frappe.get_all('Member', pluck='email') }}\">lenke</a>",
			"sender_email": "post@kdf-test.example",
		}
		from frappe.utils import set_request

		frappe.response["message"] = None
		set_request(method="POST", path="/api/method/run_doc_method")  # run_doc_method asks the HTTP method
		try:
			out = _safe(
				lambda: (
					run_doc_method("find_broken_links", docs=json.dumps(docs)),
					frappe.response.get("message"),
				)[1]
			)
		finally:
			frappe.local.request = None
		self._rendered_or_refused_by_the_sandbox(out)
		self.assertEqual(self._leaks(out), [], out[:500])

	def test_a_system_manager_template_is_frappes_own(self):
		frappe.set_user("Administrator")
		out = frappe.render_template(
			"{{ frappe.db.sql('select count(*) from `tabMentoring Case`')[0][0] }}", {}
		)
		self.assertGreaterEqual(int(out), 1)

	def test_the_sandbox_reads_protected_data_with_the_users_own_permissions(self):
		frappe.set_user(self.member_user)
		own = frappe.render_template("{{ frappe.get_all('Member', pluck='name') }}", {})
		self.assertIn(self.member.name, own)
		self.assertNotIn(self.other_member.name, own)

	# --- child rows of core doctypes -------------------------------------------------------------------
	def test_child_rows_of_core_doctypes_only_of_readable_parents(self):
		other_contact = frappe.db.get_value("Member", self.other_member.name, "contact")
		other_email = self.other_member.email
		self.assertTrue(other_email)
		website_user = make_user([], email=f"forsegl-web-{self.uid}@example.no", user_type="Website User")
		for user in (self.member_user, website_user):
			frappe.set_user(user)
			rows = frappe.get_list(
				"Contact Email", parent_doctype="Contact", fields=["email_id", "parent"], limit_page_length=0
			)
			self.assertNotIn(other_email, [r.email_id for r in rows], user)
			if other_contact:
				self.assertNotIn(other_contact, [r.parent for r in rows], user)
			roles = frappe.get_list(
				"Has Role", parent_doctype="User", fields=["parent", "role"], limit_page_length=0
			)
			self.assertFalse({r.parent for r in roles} - {user}, user)
			self.assertNotIn("KDF Saksbehandler", [r.role for r in roles], user)
		frappe.set_user("Administrator")
		self.assertIn(other_email, frappe.get_all("Contact Email", pluck="email_id", limit=0))
