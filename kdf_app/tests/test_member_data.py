"""The secretariat's member data (issue 17): importing the member list, confirming change requests with their
reason and date, and changing a member's mobile and e-mail in the desk."""

import json
import random
from contextlib import contextmanager
from unittest.mock import patch

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from kdf_app.api import membership as api
from kdf_app.tests.utils import (
	MembersCase,
	make_member,
	make_org,
	make_user,
	page,
)

CR = "Member Change Request"


def mobile() -> str:
	return f"4{random.randint(0, 9999999):07d}"


@contextmanager
def on_day(day):
	"""The app's code runs as on ``day`` (the Member's rules and the daily job read today from Frappe)."""
	day = str(getdate(day))
	with (
		patch("frappe.utils.today", return_value=day),
		patch("kdf_app.kdf_members.doctype.member.member.today", return_value=day),
	):
		yield


class MemberDataCase(MembersCase):
	def setUp(self):
		super().setUp()
		self.new_org = make_org()
		self.secretariat = make_user(["KDF Sekretariat", "Sales User"])


class TestChangeRequestDates(MemberDataCase):
	def setUp(self):
		super().setUp()
		self.kari = make_member(self.org, position_start=add_days(today(), -200))
		self.kari_user = self.kari.create_portal_user()

	def report(self, **values):
		values.setdefault("kind", "Ny stilling")
		return self.as_user(self.kari_user, api.request_change, **values)["name"]

	def confirm(self, name):
		self.as_user(self.secretariat, frappe.get_doc(CR, name).confirm)
		return frappe.get_doc("Member", self.kari.name)

	def test_the_reason_the_member_reported_is_written_to_the_closed_position(self):
		start = add_days(today(), -3)
		name = self.report(organisation=self.new_org, title="Rådmann", start_date=start, reason="Konflikt")
		kari = self.confirm(name)
		old = next(r for r in kari.positions if r.organisation == self.org)
		self.assertEqual(getdate(old.to_date), getdate(add_days(start, -1)))
		self.assertEqual(old.reason, "Konflikt")

	def test_a_new_position_in_the_future_leaves_the_organisation_until_its_first_day(self):
		start = add_days(today(), 20)
		name = self.report(
			organisation=self.new_org, title="Fylkeskommunedirektør", start_date=start, reason="Pensjon"
		)
		kari = self.confirm(name)
		# the old position holds until the day before; the new one is in the history from its first day
		self.assertEqual((kari.organisation, kari.title), (self.org, "Kommunedirektør"))
		self.assertEqual(kari.organisation_name, frappe.db.get_value("Customer", self.org, "customer_name"))
		rows = sorted(kari.positions, key=lambda r: r.from_date)
		self.assertEqual(
			[(r.organisation, str(r.from_date), str(r.to_date or ""), r.reason or "") for r in rows],
			[
				(
					self.org,
					str(getdate(add_days(today(), -200))),
					str(getdate(add_days(start, -1))),
					"Pensjon",
				),
				(self.new_org, str(getdate(start)), "", ""),
			],
		)
		# another save (the secretariat edits the mobile) neither moves nor loses the coming position
		kari.mobile = mobile()
		kari.save()
		kari.reload()
		self.assertEqual(kari.organisation, self.org)
		self.assertEqual(len(kari.positions), 2)
		# on its first day the daily job gives the member the new organisation and title, and the Contact follows
		from kdf_app.kdf_members.services.members import apply_due_positions

		with on_day(add_days(start, -1)):
			self.assertNotIn(self.kari.name, apply_due_positions())
		with on_day(start):
			self.assertIn(self.kari.name, apply_due_positions())
		kari.reload()
		self.assertEqual((kari.organisation, kari.title), (self.new_org, "Fylkeskommunedirektør"))
		self.assertEqual(
			kari.organisation_name, frappe.db.get_value("Customer", self.new_org, "customer_name")
		)
		self.assertEqual(kari.positions[-1].organisation, self.new_org)
		self.assertEqual(len(kari.positions), 2)
		links = frappe.get_all(
			"Dynamic Link", {"parent": kari.contact, "link_doctype": "Customer"}, pluck="link_name"
		)
		self.assertEqual(links, [self.new_org])

	def test_leaving_on_a_later_day_keeps_the_organisation_until_then(self):
		last_day = add_days(today(), 30)
		kari = self.confirm(self.report(kind="Slutter", start_date=last_day, reason="Pensjon"))
		self.assertEqual(kari.organisation, self.org)
		self.assertEqual(
			(getdate(kari.positions[0].to_date), kari.positions[0].reason), (getdate(last_day), "Pensjon")
		)
		from kdf_app.kdf_members.services.members import apply_due_positions

		with on_day(last_day):
			self.assertNotIn(self.kari.name, apply_due_positions())
		with on_day(add_days(last_day, 1)):
			self.assertIn(self.kari.name, apply_due_positions())
		self.assertFalse(frappe.db.get_value("Member", self.kari.name, "organisation"))

	def test_the_form_and_the_profile_show_the_coming_change(self):
		start = add_days(today(), 20)
		self.confirm(
			self.report(organisation=self.new_org, title="Rådmann", start_date=start, reason="Annet")
		)
		from kdf_app.kdf_members.services.members import member_profile

		profile = self.as_user(self.kari_user, member_profile)
		self.assertEqual(
			(profile.coming.organisation, profile.coming.title, getdate(profile.coming.from_date)),
			(self.new_org, "Rådmann", getdate(start)),
		)
		status, html = page("min-profil", self.kari_user)
		self.assertEqual(status, 200)
		self.assertIn(frappe.db.get_value("Customer", self.new_org, "customer_name"), html)


def csv_text(rows, delimiter=","):
	import csv
	import io

	from kdf_app.kdf_members.core.member_import import COLUMNS

	out = io.StringIO()
	writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter)
	writer.writeheader()
	for r in rows:
		writer.writerow({c: r.get(c, "") for c in COLUMNS})
	return out.getvalue()


class TestMemberImport(MemberDataCase):
	def setUp(self):
		super().setUp()
		self.org_number = frappe.db.get_value("Customer", self.org, "kdf_org_number")
		self.uid = frappe.generate_hash(length=6)

	def email(self, who):
		return f"{who}-{self.uid}@example.no"

	def upload(self, content: str, name="medlemmer.csv", user=None) -> str:
		user = user or self.secretariat
		frappe.set_user(user)
		try:
			file = frappe.get_doc(
				{"doctype": "File", "file_name": name, "content": content.encode("utf-8"), "is_private": 1}
			).insert()
		finally:
			frappe.set_user("Administrator")
		return file.file_url

	def run_import(self, content, name="medlemmer.csv", user=None):
		from kdf_app.api.members import import_members

		url = self.upload(content, name, user)
		return self.as_user(user or self.secretariat, import_members, file_url=url)["result"], url

	def rows(self):
		kari, ola, per = self.email("kari"), self.email("ola"), self.email("per")
		return [
			# 2, 3: Kari with her history, her organisation by number and by name
			dict(
				first_name="Kari",
				last_name="Import",
				email=kari,
				mobile="+47 412 34 567",
				organisation=self.org_number,
				title="Kommunedirektør",
				from_date="1.8.2019",
				member_since="2015-03-01",
			),
			dict(
				first_name="Kari",
				last_name="Import",
				email=kari,
				organisation=frappe.db.get_value("Customer", self.new_org, "customer_name"),
				title="Assisterende kommunedirektør",
				from_date="2015-03-01",
				to_date="2019-07-31",
				reason="Ny stilling",
			),
			# 4, 5: Ola's history overlaps: he is refused with both rows
			dict(
				first_name="Ola",
				last_name="Import",
				email=ola,
				organisation=self.org,
				title="Rådmann",
				from_date="2020-01-01",
			),
			dict(
				first_name="Ola",
				last_name="Import",
				email=ola,
				organisation=self.new_org,
				title="Rådmann",
				from_date="2018-01-01",
				to_date="2020-06-30",
				reason="Pensjon",
			),
			# 6: Per's organisation is not in the register
			dict(
				first_name="Per",
				last_name="Import",
				email=per,
				organisation="Ingensteds kommune",
				title="Kommunedirektør",
				from_date="2021-01-01",
			),
		]

	def test_the_secretariat_imports_members_with_their_history_and_sees_every_refused_row(self):
		result, url = self.run_import(csv_text(self.rows(), delimiter=";"))
		self.assertEqual(
			[(c["email"], c["lines"], c["positions"]) for c in result["created"]],
			[(self.email("kari"), [2, 3], 2)],
		)
		kari = frappe.get_doc("Member", result["created"][0]["member"])
		self.assertEqual(
			(kari.organisation, kari.title, str(kari.position_start)),
			(self.org, "Kommunedirektør", "2019-08-01"),
		)
		self.assertEqual(
			(kari.mobile, str(kari.member_since), kari.membership_status),
			("+47 412 34 567", "2015-03-01", "Aktiv"),
		)
		self.assertEqual(
			[
				(p.organisation, str(p.from_date), str(p.to_date or ""), p.reason or "")
				for p in kari.positions
			],
			[(self.new_org, "2015-03-01", "2019-07-31", "Ny stilling"), (self.org, "2019-08-01", "", "")],
		)
		self.assertTrue(kari.contact)  # the form's Contact sync ran
		self.assertEqual(
			frappe.get_all(
				"Contact Phone", {"parent": kari.contact, "is_primary_mobile_no": 1}, pluck="phone"
			),
			["+47 412 34 567"],
		)
		refused = {r["line"]: r for r in result["rejected"]}
		self.assertEqual(sorted(refused), [4, 5, 6])
		self.assertEqual(refused[4]["reason_en"], refused[5]["reason_en"])
		self.assertIn("overlap", refused[4]["reason_en"])
		self.assertIn("overlapper", refused[4]["reason_nb"])
		self.assertEqual(
			refused[6]["reason_en"],
			"No organisation with the organisation number or name Ingensteds kommune in the register.",
		)
		self.assertNotEqual(refused[6]["reason_nb"], refused[6]["reason_en"])
		self.assertEqual(refused[6]["values"]["email"], self.email("per"))
		self.assertFalse(
			frappe.db.exists("Member", {"email": ("in", [self.email("ola"), self.email("per")])})
		)
		self.assertFalse(frappe.db.exists("File", {"file_url": url}), "the uploaded list is not kept")
		# importing the same file again makes nobody twice: Kari is already in the register
		again, _url = self.run_import(csv_text(self.rows()))
		self.assertEqual(again["created"], [])
		self.assertIn("already in the register", {r["line"]: r for r in again["rejected"]}[2]["reason_en"])
		self.assertEqual(frappe.db.count("Member", {"email": self.email("kari")}), 1)

	def test_a_member_the_form_refuses_leaves_nothing_behind_and_the_others_go_in(self):

		from kdf_app.kdf_members.services import members

		real = members.sync_contact

		def failing_for_ola(member):
			real(member)  # the Contact is made first, then the save fails
			if member.email == self.email("ola"):
				frappe.throw("Kontakten kunne ikke lagres")

		rows = self.rows()[:3]
		rows[2]["from_date"] = "2020-01-01"
		contacts = frappe.db.count("Contact")
		with patch("kdf_app.kdf_members.services.members.sync_contact", failing_for_ola):
			result, _url = self.run_import(csv_text(rows))
		self.assertEqual([c["email"] for c in result["created"]], [self.email("kari")])
		self.assertEqual(
			[(r["line"], r["reason"]) for r in result["rejected"]], [(4, "Kontakten kunne ikke lagres")]
		)
		self.assertFalse(frappe.db.exists("Member", {"email": self.email("ola")}))
		self.assertFalse(frappe.db.exists("Contact Email", {"email_id": self.email("ola")}))
		self.assertEqual(frappe.db.count("Contact"), contacts + 1)  # Kari's only

	def test_a_spreadsheet_with_norwegian_headings_and_an_xlsx_workbook(self):
		from frappe.utils.xlsxutils import make_xlsx

		kari = self.rows()[0]
		headings = [
			"Fornavn",
			"Etternavn",
			"E-post",
			"Mobil",
			"Organisasjon",
			"Tittel",
			"Fra dato",
			"Til dato",
		]
		cells = [
			kari["first_name"],
			kari["last_name"],
			kari["email"],
			"",
			kari["organisation"],
			kari["title"],
			getdate("2019-08-01"),
			None,
		]
		xlsx = make_xlsx([headings, cells], "Medlemmer").getvalue()
		frappe.set_user(self.secretariat)
		try:
			url = (
				frappe.get_doc(
					{"doctype": "File", "file_name": "medlemmer.xlsx", "content": xlsx, "is_private": 1}
				)
				.insert()
				.file_url
			)
		finally:
			frappe.set_user("Administrator")
		from kdf_app.api.members import import_members

		result = self.as_user(self.secretariat, import_members, file_url=url)["result"]
		self.assertEqual(result["rejected"], [])
		member = frappe.get_doc("Member", result["created"][0]["member"])
		self.assertEqual((member.organisation, str(member.position_start)), (self.org, "2019-08-01"))

	def test_a_file_without_the_columns_is_refused_whole_and_the_template_has_them(self):
		with self.assertRaisesRegex(frappe.ValidationError, "lacks the column"):
			self.run_import("navn,epost\nKari,kari@example.no\n")
		from kdf_app.api.members import member_import_template
		from kdf_app.kdf_members.services.member_import import read_rows

		self.as_user(self.secretariat, member_import_template)
		self.assertEqual(frappe.response["filename"], "kdf-medlemmer-mal.csv")
		rows = read_rows(frappe.response["filecontent"], "mal.csv")
		self.assertEqual([r["email"] for r in rows][:2], ["kari.nordmann@example.no"] * 2)

	def test_a_larger_file_is_imported_by_a_job_whose_result_only_its_user_reads(self):
		from kdf_app.api.members import import_members, member_import_status

		with patch("kdf_app.kdf_members.services.member_import.FOREGROUND_MEMBERS", 1):
			url = self.upload(csv_text(self.rows()))
			started = self.as_user(self.secretariat, import_members, file_url=url)
		self.assertEqual(started["members"], 3)  # Kari, Ola, Per
		status = self.as_user(self.secretariat, member_import_status, job=started["job"])
		self.assertTrue(status["finished"])
		self.assertEqual([c["email"] for c in status["result"]["created"]], [self.email("kari")])
		self.assertEqual([r["line"] for r in status["result"]["rejected"]], [4, 5, 6])
		self.assertFalse(frappe.db.exists("File", {"file_url": url}))
		other = make_user(["KDF Sekretariat"])
		with self.assertRaises(frappe.DoesNotExistError):
			self.as_user(other, member_import_status, job=started["job"])

	def test_the_job_tells_its_progress_over_socket_io_in_the_users_language(self):
		"""The progress goes to the desk of who started it as it happens (not only when asked), and the job runs in
		their language (Frappe's worker sets the user, not the language)."""
		from kdf_app.api.members import import_members
		from kdf_app.kdf_members.services import member_import

		frappe.db.set_value("User", self.secretariat, "language", "no")
		frappe.cache.hdel("lang", self.secretariat)
		sent, langs = [], []
		real = frappe.publish_realtime

		def publish(event, message=None, *args, **kwargs):
			if event == member_import.PROGRESS_EVENT:
				sent.append((message, kwargs.get("user")))
				langs.append(frappe.local.lang)
			return real(event, message, *args, **kwargs)

		with (
			patch("kdf_app.kdf_members.services.member_import.FOREGROUND_MEMBERS", 1),
			patch("frappe.publish_realtime", publish),
		):
			url = self.upload(csv_text(self.rows()))
			started = self.as_user(self.secretariat, import_members, file_url=url)
		job = started["job"]
		self.assertTrue(sent, "no progress was published")
		self.assertEqual({m["job"] for m, _u in sent}, {job})
		self.assertEqual({u for _m, u in sent}, {self.secretariat})
		self.assertTrue(sent[-1][0].get("finished"))
		progress = [m for m, _u in sent if "done" in m]
		self.assertTrue(progress)
		self.assertEqual(progress[-1]["done"], progress[-1]["total"])  # the bar reaches the end
		self.assertEqual(set(langs), {"no"})
		self.assertNotEqual(frappe.local.lang, "no")  # the caller's language back afterwards

	def test_the_importer_reads_no_file_the_secretariat_may_not_read(self):
		from kdf_app.api.members import import_members

		# someone else's private upload (here the Administrator's): not read, not imported, not deleted
		url = (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": "andres.csv",
					"content": csv_text(self.rows()[:1]).encode(),
					"is_private": 1,
				}
			)
			.insert(ignore_permissions=True)
			.file_url
		)
		with self.assertRaises(frappe.PermissionError):
			self.as_user(self.secretariat, import_members, file_url=url)
		self.assertTrue(frappe.db.exists("File", {"file_url": url}))
		self.assertFalse(frappe.db.exists("Member", {"email": self.email("kari")}))

	def test_only_the_secretariat_imports(self):
		from kdf_app.api.members import import_members

		member = make_member(self.org)
		for user in (
			member.create_portal_user(),
			make_user(["Accounts User"]),
			make_user(["KDF Saksbehandler"]),
		):
			url = self.upload(csv_text(self.rows()[:1]))  # the secretariat's upload: the role is what refuses
			with self.assertRaises(frappe.PermissionError):
				self.as_user(user, import_members, file_url=url)
		self.assertFalse(frappe.db.exists("Member", {"email": self.email("kari")}))


class TestDeskEdits(MemberDataCase):
	"""The secretariat edits a member in the desk form (Frappe's savedocs, as the browser sends it)."""

	def setUp(self):
		super().setUp()
		self.kari = make_member(self.org, mobile=mobile())
		self.kari_user = self.kari.create_portal_user()

	def save_in_desk(self, **values):
		from frappe.desk.form.save import savedocs

		frappe.set_user(self.secretariat)
		try:
			doc = frappe.get_doc("Member", self.kari.name).as_dict()
			doc.update(values)
			savedocs(json.dumps(doc, default=str), "Save")
		finally:
			frappe.set_user("Administrator")
		return frappe.get_doc("Member", self.kari.name)

	def primary_mobiles(self, contact):
		return frappe.get_all("Contact Phone", {"parent": contact, "is_primary_mobile_no": 1}, pluck="phone")

	def test_the_secretariat_changes_the_mobile_twice_and_the_contact_has_one_primary(self):
		for number in (mobile(), f"+47 {mobile()}"):
			kari = self.save_in_desk(mobile=number)
			self.assertEqual(kari.mobile, number)
			self.assertEqual(self.primary_mobiles(kari.contact), [number])
		# no mobile: the Contact has no primary mobile either
		kari = self.save_in_desk(mobile="")
		self.assertEqual(self.primary_mobiles(kari.contact), [])
		with self.assertRaises(frappe.ValidationError):
			self.save_in_desk(mobile="12")

	def test_the_secretariat_changes_the_email_of_a_member_with_a_portal_login(self):
		new = f"kari-desk-{frappe.generate_hash(length=6)}@example.no"
		kari = self.save_in_desk(email=new, mobile=mobile())
		self.assertEqual((kari.email, kari.user), (new, new))
		self.assertTrue(frappe.db.exists("User", new))
		self.assertFalse(frappe.db.exists("User", self.kari_user))
		self.assertTrue(frappe.db.exists("Notification Settings", new))
		self.assertIn(
			new, frappe.get_all("Contact Email", {"parent": kari.contact, "is_primary": 1}, pluck="email_id")
		)
		self.assertEqual(self.primary_mobiles(kari.contact), [kari.mobile])

	def test_a_failed_profile_change_tells_the_member_without_markup(self):
		def broken(member):
			frappe.throw(_("Only one {0} can be set as primary.").format(frappe.bold("Mobile No")))

		with patch("kdf_app.kdf_members.services.members.sync_contact", broken):
			with self.assertRaises(frappe.ValidationError) as caught:
				self.as_user(
					self.kari_user,
					api.update_profile,
					mobile=mobile(),
					email=self.kari.email,
					title=self.kari.title,
				)
		self.assertIn("Only one Mobile No can be set as primary", str(caught.exception))
		self.assertNotIn("<", str(caught.exception))
