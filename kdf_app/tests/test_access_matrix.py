"""The access matrix, proven over real HTTP.

A web server for this site is started in a subprocess; ten actors log in (or stay guests) and each tries every
path family Frappe offers to every kind of protected data: REST resources and child rows, frappe.client.*,
report view get/count/export, group-by counts, link search and titles, print view and PDF per print format,
query reports, global search, docinfo, files, the portal endpoints, and writes that must not take effect.
What each actor should see comes from ``kdf_app.kdf_privacy.core.access.MATRIX`` — the same table docs/architecture.md prints.
Afterwards the Case Read Log must hold every read of the case and every refused attempt.
"""

import inspect
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import frappe
import requests
from frappe.installer import update_site_config
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today
from frappe.utils.password import update_password
from pypdf import PdfReader

from kdf_app.kdf_members.services.newsletter import ensure_group
from kdf_app.kdf_privacy.core.access import ACTORS, row
from kdf_app.tests.test_invoicing import _Assets
from kdf_app.tests.utils import make_member, make_org, make_session, register, use_test_settings

PASSWORD = "Kdf-matrise-2026!"
CASE_SECRET = "matrise-hemmelig-foresporsel"
MEETING_SECRET = "matrise-hemmelig-motenotat"
COMMENT_SECRET = "matrise-hemmelig-kommentar"
DIET_SECRET = "matrise-notteallergi"
COLLEAGUE_EMAIL = "matrise-kollega@example.no"
COLLEAGUE_DIET = "matrise-kollega-glutenfri"
FILE_NAME = "matrise-vedlegg.txt"
FILE_SECRET = "matrise-hemmelig-vedlegg"
TOPIC_SECRET = "matrise-innmeldt-tema"
EVAL_SECRET = "matrise-evaluering-navngitt"
ANON_EVAL_SECRET = "matrise-evaluering-anonym"
# every door of the template sandbox to the cases and to people (kdf_app.kdf_privacy.services.sandbox)
SANDBOX_ATTACK = (
	"{{ frappe.db.sql('select request from `tabMentoring Case`') }}"
	"|{{ frappe.db.sql('select notes from `tabCase Meeting`') }}"
	"|{{ frappe.get_all('Registration', fields=['dietary_needs']) }}"
	"|{{ frappe.get_all('Member', fields=['email']) }}"
	"|{{ frappe.db.get_value('Registration', {'dietary_needs': ['like', '%']}, 'dietary_needs') }}"
)

# the actors as concrete users: whose records they look at decides "member" vs "other member"
LOGINS = {
	"guest": None,
	"member": ("KDF Medlem",),
	"other member": ("KDF Medlem",),
	"website user": (),
	# a colleague registered by member A (below), who then made a website login with that same address
	"non-member participant": (),
	"secretariat": ("KDF Sekretariat",),
	"mentor": ("KDF Mentor",),
	"other mentor": ("KDF Mentor",),
	"case manager": ("KDF Saksbehandler",),
	"accountant": ("Accounts User",),
}
WEBSITE_USERS = {"member", "other member", "website user", "non-member participant"}


def _free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class Probe:
	"""One path to one kind of data. ``seen(response)`` says whether the data came through. ``expect`` is the
	set of actors who must see it on this path (default: the matrix row); ``deny_only`` probes assert only
	that nobody outside the row sees it (the path may be closed to allowed actors too, e.g. PDF rendering)."""

	def __init__(self, family, what, request, seen, expect=None, deny_only=False):
		self.family, self.what, self.request, self.seen = family, what, request, seen
		self.expect = expect
		self.deny_only = deny_only

	def expected(self) -> set[str]:
		return set(self.expect) if self.expect is not None else set(row(self.what).allowed)


class TestAccessMatrixOverHTTP(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.created = []
		uid = frappe.generate_hash(length=6)
		cls.uid = uid
		cls.users = {}
		for actor, roles in LOGINS.items():
			if roles is None:
				continue
			email = f"matrise-{actor.replace(' ', '-')}-{uid}@example.no"
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": actor.title(),
					"last_name": uid,
					"user_type": "Website User" if actor in WEBSITE_USERS else "System User",
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
			if roles:
				user.add_roles(*roles)
			update_password(email, PASSWORD)
			cls.users[actor] = email
			cls.created.append(("User", email))

		org_a, org_b = make_org(), make_org()
		cls.created += [("Customer", org_a), ("Customer", org_b)]
		cls.member = make_member(org_a, position_start=add_days(today(), -400))
		cls.member_b = make_member(org_b)
		for m, actor in ((cls.member, "member"), (cls.member_b, "other member")):
			m.db_set("user", cls.users[actor])
			cls.created.append(("Member", m.name))
		# member A changed jobs after a conflict: the reason is in the position history
		member = frappe.get_doc("Member", cls.member.name)
		member.change_position(org_b, "Kommunedirektør", today(), "Konflikt")
		cls.member.reload()

		cls.mentors = {}
		for actor in ("mentor", "other mentor"):
			cls.mentors[actor] = (
				frappe.get_doc(
					{
						"doctype": "Mentor",
						"mentor_name": f"Matrise {actor} {uid}",
						"user": cls.users[actor],
						"email": cls.users[actor],
						"capacity": 3,
						"offers_legal": 1,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
			cls.created.append(("Mentor", cls.mentors[actor]))

		case = frappe.get_doc(
			{
				"doctype": "Mentoring Case",
				"case_type": "Juridisk bistand",
				"member": cls.member.name,
				"request": f"Konflikt med ordfører: {CASE_SECRET}",
				"status": "Mottatt",
			}
		).insert(ignore_permissions=True)
		case.status = "Under vurdering"
		case.save(ignore_permissions=True)
		case.mentor = cls.mentors["mentor"]
		case.status = "Tildelt"
		case.append("meetings", {"meeting_date": today(), "duration_minutes": 45, "notes": MEETING_SECRET})
		case.save(ignore_permissions=True)
		cls.case = case.name
		cls.meeting_row = case.meetings[0].name
		cls.created.append(("Mentoring Case", case.name))
		comment = case.add_comment("Comment", COMMENT_SECRET)
		cls.created.append(("Comment", comment.name))
		f = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{uid}-{FILE_NAME}",
				"attached_to_doctype": "Mentoring Case",
				"attached_to_name": case.name,
				# shaped as the organisation list, so a tool that reads files would process it
				"content": f"type,number,name,orgnr,county\nKommune,9999,{FILE_SECRET},123,Testfylke\n",
				"is_private": 0,  # asked public: confidential attachments are made private anyway
			}
		).insert(ignore_permissions=True)
		cls.file = f
		cls.created.append(("File", f.name))
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": cls.users["case manager"],
				"reference_type": "Mentoring Case",
				"reference_name": case.name,
				"description": "matrise",
			}
		).insert(ignore_permissions=True)
		cls.created.append(("ToDo", todo.name))

		# an attacker's template already on the site (as a cheque print format was, before write-time refusal)
		cls.attack_format = f"Matrise sjekk {uid}"
		frappe.get_doc(
			{
				"doctype": "Print Format",
				"name": cls.attack_format,
				"doc_type": "Topplederprogram Session",
				"print_format_type": "Jinja",
				"custom_format": 1,
				"standard": "No",
				"html": SANDBOX_ATTACK,
			}
		).insert(ignore_permissions=True)
		cls.created.append(("Print Format", cls.attack_format))

		cls.session = make_session()
		cls.created.append(("Topplederprogram Session", cls.session.name))
		cls.registration = register(cls.session, cls.member, dietary_needs=DIET_SECRET, topic=TOPIC_SECRET)
		cls.created.append(("Registration", cls.registration.name))
		# a non-member colleague the member registered (group registration): their data is the secretariat's
		from kdf_app.kdf_programmes.services.registration.group import register_group

		cls.team_session = make_session(participants_allowed="Medlemmer og ledergrupper", non_member_fee=7000)
		cls.created.append(("Topplederprogram Session", cls.team_session.name))
		cls.colleague_reg, cls.participant_reg = register_group(
			cls.member.name,
			cls.team_session.name,
			[
				{"name": "Matrise Kollega", "email": COLLEAGUE_EMAIL, "dietary_needs": COLLEAGUE_DIET},
				# the "non-member participant" actor: registered beside the colleague, logs in with this address
				{"name": "Matrise Deltaker", "email": cls.users["non-member participant"]},
			],
			invoice_reference="R-1",
		)
		cls.created += [
			(doctype, name)
			for reg in (cls.colleague_reg, cls.participant_reg)
			for doctype, name in (("Registration", reg.name), ("Contact", reg.contact))
		]
		# evaluations (kdf_app.kdf_programmes.services.evaluation): a named answer, and an anonymous one with no identity stored
		cls.evaluations = {}
		for kind, secret in (("named", EVAL_SECRET), ("anonymous", ANON_EVAL_SECRET)):
			named = kind == "named"
			ev = frappe.get_doc(
				{
					"doctype": "Session Evaluation",
					"session": cls.session.name,
					"anonymous": int(not named),
					"registration": cls.registration.name if named else None,
					"member": cls.member.name if named else None,
					"member_name": cls.member.member_name if named else None,
					"overall_score": 4,
					"comments": secret,
					"scores": [{"agenda_item": "Matrise", "score": 4}],
				}
			).insert(ignore_permissions=True)
			cls.evaluations[kind] = ev.name
			cls.created.append(("Session Evaluation", ev.name))
		cls.session.reload()
		cls.draft = make_session(status="Utkast", published=0)
		cls.created.append(("Topplederprogram Session", cls.draft.name))
		cls._joining_and_invoices()
		frappe.db.commit()

		cls.port = _free_port()
		cls.url = f"http://127.0.0.1:{cls.port}"
		# PDFs: wkhtmltopdf fetches the print CSS from host_name; serve the assets as nginx would
		cls.assets = ThreadingHTTPServer(("127.0.0.1", 0), _Assets)
		threading.Thread(target=cls.assets.serve_forever, daemon=True).start()
		cls.previous_host_name = frappe.conf.get("host_name")
		update_site_config("host_name", f"http://127.0.0.1:{cls.assets.server_port}")
		cls.server_log = open(os.path.join("/tmp", f"kdf-matrix-{uid}.log"), "w+")
		# gunicorn, as in production (Frappe's development server always shows tracebacks)
		cls.server = subprocess.Popen(
			[
				sys.executable,
				"-m",
				"gunicorn",
				"--bind",
				f"127.0.0.1:{cls.port}",
				"--workers",
				"2",
				"--timeout",
				"120",
				"frappe.app:application",
			],
			cwd=os.path.abspath(frappe.local.sites_path),
			stdout=cls.server_log,
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)
		try:
			cls._wait_and_log_in()
		except BaseException:
			cls.tearDownClass()  # never leave a server behind
			raise

	@classmethod
	def _wait_and_log_in(cls):
		for _ in range(120):
			try:
				if requests.get(
					f"{cls.url}/api/method/ping", headers={"Host": frappe.local.site}, timeout=15
				).ok:
					break
			except requests.RequestException:
				pass
			time.sleep(0.5)
		else:
			raise AssertionError("the test web server did not start")
		cls.sessions = {}
		for actor in LOGINS:
			s = requests.Session()
			s.headers["Host"] = frappe.local.site
			s.headers["Accept"] = "application/json"
			if cls.users.get(actor):
				r = s.post(f"{cls.url}/api/method/login", data={"usr": cls.users[actor], "pwd": PASSWORD})
				assert r.ok, (actor, r.status_code, r.text[:300])
			cls.sessions[actor] = s
		cls.started = frappe.utils.now_datetime()

	@classmethod
	def _joining_and_invoices(cls):
		"""A membership application, member A's change request and the invoice of member A's registration
		(KDF's test settings for invoicing; the site's own are put back in tearDownClass)."""
		from kdf_app.kdf_billing.services.invoicing import create_session_invoices
		from kdf_app.kdf_members.services.membership import submit_application

		cls.settings_before = frappe.db.get_singles_dict("KDF Settings")
		use_test_settings(
			org_number="958935420",
			bank_account="86011117947",
			vat_setup="Not VAT registered",
			fee_vat="Exempt",
			ehf_adapter="Outbox",
			ehf_outbox="private/ehf-outbox-test",
			submit_session_invoices=1,
			event_income_account=frappe.db.get_value(
				"Account", {"company": "KDF Test", "root_type": "Income", "is_group": 0}
			),
		)
		(cls.invoice,) = create_session_invoices(cls.session.name)
		cls.created.append(("Sales Invoice", cls.invoice))
		cls.applicant_email = f"matrise-soker-{cls.uid}@example.no"
		cls.application = submit_application(
			{
				"first_name": "Matrise",
				"last_name": f"Søker {cls.uid}",
				"email": cls.applicant_email,
				"title": "Kommunedirektør",
				"organisation": make_org(),
				"start_date": today(),
				"consent": 1,
			}
		)
		cls.created.append(("Membership Application", cls.application))
		cls.change_request = (
			frappe.get_doc(
				{
					"doctype": "Member Change Request",
					"member": cls.member.name,
					"user": cls.users["member"],
					"kind": "Slutter",
					"start_date": add_days(today(), 30),
					"reason": "Pensjon",
					"note": "matrise-endringsmelding",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		cls.created.append(("Member Change Request", cls.change_request))
		# a research extract's log: the role KDF Forskningsuttrekk's and the System Manager's, no actor's
		from kdf_app.kdf_privacy.services.guard import app_write

		with app_write():
			cls.research_log = (
				frappe.get_doc(
					{
						"doctype": "Research Extract Log",
						"made_by": "Administrator",
						"from_year": 1971,
						"to_year": 1975,
						"detail": "matrise-forskningslogg",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		cls.created.append(("Research Extract Log", cls.research_log))

	@classmethod
	def tearDownClass(cls):
		server = getattr(cls, "server", None)
		if server:
			server.terminate()
			server.wait(timeout=20)
			cls.server = None
		if getattr(cls, "assets", None):
			cls.assets.shutdown()
			cls.assets.server_close()
			cls.assets = None
			update_site_config("host_name", cls.previous_host_name or "None")
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for doctype, name in reversed(getattr(cls, "created", [])):
			for table in frappe.get_meta(doctype).get_table_fields():
				frappe.db.delete(table.options, {"parent": name, "parenttype": doctype})
			frappe.db.delete(doctype, {"name": name})
		sessions = [getattr(cls, a).name for a in ("session", "draft") if getattr(cls, a, None)]
		if sessions:
			frappe.db.delete("Registration", {"session": ("in", sessions)})
		frappe.db.delete("Case Read Log", {"case": getattr(cls, "case", "")})
		if getattr(cls, "invoice", None):  # the ledger rows and EHF file of the member's invoice
			for doctype in ("GL Entry", "Payment Ledger Entry"):
				frappe.db.delete(doctype, {"voucher_no": cls.invoice})
			frappe.db.delete(
				"File", {"attached_to_doctype": "Sales Invoice", "attached_to_name": cls.invoice}
			)
		meta = frappe.get_meta("KDF Settings")
		for field, value in (getattr(cls, "settings_before", None) or {}).items():
			df = meta.get_field(field)
			if (
				df
				and df.fieldtype != "Password"
				and frappe.db.get_single_value("KDF Settings", field) != value
			):
				frappe.db.set_single_value("KDF Settings", field, value)
		# the newsletter group's rows of the members deleted above (kdf_app.kdf_members.services.newsletter)
		emails = [m.email for m in (getattr(cls, "member", None), getattr(cls, "member_b", None)) if m]
		if emails:
			frappe.db.delete("Email Group Member", {"email": ("in", emails)})
		for email in getattr(cls, "users", {}).values():
			frappe.db.delete("Has Role", {"parent": email})
			frappe.db.delete("Contact", {"email_id": email})
		frappe.db.commit()
		super().tearDownClass()

	# --- HTTP ----------------------------------------------------------------------------------------------
	def call(self, actor, method, params=None, http="GET"):
		s = self.sessions[actor]
		url = f"{self.url}/api/method/{method}"
		if http == "GET":
			return s.get(url, params=_encode(params))
		return s.post(url, data=_encode(params))

	def get(self, actor, path, params=None):
		return self.sessions[actor].get(f"{self.url}{path}", params=_encode(params))

	# --- the probes ----------------------------------------------------------------------------------------
	def probes(self):
		case, meeting = self.case, self.meeting_row
		CASE = "Confidential case"
		MEET = "Meeting notes"
		MEMBER = "Member record"
		REG = "Registration and"
		DIET = "Dietary needs"
		PLIST = "Participant list"
		NONMEMBER = "A non-member participant"
		DRAFT = "Draft session"
		PUBLIC = "Published session"
		OWN = "Status and type"
		TOPIC = "Topics in advance"
		EVAL = "Evaluation answers of a named"
		ANON = "Who answered what"

		def has(text):
			return lambda r: r.status_code == 200 and text in r.text

		def count_positive(r):
			if r.status_code != 200:
				return False
			message = r.json().get("message")
			if isinstance(message, dict):  # reportview.get_count with distinct
				message = message.get("count")
			return bool(message)

		def pdf_has(text):
			def seen(r):
				if r.status_code != 200 or not r.headers.get("Content-Type", "").startswith(
					"application/pdf"
				):
					return False
				pages = PdfReader(io.BytesIO(r.content)).pages
				extracted = "".join(page.extract_text() for page in pages)
				return "".join(text.split()) in "".join(extracted.split())  # table cells wrap long words

			return seen

		member_name = self.member.name
		member_email = self.member.email
		reg = self.registration.name
		like = json.dumps([["request", "like", f"%{CASE_SECRET}%"]])
		p = Probe
		return [
			# the case itself
			p(
				"REST resource",
				CASE,
				lambda a: self.get(a, f"/api/resource/Mentoring Case/{case}"),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"REST list",
				CASE,
				lambda a: self.get(
					a,
					"/api/resource/Mentoring Case",
					{"fields": '["name","request"]', "limit_page_length": 0},
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"frappe.client.get",
				CASE,
				lambda a: self.call(a, "frappe.client.get", {"doctype": "Mentoring Case", "name": case}),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"frappe.client.get_value",
				CASE,
				lambda a: self.call(
					a,
					"frappe.client.get_value",
					{
						"doctype": "Mentoring Case",
						"fieldname": "request",
						"filters": json.dumps({"name": case}),
					},
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"frappe.client.get_list",
				CASE,
				lambda a: self.call(
					a, "frappe.client.get_list", {"doctype": "Mentoring Case", "fields": '["request"]'}
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"frappe.client.get_count",
				CASE,
				lambda a: self.call(
					a, "frappe.client.get_count", {"doctype": "Mentoring Case", "filters": like}
				),
				count_positive,
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"reportview.get",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{"doctype": "Mentoring Case", "fields": '["`tabMentoring Case`.`request`"]'},
					"POST",
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"reportview.get_count",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get_count",
					{"doctype": "Mentoring Case", "filters": like},
					"POST",
				),
				count_positive,
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"reportview.export_query",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.export_query",
					{
						"doctype": "Mentoring Case",
						"fields": '["`tabMentoring Case`.`request`"]',
						"file_format_type": "CSV",
						"title": "x",
					},
					"POST",
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"group-by count",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.listview.get_group_by_count",
					{"doctype": "Mentoring Case", "current_filters": like, "field": "status"},
					"POST",
				),
				lambda r: r.status_code == 200 and bool(r.json().get("message")),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"group-by count (assigned to)",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.listview.get_group_by_count",
					{"doctype": "Mentoring Case", "current_filters": like, "field": "assigned_to"},
					"POST",
				),
				lambda r: r.status_code == 200 and bool(r.json().get("message")),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"search_link",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.search.search_link",
					{"doctype": "Mentoring Case", "txt": "", "page_length": 1000},
				),
				has(case),
			),
			p(
				"search_widget",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.search.search_widget",
					{"doctype": "Mentoring Case", "txt": "", "page_length": 1000, "searchfield": "name"},
				),
				has(case),
			),
			p(
				"query report Case Statistics (no names)",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "Case Statistics", "filters": json.dumps({})},
				),
				lambda r: r.status_code == 200 and (self.member.last_name in r.text or CASE_SECRET in r.text),
				expect=set(),  # statistics carry no names and no content, for anyone
			),
			p(
				"get_link_title",
				CASE,
				lambda a: self.call(
					a, "frappe.desk.search.get_link_title", {"doctype": "Mentoring Case", "docname": case}
				),
				has("Juridisk bistand"),
			),
			p(
				"printview",
				CASE,
				lambda a: self.get(
					a, "/printview", {"doctype": "Mentoring Case", "name": case, "format": "Standard"}
				),
				has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"download_pdf",
				CASE,
				lambda a: self.call(
					a,
					"frappe.utils.print_format.download_pdf",
					{"doctype": "Mentoring Case", "name": case, "format": "Standard"},
				),
				pdf_has(CASE_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"getdoc",
				CASE,
				lambda a: self.call(
					a, "frappe.desk.form.load.getdoc", {"doctype": "Mentoring Case", "name": case}
				),
				has(CASE_SECRET),
			),
			p(
				"docinfo",
				CASE,
				lambda a: self.call(
					a, "frappe.desk.form.load.get_docinfo", {"doctype": "Mentoring Case", "name": case}
				),
				has(COMMENT_SECRET),
			),
			p(
				"comments (REST)",
				CASE,
				lambda a: self.get(
					a,
					"/api/resource/Comment",
					{
						"fields": '["content"]',
						"filters": json.dumps([["reference_name", "=", case]]),
						"limit_page_length": 0,
					},
				),
				has(COMMENT_SECRET),
				deny_only=True,
			),
			p(
				"global search",
				CASE,
				lambda a: self.call(a, "frappe.utils.global_search.search", {"text": CASE_SECRET}),
				has(CASE_SECRET),
				deny_only=True,
			),
			p(
				"files (list)",
				CASE,
				lambda a: self.get(
					a,
					"/api/resource/File",
					{
						"fields": '["file_name"]',
						"filters": json.dumps([["attached_to_doctype", "=", "Mentoring Case"]]),
						"limit_page_length": 0,
					},
				),
				has(f"{self.uid}-{FILE_NAME}"),
			),
			p(
				"files (download)",
				CASE,
				lambda a: self.get(a, self.file_url),
				has(FILE_SECRET),
				expect=set(),  # sealed: the stored file is ciphertext for everyone
			),
			p(
				"connections count on the member (get_open_count)",
				CASE,
				lambda a: self.call(
					a,
					"frappe.desk.notifications.get_open_count",
					{"doctype": "Member", "name": self.member.name, "items": '["Mentoring Case"]'},
				),
				lambda r: (
					r.status_code == 200
					and any(
						e.get("doctype") == "Mentoring Case" and e.get("count")
						for e in r.json()["message"]["count"]["external_links_found"]
					)
				),
				expect={"case manager"},  # a mentor may not open the member's record at all
			),
			p(
				"files (through the organisation importer)",
				CASE,
				lambda a: self.call(
					a, "kdf_app.api.members.import_organisations", {"file_url": self.file_url}, "POST"
				),
				lambda r: r.status_code == 200,  # it read the file (and reports on its rows)
				expect=set(),  # the secretariat's importer reads only files the caller may read
			),
			# meeting notes: child rows on their own
			p(
				"child rows (REST ?parent=)",
				MEET,
				lambda a: self.get(
					a,
					"/api/resource/Case Meeting",
					{"parent": "Mentoring Case", "fields": '["notes"]', "limit_page_length": 0},
				),
				has(MEETING_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"child row (REST by name)",
				MEET,
				lambda a: self.get(a, f"/api/resource/Case Meeting/{meeting}", {"parent": "Mentoring Case"}),
				has(MEETING_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"child rows (frappe.client.get_list)",
				MEET,
				lambda a: self.call(
					a,
					"frappe.client.get_list",
					{"doctype": "Case Meeting", "parent": "Mentoring Case", "fields": '["notes"]'},
				),
				has(MEETING_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"child row (frappe.client.get)",
				MEET,
				lambda a: self.call(
					a,
					"frappe.client.get",
					{"doctype": "Case Meeting", "name": meeting, "parent": "Mentoring Case"},
				),
				has(MEETING_SECRET),
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"child rows (count)",
				MEET,
				lambda a: self.call(
					a,
					"frappe.client.get_count",
					{
						"doctype": "Case Meeting",
						"parent": "Mentoring Case",
						"filters": json.dumps([["notes", "like", f"%{MEETING_SECRET}%"]]),
					},
				),
				count_positive,
				expect=set(),  # sealed: ciphertext on this door, for everyone
			),
			p(
				"attachment (the read path, kdf_app.api.cases.attachment)",
				CASE,
				lambda a: self.call(a, "kdf_app.api.cases.attachment", {"name": self.file.name}),
				has(FILE_SECRET),
			),
			# the template sandbox: an attacker's template rendered by each actor
			p(
				"sandbox: auto-repeat message preview",
				CASE,
				lambda a: self.call(
					a,
					"frappe.automation.doctype.auto_repeat.auto_repeat.generate_message_preview",
					{
						"reference_dt": "Topplederprogram Session",
						"reference_doc": self.session.name,
						"message": SANDBOX_ATTACK,
					},
					"POST",
				),
				lambda r: r.status_code == 200 and (CASE_SECRET in r.text or MEETING_SECRET in r.text),
				expect=set(),
			),
			p(
				"sandbox: a print format with template code (get_html_and_style)",
				DIET,
				lambda a: self.call(
					a,
					"frappe.www.printview.get_html_and_style",
					{
						"doc": "Topplederprogram Session",
						"name": self.session.name,
						"print_format": self.attack_format,
					},
					"POST",
				),
				lambda r: (
					r.status_code == 200
					and any(
						x in r.text for x in (CASE_SECRET, MEETING_SECRET, DIET_SECRET, self.member_b.email)
					)
				),
				expect=set(),
			),
			# child rows of core doctypes: only those of parents the caller may read
			p(
				"core child rows: Contact Email ?parent=Contact",
				MEMBER,
				lambda a: self.get(
					a,
					"/api/resource/Contact Email",
					{"parent": "Contact", "fields": '["email_id"]', "limit_page_length": 0},
				),
				has(COLLEAGUE_EMAIL),
				expect={"secretariat", "accountant", "case manager"},
				deny_only=True,
			),
			p(
				"core child rows: Has Role ?parent=User",
				"Case Read Log",
				lambda a: self.get(
					a,
					"/api/resource/Has Role",
					{
						"parent": "User",
						"fields": '["parent","role"]',
						"filters": json.dumps([["role", "=", "KDF Saksbehandler"]]),
						"limit_page_length": 0,
					},
				),
				has(self.users["case manager"]),
				expect={"case manager", "secretariat"},
				deny_only=True,
			),
			p(
				"Case Read Log (REST)",
				"Case Read Log",
				lambda a: self.get(
					a,
					"/api/resource/Case Read Log",
					{
						"fields": '["case"]',
						"filters": json.dumps([["case", "=", case]]),
						"limit_page_length": 0,
					},
				),
				has(case),
			),
			# the member's own view of their case
			p(
				"portal: my cases",
				OWN,
				lambda a: self.call(a, "kdf_app.api.cases.my_cases"),
				has("Juridisk bistand"),
			),
			# member register and position history
			p(
				"REST resource",
				MEMBER,
				lambda a: self.get(a, f"/api/resource/Member/{member_name}"),
				has(member_email),
			),
			p(
				"search_link",
				MEMBER,
				lambda a: self.call(
					a, "frappe.desk.search.search_link", {"doctype": "Member", "txt": self.member.last_name}
				),
				has(member_name),
			),
			p(
				"get_link_title",
				MEMBER,
				lambda a: self.call(
					a, "frappe.desk.search.get_link_title", {"doctype": "Member", "docname": member_name}
				),
				has(self.member.last_name),
			),
			p(
				"child rows (REST ?parent=)",
				MEMBER,
				lambda a: self.get(
					a,
					"/api/resource/Member Position",
					{
						"parent": "Member",
						"fields": '["reason","parent"]',
						"filters": json.dumps([["parent", "=", member_name]]),
					},
				),
				has("Konflikt"),
			),
			p(
				"child rows (reportview)",
				MEMBER,
				lambda a: self.call(
					a,
					"frappe.client.get_list",
					{
						"doctype": "Member Position",
						"parent": "Member",
						"fields": '["reason"]',
						"filters": json.dumps([["parent", "=", member_name]]),
					},
				),
				has("Konflikt"),
			),
			p(
				"frappe.client.get_count",
				MEMBER,
				lambda a: self.call(
					a,
					"frappe.client.get_count",
					{"doctype": "Member", "filters": json.dumps({"email": member_email})},
				),
				count_positive,
			),
			p(
				"global search",
				MEMBER,
				lambda a: self.call(a, "frappe.utils.global_search.search", {"text": self.member.last_name}),
				has(member_name),
				deny_only=True,
			),
			p(
				"own data export (Last ned mine data)",
				MEMBER,
				lambda a: self.call(a, "kdf_app.api.privacy.my_data"),
				# the member's own e-mail, and never another member's, whoever asks
				lambda r: has(member_email)(r) and self.member_b.email not in r.text,
				expect={"member"},
			),
			# joining, change requests, the member's own invoices (kdf_app.api.membership)
			p(
				"REST resource",
				"Membership application",
				lambda a: self.get(a, f"/api/resource/Membership Application/{self.application}"),
				has(self.applicant_email),
			),
			p(
				"frappe.client.get_count",
				"Membership application",
				lambda a: self.call(
					a,
					"frappe.client.get_count",
					{
						"doctype": "Membership Application",
						"filters": json.dumps({"email": self.applicant_email}),
					},
				),
				count_positive,
			),
			p(
				"REST resource",
				"Member change request",
				lambda a: self.get(a, f"/api/resource/Member Change Request/{self.change_request}"),
				has("matrise-endringsmelding"),
			),
			p(
				"frappe.client.get_list",
				"Member change request",
				lambda a: self.call(
					a,
					"frappe.client.get_list",
					{"doctype": "Member Change Request", "fields": '["name", "note"]'},
				),
				has("matrise-endringsmelding"),
			),
			p(
				"Mine fakturaer (my_invoices)",
				"Invoice of one's own",
				lambda a: self.call(a, "kdf_app.api.membership.my_invoices"),
				has(self.invoice),
				expect={"member"},
			),
			p(
				"Mine fakturaer PDF (invoice_pdf)",
				"Invoice of one's own",
				lambda a: self.call(a, "kdf_app.api.membership.invoice_pdf", {"invoice": self.invoice}),
				pdf_has(self.invoice),
				expect={"member"},
			),
			p(
				"REST resource (no Sales Invoice permission for members)",
				"Invoice of one's own",
				lambda a: self.get(a, f"/api/resource/Sales Invoice/{self.invoice}"),
				has(self.invoice),
				expect={"secretariat", "accountant"},
			),
			# registrations, price lines, dietary needs, the participant list
			p("REST resource", REG, lambda a: self.get(a, f"/api/resource/Registration/{reg}"), has(reg)),
			p(
				"child rows (REST ?parent=)",
				REG,
				lambda a: self.get(
					a,
					"/api/resource/Registration Price Line",
					{
						"parent": "Registration",
						"fields": '["parent","amount"]',
						"filters": json.dumps([["parent", "=", reg]]),
					},
				),
				has(reg),
			),
			p(
				"REST resource (health data)",
				DIET,
				lambda a: self.get(a, f"/api/resource/Registration/{reg}"),
				has(DIET_SECRET),
			),
			p(
				"reportview.get (health data)",
				DIET,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{"doctype": "Registration", "fields": '["`tabRegistration`.`dietary_needs`"]'},
					"POST",
				),
				has(DIET_SECRET),
			),
			p(
				"print format Deltakerliste",
				PLIST,
				lambda a: self.get(
					a,
					"/printview",
					{
						"doctype": "Topplederprogram Session",
						"name": self.session.name,
						"format": "Deltakerliste",
					},
				),
				has(DIET_SECRET),
			),
			p(
				"REST get of a colleague's registration (non-member)",
				NONMEMBER,
				lambda a: self.get(a, f"/api/resource/Registration/{self.colleague_reg.name}"),
				has(COLLEAGUE_EMAIL),
			),
			p(
				"reportview.get of a colleague's dietary needs (non-member)",
				NONMEMBER,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{
						"doctype": "Registration",
						"fields": '["`tabRegistration`.`dietary_needs`"]',
						"filters": json.dumps([["name", "=", self.colleague_reg.name]]),
					},
					"POST",
				),
				has(COLLEAGUE_DIET),
			),
			p(
				"print format Navneskilt (name badges, members and non-members)",
				PLIST,
				lambda a: self.get(
					a,
					"/printview",
					{
						"doctype": "Topplederprogram Session",
						"name": self.session.name,
						"format": "Navneskilt",
					},
				),
				has(f'<div class="n">{self.member.member_name}</div>'),
			),
			p(
				"session participants by organisation",
				PLIST,
				lambda a: self.call(
					a, "kdf_app.api.sessions.participants_by_organisation", {"session": self.session.name}
				),
				has(self.member.member_name),
			),
			p(
				"query report Session Participants",
				PLIST,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{
						"report_name": "Session Participants",
						"filters": json.dumps({"session": self.session.name}),
					},
				),
				has(DIET_SECRET),
			),
			p(
				"PDF Deltakerliste",
				PLIST,
				lambda a: self.call(
					a,
					"frappe.utils.print_format.download_pdf",
					{
						"doctype": "Topplederprogram Session",
						"name": self.session.name,
						"format": "Deltakerliste",
					},
				),
				pdf_has(DIET_SECRET),
			),
			p(
				"PDF Standard (registration)",
				REG,
				lambda a: self.call(
					a,
					"frappe.utils.print_format.download_pdf",
					{"doctype": "Registration", "name": reg, "format": "Standard"},
				),
				pdf_has(self.member.last_name),
			),
			p(
				"query report Member Turnover",
				MEMBER,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "Member Turnover", "filters": json.dumps({})},
				),
				has(self.member.last_name),
				deny_only=True,
			),
			p(
				"query report Membership Coverage",
				MEMBER,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "Membership Coverage", "filters": json.dumps({})},
				),
				lambda r: r.status_code == 200 and "message" in r.json(),
				expect={"secretariat"},  # counts per county, the secretariat's report
			),
			p(
				"query report OU Refund Pack",
				REG,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "OU Refund Pack", "filters": json.dumps({"year": getdate().year})},
				),
				has(self.member.last_name),
				deny_only=True,
			),
			# the årsmelding and the retention log: the secretariat's (counts and ids, no names)
			p(
				"query report KDF Annual Report",
				"Annual report",
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "KDF Annual Report", "filters": json.dumps({"year": getdate().year})},
				),
				lambda r: r.status_code == 200 and bool(r.json().get("message", {}).get("result")),
			),
			# tenure and turnover: the secretariat's counts; the research extract and its log: no actor's
			p(
				"query report Tenure and Turnover",
				"Tenure and Turnover",
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "Tenure and Turnover", "filters": json.dumps({})},
				),
				lambda r: r.status_code == 200 and bool(r.json().get("message", {}).get("result")),
			),
			p(
				"make_extract",
				"Research extract",
				lambda a: self.call(
					a, "kdf_app.api.research.make_extract", {"from_year": 1971, "to_year": 1975}, "POST"
				),
				lambda r: r.status_code == 200 and "content" in (r.json().get("message") or {}),
			),
			p(
				"REST list",
				"Research extract",
				lambda a: self.get(a, "/api/resource/Research Extract Log", {"fields": '["name","detail"]'}),
				has("matrise-forskningslogg"),
			),
			p(
				"reportview.get",
				"Research extract",
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{"doctype": "Research Extract Log", "fields": '["`tabResearch Extract Log`.`detail`"]'},
					"POST",
				),
				has("matrise-forskningslogg"),
			),
			p(
				"REST list",
				"Retention Log",
				lambda a: self.get(
					a, "/api/resource/Retention Log", {"fields": '["name","member","action"]'}
				),
				lambda r: r.status_code == 200 and "data" in r.json(),
			),
			p(
				"reportview.get",
				"Retention Log",
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{"doctype": "Retention Log", "fields": '["`tabRetention Log`.`member`"]'},
					"POST",
				),
				lambda r: r.status_code == 200 and "message" in r.json(),
			),
			# sessions
			p(
				"REST resource",
				DRAFT,
				lambda a: self.get(a, f"/api/resource/Topplederprogram Session/{self.draft.name}"),
				has(self.draft.session_title),
			),
			p(
				"REST list",
				DRAFT,
				lambda a: self.get(
					a,
					"/api/resource/Topplederprogram Session",
					{"fields": '["session_title"]', "limit_page_length": 0},
				),
				has(self.draft.session_title),
			),
			p(
				"child rows (REST ?parent=)",
				DRAFT,
				lambda a: self.get(
					a,
					"/api/resource/Session Stay Package",
					{
						"parent": "Topplederprogram Session",
						"fields": '["parent"]',
						"filters": json.dumps([["parent", "=", self.draft.name]]),
					},
				),
				has(self.draft.name),
			),
			# topics in advance and evaluations
			p(
				"REST resource (topic)",
				TOPIC,
				lambda a: self.get(a, f"/api/resource/Registration/{reg}"),
				has(TOPIC_SECRET),
			),
			p(
				"query report Session Topics",
				TOPIC,
				lambda a: self.call(
					a,
					"frappe.desk.query_report.run",
					{"report_name": "Session Topics", "filters": json.dumps({"session": self.session.name})},
				),
				has(TOPIC_SECRET),
				expect={"secretariat"},
			),
			p(
				"print format Innmeldte tema",
				TOPIC,
				lambda a: self.get(
					a,
					"/printview",
					{
						"doctype": "Topplederprogram Session",
						"name": self.session.name,
						"format": "Innmeldte tema",
					},
				),
				has(TOPIC_SECRET),
				expect={"secretariat"},
			),
			p(
				"REST list (named evaluation)",
				EVAL,
				lambda a: self.get(
					a,
					"/api/resource/Session Evaluation",
					{"fields": '["comments","member"]', "limit_page_length": 0},
				),
				has(EVAL_SECRET),
			),
			p(
				"REST resource (anonymous evaluation)",
				ANON,
				lambda a: self.get(a, f"/api/resource/Session Evaluation/{self.evaluations['anonymous']}"),
				has(ANON_EVAL_SECRET),
			),
			p(
				"reportview.get (anonymous evaluation)",
				ANON,
				lambda a: self.call(
					a,
					"frappe.desk.reportview.get",
					{"doctype": "Session Evaluation", "fields": '["`tabSession Evaluation`.`comments`"]'},
					"POST",
				),
				has(ANON_EVAL_SECRET),
			),
			p(
				"get_count (anonymous evaluation)",
				ANON,
				lambda a: self.call(
					a,
					"frappe.client.get_count",
					{"doctype": "Session Evaluation", "filters": json.dumps({"anonymous": 1})},
				),
				count_positive,
			),
			p(
				"web page",
				PUBLIC,
				lambda a: self.get(a, f"/{self.session.route}"),
				has(self.session.session_title),
			),
		]

	def test_every_actor_on_every_path(self):
		self.file_url = frappe.db.get_value("File", self.file.name, "file_url")
		self.assertTrue(self.file_url.startswith("/private/"), "a case attachment must be private")
		failures, checks = [], 0
		for probe in self.probes():
			expected = probe.expected()
			for actor in ACTORS:
				r = probe.request(actor)
				seen = probe.seen(r)
				checks += 1
				should = actor in expected
				if (seen and not should) or (not seen and should and not probe.deny_only):
					failures.append(
						f"{probe.what[:28]:28} | {probe.family:36} | {actor:12} | expected "
						f"{'seen' if should else 'hidden'}, got {'seen' if seen else 'hidden'} (HTTP {r.status_code})"
						+ (f" {r.text[:300]}" if r.status_code >= 400 and should else "")
					)
				if not should and r.status_code >= 400:
					# refused: a plain message, never data, never a traceback
					self.assertLess(r.status_code, 500, f"{probe.family} as {actor}: {r.text[:500]}")
					self.assertNotIn("Traceback", r.text, f"{probe.family} as {actor}")
		print(f"\naccess matrix: {len(self.probes())} paths x {len(ACTORS)} actors = {checks} checks")
		self.assertEqual(failures, [], "\n" + "\n".join(failures))
		self._check_read_log()

	def _check_read_log(self):
		frappe.db.rollback()  # see what the server committed
		log = frappe.get_all(
			"Case Read Log",
			filters={"read_on": (">=", self.started)},
			fields=["case", "user", "action", "allowed", "path"],
		)
		by_user = {}
		for e in log:
			by_user.setdefault(e.user, []).append(e)
		for actor in ("mentor", "case manager"):
			entries = by_user.get(self.users[actor], [])
			self.assertTrue(
				any(e.case == self.case and e.allowed and e.action == "Document" for e in entries), actor
			)
			self.assertTrue(any(not e.case and e.action == "List" for e in entries), f"{actor}: list reads")
			self.assertTrue(any(e.action == "Count" for e in entries), f"{actor}: counts")
		self.assertTrue(
			any(e.action == "Export" for e in by_user.get(self.users["case manager"], [])),
			"exports are logged",
		)
		for actor in (
			"other mentor",
			"other member",
			"member",
			"secretariat",
			"accountant",
			"website user",
			"non-member participant",
		):
			entries = by_user.get(self.users[actor], [])
			self.assertTrue(
				any(e.case == self.case and not e.allowed for e in entries),
				f"{actor}: refused attempt logged",
			)
			self.assertFalse(any(e.case == self.case and e.allowed for e in entries), f"{actor}: read logged")
		self.assertTrue(any(not e.allowed for e in by_user.get("Guest", [])), "a guest's attempt is logged")

	# --- the matrix generated from the site ----------------------------------------------------------------
	# Each planted value and the matrix row (kdf_app.kdf_privacy.core.access.MATRIX) that says who may read it. The doors
	# come from the site's metadata, so a doctype, child table or print format that an upgrade adds is swept
	# without anyone listing it.
	CANARIES = {
		CASE_SECRET: "Case content on any door but the read path",
		MEETING_SECRET: "Case content on any door but the read path",
		FILE_SECRET: "Case content on any door but the read path",
		COMMENT_SECRET: "Confidential case",
		DIET_SECRET: "Dietary needs",
		COLLEAGUE_DIET: "A non-member participant",
		COLLEAGUE_EMAIL: "Contact details",
		TOPIC_SECRET: "Topics in advance",
		EVAL_SECRET: "Evaluation answers of a named",
		ANON_EVAL_SECRET: "Who answered what",
	}

	def generated_doors(self):
		"""(family, doctype, request) for every doctype of the site: REST list and report view with every
		field and link search, every child table with each of its parents, every single, and print view per
		print format."""
		doors = []
		parents = {}
		for table in frappe.get_all(
			"DocField", {"fieldtype": ("in", ["Table", "Table MultiSelect"])}, ["options", "parent"]
		) + frappe.get_all(
			"Custom Field", {"fieldtype": ("in", ["Table", "Table MultiSelect"])}, ["options", "dt as parent"]
		):
			parents.setdefault(table.options, set()).add(table.parent)
		for d in frappe.get_all(
			"DocType", {"is_virtual": 0}, ["name", "istable", "issingle"], order_by="name"
		):
			dt = d.name
			if d.istable:
				for parent in sorted(parents.get(dt, ())):
					doors.append(
						(
							f"REST ?parent={parent}",
							dt,
							lambda a, dt=dt, parent=parent: self.get(
								a,
								f"/api/resource/{dt}",
								{"parent": parent, "fields": '["*"]', "limit_page_length": 0},
							),
						)
					)
			elif d.issingle:
				doors.append(("REST single", dt, lambda a, dt=dt: self.get(a, f"/api/resource/{dt}/{dt}")))
			else:
				doors.append(
					(
						"REST list",
						dt,
						lambda a, dt=dt: self.get(
							a, f"/api/resource/{dt}", {"fields": '["*"]', "limit_page_length": 0}
						),
					)
				)
				doors.append(
					(
						"search_link",
						dt,
						lambda a, dt=dt: self.call(
							a,
							"frappe.desk.search.search_link",
							{"doctype": dt, "txt": "", "page_length": 100},
						),
					)
				)
				doors.append(
					(
						"reportview.get",
						dt,
						lambda a, dt=dt: self.call(
							a,
							"frappe.desk.reportview.get",
							{"doctype": dt, "fields": '["*"]', "page_length": 0},
							"POST",
						),
					)
				)
		ours = {
			"Mentoring Case": self.case,
			"Registration": self.registration.name,
			"Topplederprogram Session": self.team_session.name,
			"Member": self.member.name,
		}
		for pf in frappe.get_all("Print Format", {"disabled": 0}, ["name", "doc_type"], order_by="name"):
			name = ours.get(pf.doc_type) or next(
				iter(frappe.get_all(pf.doc_type, limit=1, pluck="name")), None
			)
			if name:
				doors.append(
					(
						f"printview {pf.name}",
						pf.doc_type,
						lambda a, pf=pf, name=name: self.get(
							a, "/printview", {"doctype": pf.doc_type, "name": name, "format": pf.name}
						),
					)
				)
		return doors

	def test_every_doctype_and_door_of_the_site_hides_what_the_actor_may_not_see(self):
		doors = self.generated_doors()
		allowed = {secret: row(what).allowed for secret, what in self.CANARIES.items()}
		# the read log keeps what a caller searched for (a filter `request like %…%`): the case managers' to read
		in_the_log = set(row("Case Read Log").allowed)
		failures, checks, errors = [], 0, []
		for family, doctype, request in doors:
			for actor in ACTORS:
				r = request(actor)
				checks += 1
				if r.status_code >= 500:
					errors.append(f"{doctype} | {family} | {actor} | HTTP {r.status_code}")
					self.assertNotIn("Traceback", r.text, f"{doctype} {family} as {actor}")
					if family.startswith("REST ?parent="):  # our child-row condition must not break a door
						failures.append(f"{doctype:32} | {family:36} | {actor:12} | HTTP {r.status_code}")
				for secret, who in allowed.items():
					if doctype == "Case Read Log":
						who = who | in_the_log
					if actor not in who and secret in r.text:
						failures.append(f"{doctype:32} | {family:36} | {actor:12} | sees {secret}")
		kinds = {}
		for family, _, _ in doors:
			key = family.split(" ")[0] if not family.startswith("REST") else " ".join(family.split(" ")[:2])
			kinds[key.split("=")[0]] = kinds.get(key.split("=")[0], 0) + 1
		doctypes = len({d for _, d, _ in doors})
		print(
			f"\ngenerated matrix: {doctypes} doctypes, {len(doors)} doors ({kinds}) x {len(ACTORS)} actors = "
			f"{checks} checks, {len(self.CANARIES)} planted values; {len(errors)} answers were server errors"
			+ "".join(f"\n  {e}" for e in errors)
		)
		self.assertEqual(failures, [], "\n" + "\n".join(failures[:200]))

	def whitelisted_document_methods(self):
		"""(doctype, method) for every whitelisted method of every controller of the site, found the way
		``run_doc_method`` checks it (the function is in ``frappe.whitelisted``): nothing listed by hand."""
		from frappe.model.base_document import get_controller

		found = []
		for d in frappe.get_all(
			"DocType", {"is_virtual": 0, "istable": 0}, ["name", "issingle"], order_by="name"
		):
			try:
				controller = get_controller(d.name)
			except ImportError:
				continue  # a doctype whose app is not installed here
			for attr, fn in inspect.getmembers(controller, inspect.isfunction):
				if fn in frappe.whitelisted:
					found.append((d.name, bool(d.issingle), attr))
		return found

	def _forged(self, doctype, name, actor):
		"""The stored document as a client would send it, with every link to a person pointed at ``actor``
		(owner, User, Member, Mentor, Contact links): what an attacker builds to pass a permission check."""
		doc = json.loads(frappe.as_json(frappe.get_doc(doctype, name).as_dict()))
		user = self.users.get(actor)
		own = {
			"User": user,
			"Member": {"member": self.member.name, "other member": self.member_b.name}.get(actor),
			"Mentor": self.mentors.get(actor),
			"Contact": frappe.db.get_value("Contact", {"email_id": user}) if user else None,
		}
		doc["owner"] = user or "Guest"
		for df in frappe.get_meta(doctype).fields:
			if df.fieldtype == "Link" and own.get(df.options):
				doc[df.fieldname] = own[df.options]
		return doc

	def test_every_whitelisted_document_method_refuses_who_may_not_read(self):
		"""``run_doc_method`` for every whitelisted document method of the site, on a stored record (ours for
		KDF's doctypes, else the first one), as every actor who may not read that record: by name it is
		refused; with a client-built copy pointing every person link at the actor it may run, but answers
		nothing an actor may not see and changes nothing stored."""
		methods = self.whitelisted_document_methods()
		ours = {
			"Mentoring Case": self.case,
			"Registration": self.registration.name,
			"Topplederprogram Session": self.team_session.name,
			"Member": self.member.name,
			"Sales Invoice": self.invoice,
			"Membership Application": self.application,
			"Member Change Request": self.change_request,
			"Session Evaluation": self.evaluations["named"],
		}
		allowed = {secret: row(what).allowed for secret, what in self.CANARIES.items()}
		before = {dt: frappe.db.get_value(dt, dn, "modified") for dt, dn in ours.items()}
		failures, checks, records = [], 0, {}
		for doctype, single, method in methods:
			if doctype not in records:
				records[doctype] = (
					doctype
					if single
					else ours.get(doctype) or next(iter(frappe.get_all(doctype, limit=1, pluck="name")), None)
				)
			name = records[doctype]
			if not name:
				continue
			for actor in ACTORS:
				user = self.users.get(actor, "Guest")
				if frappe.has_permission(doctype, "read", doc=name, user=user):
					continue  # running a method of a document one may read is ordinary use
				checks += 1
				r = self.call(actor, "run_doc_method", {"dt": doctype, "dn": name, "method": method}, "POST")
				if r.status_code not in (401, 403, 404):
					failures.append(
						f"{doctype:32} | {method:32} | {actor:22} | by name: HTTP {r.status_code}"
					)
				if actor == "guest":
					continue
				forged = self._forged(doctype, name, actor)
				r = self.call(actor, "run_doc_method", {"docs": json.dumps(forged), "method": method}, "POST")
				checks += 1
				if r.status_code >= 500:
					self.assertNotIn("Traceback", r.text, f"{doctype}.{method} as {actor}")
				for secret, who in allowed.items():
					if actor not in who and secret in r.text:
						failures.append(
							f"{doctype:32} | {method:32} | {actor:22} | client-built doc: sees {secret}"
						)
		frappe.db.rollback()
		for dt, dn in ours.items():
			if frappe.db.get_value(dt, dn, "modified") != before[dt]:
				failures.append(
					f"{dt} {dn} was changed through run_doc_method by an actor who may not read it"
				)
		print(
			f"\nrun_doc_method: {len(methods)} whitelisted document methods of {len(records)} doctypes; "
			f"{checks} calls by actors who may not read the record"
		)
		self.assertGreater(checks, 0)
		self.assertEqual(failures, [], "\n" + "\n".join(failures[:200]))

	def test_writes_that_must_not_take_effect(self):
		case = self.case
		# a mentor cannot escape retention nor rewrite the member's request
		r = self.call(
			"mentor",
			"frappe.client.set_value",
			{"doctype": "Mentoring Case", "name": case, "fieldname": "anonymised_on", "value": today()},
			"POST",
		)
		self.assertEqual(r.status_code, 200, r.text[:500])
		r = self.call(
			"mentor",
			"frappe.client.set_value",
			{"doctype": "Mentoring Case", "name": case, "fieldname": "request", "value": "omskrevet"},
			"POST",
		)
		self.assertEqual(r.status_code, 403, r.text[:500])
		frappe.db.rollback()
		stored = frappe.db.get_value("Mentoring Case", case, ["anonymised_on", "request"], as_dict=True)
		self.assertIsNone(stored.anonymised_on)
		from kdf_app.kdf_advice.services.case_vault import _open

		self.assertIn(CASE_SECRET, _open(stored.request))
		# nobody links a portal login to a member through a generic write
		for actor in ACTORS:
			if actor == "guest":
				continue
			self.call(
				actor,
				"frappe.client.set_value",
				{
					"doctype": "Member",
					"name": self.member_b.name,
					"fieldname": "user",
					"value": self.users[actor],
				},
				"POST",
			)
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.get_value("Member", self.member_b.name, "user"), self.users["other member"], actor
			)
		# nor through run_doc_method with a client-built document whose method saves (Member.change_position)
		member_doc = frappe.get_doc("Member", self.member_b.name).as_dict()
		for actor in ("secretariat", "case manager", "accountant"):
			forged = {**json.loads(frappe.as_json(member_doc)), "user": self.users[actor]}
			self.call(
				actor,
				"run_doc_method",
				{
					"docs": json.dumps(forged),
					"method": "change_position",
					"args": json.dumps(
						{
							"organisation": member_doc.organisation,
							"title": "Kommunedirektør",
							"start": today(),
						}
					),
				},
				"POST",
			)
			frappe.db.rollback()
			self.assertEqual(
				frappe.db.get_value("Member", self.member_b.name, "user"), self.users["other member"], actor
			)
		# nobody but a System Manager authors Jinja that the server runs
		for doctype, doc in (
			(
				"Email Template",
				{
					"name": f"matrise-{self.uid}",
					"subject": "x",
					"response": "{{ frappe.db.sql('select 1') }}",
				},
			),
			(
				"Print Format",
				{
					"name": f"matrise-{self.uid}",
					"doc_type": "Member",
					"print_format_type": "Jinja",
					"html": "x",
					"custom_format": 1,
				},
			),
			(
				"Notification",
				{
					"name": f"matrise-{self.uid}",
					"subject": "x",
					"document_type": "Member",
					"event": "New",
					"message": "x",
					"channel": "Email",
				},
			),
		):
			for actor in ACTORS:
				r = self.sessions[actor].post(f"{self.url}/api/resource/{doctype}", json=doc)
				self.assertIn(
					r.status_code, (401, 403, 417), f"{doctype} as {actor}: {r.status_code} {r.text[:300]}"
				)
			frappe.db.rollback()
			self.assertFalse(frappe.db.exists(doctype, doc["name"]), doctype)
		existing = frappe.db.get_value("Email Template", {"name": ("like", "kdf-%")})
		if existing:
			r = self.sessions["secretariat"].put(
				f"{self.url}/api/resource/Email Template/{existing}", json={"response": "{{ 7*7 }}"}
			)
			self.assertIn(r.status_code, (403, 417), r.text[:300])
		# text Frappe/ERPNext render with the Jinja sandbox (whose frappe.get_all ignores permissions): the
		# accountant's Terms and Conditions, and the secretariat's newsletter (as Newsletter Manager, their Role
		# Profile) also when the template code is hidden behind Markdown's backslash escapes
		terms = f"matrise-vilkar-{self.uid}"
		r = self.sessions["accountant"].post(
			f"{self.url}/api/resource/Terms and Conditions",
			json={"title": terms, "terms": "{{ frappe.get_all('Mentoring Case', fields=['request']) }}"},
		)
		self.assertEqual(r.status_code, 417, r.text[:300])
		self.assertIn("template code", r.text)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Terms and Conditions", terms))
		secretariat = frappe.get_doc("User", self.users["secretariat"])
		secretariat.add_roles("Newsletter Manager")
		self.addCleanup(lambda: (secretariat.remove_roles("Newsletter Manager"), frappe.db.commit()))
		group = ensure_group()
		frappe.db.commit()
		subject = f"matrise-nyhetsbrev-{self.uid}"
		r = self.sessions["secretariat"].post(
			f"{self.url}/api/resource/Newsletter",
			json={
				"subject": subject,
				"sender_email": "sekretariat@example.no",
				"content_type": "Markdown",
				"message_md": r"Hei \{\{ frappe.get_all('Mentoring Case', fields=['request']) \}\}",
				"email_group": [{"email_group": group}],
			},
		)
		self.assertEqual(r.status_code, 417, r.text[:300])
		self.assertIn("template code", r.text)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists("Newsletter", {"subject": subject}))
		# the public application never tells a guest whose an address is (a member's, here): the ordinary
		# receipt, nothing saved, and the e-mail goes to that address only
		applications = frappe.db.count("Membership Application")
		r = self.call(
			"guest",
			"kdf_app.api.membership.apply",
			{
				"first_name": "Matrise",
				"last_name": f"Gjetter {self.uid}",
				"email": self.member.email,
				"title": "Kommunedirektør",
				"organisation": self.member.organisation,
				"start_date": today(),
				"consent": 1,
			},
			"POST",
		)
		self.assertEqual(r.status_code, 200, r.text[:300])
		self.assertEqual(set(r.json()["message"]), {"ok", "message"})
		for telltale in ("already", "allerede", self.member.member_name, self.member.name):
			self.assertNotIn(telltale, r.text)
		frappe.db.rollback()
		self.assertEqual(frappe.db.count("Membership Application"), applications)
		# server settings are the System Manager's: the secretariat neither reads nor changes them
		previous = frappe.db.get_single_value("KDF Settings", "ehf_outbox")
		self.addCleanup(
			lambda: (frappe.db.set_single_value("KDF Settings", "ehf_outbox", previous), frappe.db.commit())
		)
		frappe.db.set_single_value("KDF Settings", "ehf_outbox", "/tmp/kdf-outbox-matrise")
		frappe.db.commit()
		r = self.get("secretariat", "/api/resource/KDF Settings/KDF Settings")
		self.assertEqual(r.status_code, 200, r.text[:300])
		self.assertNotIn("kdf-outbox-matrise", r.text)
		self.call(
			"secretariat",
			"frappe.client.set_value",
			{
				"doctype": "KDF Settings",
				"name": "KDF Settings",
				"fieldname": "ehf_outbox",
				"value": "/srv/public/files",
			},
			"POST",
		)
		frappe.db.rollback()
		self.assertEqual(frappe.db.get_single_value("KDF Settings", "ehf_outbox"), "/tmp/kdf-outbox-matrise")


def _encode(params):
	if not params:
		return params
	return {k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in params.items()}


# the fixtures are built in setUpClass and removed in tearDownClass; nothing else is needed from the site
test_ignore = ["Member", "Mentor", "Customer", "Topplederprogram Session", "Registration", "Mentoring Case"]
