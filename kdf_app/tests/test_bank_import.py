"""Who has paid: camt.054/camt.053 files (built here from the message definitions) imported into ERPNext's Bank
Transactions, matched to KDF's Sales Invoices on the KID as submitted Payment Entries reconciled with them;
suggestions confirmed with one click; the books stay true (GL balanced, AR per customer = outstanding)."""

import os
import shutil
from decimal import Decimal
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt, getdate, today

from kdf_app.kdf_billing.core.bank_file import Batch, Payment, build
from kdf_app.kdf_billing.services import bank_account, bank_import
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.shared.core.numbers import kid
from kdf_app.tests.utils import (
	TEST_COMPANY,
	make_member,
	make_org,
	make_session,
	receivable,
	register,
	use_test_settings,
)

KDF_ACCOUNT = "86011117947"
OTHER_ACCOUNT = "15030000002"
D = Decimal


class BankImportCase(FrappeTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		use_test_settings(
			org_number="958935420",
			bank_account=KDF_ACCOUNT,
			kdf_bank_account=None,
			vat_setup="Not VAT registered",
			submit_session_invoices=1,
			ehf_outbox="private/ehf-outbox-test",
			event_income_account=frappe.db.get_value(
				"Account", {"company": TEST_COMPANY, "root_type": "Income", "is_group": 0}
			),
		)
		self.bank_account = bank_account.kdf_bank_account()
		self.session = make_session()
		self.orgs = [make_org() for _ in range(4)]
		self.members = {org: make_member(org) for org in self.orgs}
		self.regs = {org: register(self.session, self.members[org]) for org in self.orgs}  # 6000 each
		create_session_invoices(self.session.name)
		self.si = {
			org: frappe.db.get_value("Sales Invoice", {"customer": org, "docstatus": 1, "is_return": 0})
			for org in self.orgs
		}
		self.assertTrue(all(self.si.values()))
		self.day = getdate(today())
		self.uid = frappe.generate_hash(length=6)

	def ref(self, n) -> str:
		return f"{self.uid}-{n}"

	def pay(self, n, amount, **kw) -> Payment:
		return Payment(reference=self.ref(n), amount=D(amount), booking_date=self.day, **kw)

	def run_file(self, entries, kind="054", version="02", account=KDF_ACCOUNT, data=None):
		data = data if data is not None else build(kind, version, account, entries, message_id=self.uid)
		name = bank_import.start(data, f"test-{self.uid}.xml", self.bank_account, source="Desk")
		return frappe.get_doc(bank_import.LOG, name)

	def row(self, log, n):
		return next(r for r in log.rows if r.reference == self.ref(n))

	def outstanding(self, org) -> float:
		return flt(frappe.db.get_value("Sales Invoice", self.si[org], "outstanding_amount"))

	def transactions(self):
		return frappe.get_all(
			"Bank Transaction", {"transaction_id": ("like", f"{self.uid}-%")}, ["name", "status", "docstatus"]
		)


class TestMatching(BankImportCase):
	def test_kid_payments_exact_part_and_over_are_booked_and_reconciled(self):
		a, b, c, _d = self.orgs
		log = self.run_file(
			[
				self.pay(1, "6000.00", kid=kid(self.si[a])),
				self.pay(2, "2500.00", kid=kid(self.si[b])),
				self.pay(3, "6400.00", kid=kid(self.si[c])),
			],
			version="08",
		)
		self.assertEqual((log.status, log.matched, log.suggested, log.unmatched), ("Done", 3, 0, 0))
		self.assertEqual(self.outstanding(a), 0)
		self.assertEqual(self.outstanding(b), 3500)  # part payment: the rest still open
		self.assertEqual(self.outstanding(c), 0)
		over = frappe.get_doc("Payment Entry", self.row(log, 3).payment_entry)
		self.assertEqual(
			(over.docstatus, flt(over.paid_amount), flt(over.unallocated_amount)), (1, 6400, 400)
		)
		self.assertEqual(
			[(r.reference_name, flt(r.allocated_amount)) for r in over.references], [(self.si[c], 6000)]
		)
		for n in (1, 2, 3):
			row = self.row(log, n)
			bt = frappe.get_doc("Bank Transaction", row.bank_transaction)
			self.assertEqual((bt.docstatus, bt.status, flt(bt.unallocated_amount)), (1, "Reconciled", 0))
			self.assertEqual(bt.payment_entries[0].payment_entry, row.payment_entry)
			self.assertEqual(
				getdate(frappe.db.get_value("Payment Entry", row.payment_entry, "clearance_date")), self.day
			)
			self.assertEqual(bt.bank_account, self.bank_account)
		self.assertIn("overpaid by 400", self.row(log, 3).reason)
		self.assertIn("3500", self.row(log, 2).reason)
		self.assert_books()

	def test_a_batch_entry_books_each_payment(self):
		a, b, *_ = self.orgs
		batch = Batch(
			self.ref("B"),
			(self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "6000.00", kid=kid(self.si[b]))),
		)
		log = self.run_file([batch])
		self.assertEqual(log.matched, 2)
		self.assertEqual((self.outstanding(a), self.outstanding(b)), (0, 0))

	def test_what_cannot_be_booked_on_the_kid_is_listed_with_the_reason(self):
		a, b, c, _d = self.orgs
		bad = kid(self.si[a])[:-1] + str((int(kid(self.si[a])[-1]) + 1) % 10)
		org_b = frappe.db.get_value("Customer", b, "kdf_org_number")
		log = self.run_file(
			[
				self.pay(1, "6000.00", kid=bad),
				self.pay(2, "6000.00", kid=kid("ACC-SINV-1999-99999")),
				self.pay(3, "6000.00", text=f"Faktura {self.si[c]}"),
				self.pay(4, "6000.00", debtor_name="Testkommune", debtor_org_number=org_b),
				self.pay(5, "6000.00", text="Gave"),
			]
		)
		self.assertEqual((log.matched, log.suggested, log.unmatched), (0, 2, 3))
		self.assertIn("wrong check digit", self.row(log, 1).reason)
		self.assertIn("fits no invoice", self.row(log, 2).reason)
		self.assertEqual((self.row(log, 3).status, self.row(log, 3).sales_invoice), ("Suggested", self.si[c]))
		self.assertEqual((self.row(log, 4).status, self.row(log, 4).sales_invoice), ("Suggested", self.si[b]))
		self.assertEqual(self.row(log, 5).status, "Unmatched")
		# nothing booked: no Payment Entry, every Bank Transaction still open
		self.assertFalse(any(r.payment_entry for r in log.rows))
		self.assertEqual({t.status for t in self.transactions()}, {"Unreconciled"})
		self.assertEqual([self.outstanding(o) for o in self.orgs], [6000] * 4)

		# the secretariat confirms the suggestion from the free text with one click
		pe = bank_import.confirm(log.name, self.row(log, 3).name)
		self.assertEqual(self.outstanding(c), 0)
		bt = frappe.get_doc("Bank Transaction", self.row(log, 3).bank_transaction)
		self.assertEqual((bt.status, bt.payment_entries[0].payment_entry), ("Reconciled", pe))
		log.reload()
		self.assertEqual((self.row(log, 3).status, log.matched, log.suggested), ("Confirmed", 1, 1))
		with self.assertRaises(frappe.ValidationError):  # not twice
			bank_import.confirm(log.name, self.row(log, 3).name)
		with self.assertRaises(frappe.ValidationError):  # never an unmatched one
			bank_import.confirm(log.name, self.row(log, 5).name)
		self.assert_books()

	def test_a_payment_for_a_credited_invoice_is_suggested_as_an_advance(self):
		a, *_ = self.orgs
		frappe.get_doc("Registration", self.regs[a].name).cancel_registration()  # credited
		credit = frappe.get_doc("Sales Invoice", {"return_against": self.si[a], "docstatus": 1})
		self.assertEqual(self.outstanding(a), 0)
		log = self.run_file([self.pay(1, "6000.00", kid=kid(self.si[a]))])
		row = self.row(log, 1)
		self.assertEqual((row.status, row.customer, flt(row.advance)), ("Suggested", a, 6000))
		self.assertIn(f"credit note {credit.name}", row.reason)
		pe = frappe.get_doc("Payment Entry", bank_import.confirm(log.name, row.name))
		self.assertEqual((pe.party, flt(pe.unallocated_amount), pe.references), (a, 6000, []))
		self.assert_books()

	def test_the_secretariat_imports_and_confirms_with_its_own_role(self):
		"""The KDF Sekretariat role alone (no Accounts role): ERPNext's Payment Entry reads the chart of accounts
		with the user's permissions, which failed the import and the confirmation for the secretariat."""
		from kdf_app.api.payments import confirm_suggestion
		from kdf_app.tests.utils import make_user

		a, b, *_ = self.orgs
		data = build(
			"054",
			"08",
			KDF_ACCOUNT,
			[
				self.pay(1, "6000.00", kid=kid(self.si[a])),
				self.pay(2, "6000.00", text=f"Faktura {self.si[b]}"),
			],
		)
		frappe.set_user(make_user(["KDF Sekretariat"]))
		try:
			log = frappe.get_doc(
				bank_import.LOG, bank_import.start(data, "sekretariat.xml", self.bank_account)
			)
			self.assertEqual((log.status, log.matched, log.suggested), ("Done", 1, 1), log.error)
			confirm_suggestion(log.name, self.row(log, 2).name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual((self.outstanding(a), self.outstanding(b)), (0, 0))

	def test_the_job_writes_its_reasons_in_the_language_of_who_started_it(self):
		"""Frappe's worker sets the user, not their language: a Norwegian secretariat read «Invoice …: paid in full.»
		and an English progress bar."""
		from kdf_app.tests.utils import make_user

		a = self.orgs[0]
		user = make_user(["KDF Sekretariat"])
		frappe.db.set_value("User", user, "language", "no")
		frappe.cache.hdel("lang", user)
		data = build("054", "08", KDF_ACCOUNT, [self.pay(1, "6000.00", kid=kid(self.si[a]))])
		before = frappe.local.lang
		frappe.set_user(user)
		try:
			log = frappe.get_doc(bank_import.LOG, bank_import.start(data, "norsk.xml", self.bank_account))
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(log.status, "Done", log.error)
		self.assertEqual(self.row(log, 1).reason, f"Faktura {self.si[a]}: betalt fullt ut.")
		self.assertEqual(frappe.local.lang, before)

	def test_the_progress_names_its_import_so_the_open_form_can_follow_it(self):
		"""The open form reloads once on its own import's first progress message if it still says Queued (the
		Running update may have come before it joined the record's live updates): the messages name the record."""
		from unittest.mock import patch

		a, b = self.orgs[0], self.orgs[1]
		data = build(
			"054",
			"08",
			KDF_ACCOUNT,
			[self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "6000.00", kid=kid(self.si[b]))],
		)
		sent, real = [], frappe.publish_realtime

		def publish(event, message=None, *args, **kwargs):
			if event == "progress":
				sent.append((message, kwargs.get("doctype"), kwargs.get("docname")))
			return real(event, message, *args, **kwargs)

		with patch("frappe.publish_realtime", publish):
			name = bank_import.start(data, "fremdrift.xml", self.bank_account)
		self.assertTrue(sent)
		for message, doctype, docname in sent:
			self.assertEqual((message["doctype"], message["docname"]), (bank_import.LOG, name))
			self.assertEqual((doctype, docname), (bank_import.LOG, name))  # to the record's room only
			self.assertTrue(message["percent"] and message["title"] and message["description"])

	def test_only_the_secretariat_confirms(self):
		from kdf_app.api.payments import confirm_suggestion
		from kdf_app.tests.utils import make_user

		log = self.run_file([self.pay(1, "6000.00", text=self.si[self.orgs[0]])])
		user = make_user(["Accounts User"])
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				confirm_suggestion(log.name, self.row(log, 1).name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(self.outstanding(self.orgs[0]), 6000)

	def assert_books(self):
		"""GL balanced for every voucher the import made; AR per customer = the invoices' outstanding."""

		vouchers = frappe.get_all("Payment Entry", {"reference_no": ("like", f"{self.uid}-%")}, pluck="name")
		self.assertTrue(vouchers)
		for v in vouchers:
			debit, credit = frappe.db.sql(
				"select sum(debit), sum(credit) from `tabGL Entry` where voucher_no=%s and is_cancelled=0", v
			)[0]
			self.assertAlmostEqual(flt(debit), flt(credit), places=2, msg=v)
		for org in self.orgs:
			ar = receivable(org)
			expected = flt(
				frappe.db.sql(
					"select sum(outstanding_amount) from `tabSales Invoice` where customer=%s and docstatus=1",
					org,
				)[0][0]
			) - flt(
				frappe.db.sql(
					"select sum(unallocated_amount) from `tabPayment Entry` where party=%s and docstatus=1",
					org,
				)[0][0]
			)
			self.assertAlmostEqual(ar, expected, places=2, msg=org)


class TestIdempotenceAndBadFiles(BankImportCase):
	def test_the_same_file_or_an_overlapping_statement_creates_nothing_new(self):
		a, b, *_ = self.orgs
		first = [self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "100.00", text="Gave")]
		self.run_file(first)
		count = len(self.transactions())
		again = self.run_file(first)
		self.assertEqual(
			(again.status, again.already_imported, again.matched, again.unmatched), ("Done", 2, 0, 0)
		)
		self.assertEqual(bank_import.run(again.name, b"ignored"), "Done")  # the job again: nothing twice
		again.reload()
		self.assertEqual(len(again.rows), 2)
		statement = self.run_file(
			[*first, self.pay(3, "6000.00", kid=kid(self.si[b]))], kind="053", version="08"
		)
		self.assertEqual((statement.already_imported, statement.matched), (2, 1))
		self.assertEqual(len(self.transactions()), count + 1)
		self.assertEqual(frappe.db.count("Payment Entry", {"reference_no": self.ref(1), "docstatus": 1}), 1)
		self.assertEqual((self.outstanding(a), self.outstanding(b)), (0, 0))

	def refused(self, **kw):
		log = self.run_file(**kw)
		self.assertEqual(log.status, "Refused", log.error)
		self.assertEqual(self.transactions(), [])
		self.assertEqual(frappe.db.count("Payment Entry", {"reference_no": ("like", f"{self.uid}-%")}), 0)
		return log.error

	def test_bad_files_are_refused_whole_with_the_reason(self):
		a = self.orgs[0]
		good = self.pay(1, "6000.00", kid=kid(self.si[a]))
		self.assertIn("not KDF's account", self.refused(entries=[good], account=OTHER_ACCOUNT))
		self.assertIn("EUR", self.refused(entries=[good, self.pay(2, "5.00", currency="EUR")]))
		data = build("054", "02", KDF_ACCOUNT, [good, self.pay(2, "5.00")])
		self.assertIn("not complete", self.refused(entries=None, data=data[: len(data) - 200]))
		broken = data.replace(b"<Dt>", b"<Dt>x", 1)
		self.assertIn("Entry 1 of the file is broken", self.refused(entries=None, data=broken))
		self.assertIn("OCR", self.refused(entries=None, data=b"NY000010" + b"0" * 72))
		self.assertEqual(self.outstanding(a), 6000)

	def test_an_error_half_way_leaves_nothing_of_the_file(self):
		a, b, *_ = self.orgs
		real = bank_import.make_bank_transaction
		calls = []

		def second_fails(*args, **kwargs):
			calls.append(1)
			if len(calls) == 2:
				raise RuntimeError("disk full")
			return real(*args, **kwargs)

		with patch.object(bank_import, "make_bank_transaction", second_fails):
			log = self.run_file(
				[self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "6000.00", kid=kid(self.si[b]))]
			)
		self.assertEqual(log.status, "Failed")
		self.assertIn("nothing of the file was imported", log.error)
		self.assertEqual((log.matched, len(log.rows)), (0, 0))
		self.assertEqual(self.transactions(), [])
		self.assertEqual((self.outstanding(a), self.outstanding(b)), (6000, 6000))
		# the same file again, now without the fault, imports whole
		log = self.run_file(
			[self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "6000.00", kid=kid(self.si[b]))]
		)
		self.assertEqual((log.status, log.matched), ("Done", 2))

	def test_the_folder_the_bank_drops_files_into(self):
		folder = f"private/bank-in-{self.uid}"
		path = frappe.get_site_path(folder)
		os.makedirs(path)
		self.addCleanup(shutil.rmtree, path, True)
		with open(os.path.join(path, "a.xml"), "wb") as f:
			f.write(build("054", "08", KDF_ACCOUNT, [self.pay(1, "6000.00", kid=kid(self.si[self.orgs[0]]))]))
		with open(os.path.join(path, "b.xml"), "wb") as f:
			f.write(build("054", "08", OTHER_ACCOUNT, [self.pay(2, "1.00")]))
		frappe.db.set_single_value("KDF Settings", "bank_import_folder", folder)
		frappe.clear_document_cache("KDF Settings", "KDF Settings")
		logs = [frappe.get_doc(bank_import.LOG, n) for n in bank_import.import_folder()]
		self.assertEqual([(l.source, l.status) for l in logs], [("Folder", "Done"), ("Folder", "Refused")])
		self.assertTrue(os.path.exists(os.path.join(path, "imported", "a.xml")))
		self.assertTrue(os.path.exists(os.path.join(path, "refused", "b.xml")))
		self.assertEqual(bank_import.import_folder(), [])
		self.assertEqual(self.outstanding(self.orgs[0]), 0)


class TestReport(BankImportCase):
	def test_innbetalinger_lists_each_payment_with_its_reason_for_the_secretariat_and_the_accountant(self):
		from kdf_app.kdf_billing.report.innbetalinger.innbetalinger import execute
		from kdf_app.tests.utils import make_user

		a = self.orgs[0]
		log = self.run_file([self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "10.00", text="Gave")])
		_columns, rows = execute({"bank_file_import": log.name})
		self.assertEqual(
			[(r["reference"], r["status"], r["sales_invoice"]) for r in rows],
			[(self.ref(1), "Matched", self.si[a]), (self.ref(2), "Unmatched", None)],
		)
		self.assertIn("no KID", rows[1]["reason"])
		for roles, allowed in (
			(["Accounts User"], True),
			(["KDF Sekretariat"], True),
			(["KDF Medlem"], False),
		):
			frappe.set_user(make_user(roles))
			try:
				if allowed:
					self.assertEqual(len(execute({"bank_file_import": log.name})[1]), 2)
				else:
					with self.assertRaises(frappe.PermissionError):
						execute({"bank_file_import": log.name})
			finally:
				frappe.set_user("Administrator")


class TestMineFakturaer(BankImportCase):
	def test_the_member_sees_betalt_after_the_import_and_ikke_betalt_with_the_due_date(self):
		from kdf_app.api import membership as api
		from kdf_app.tests.utils import page

		a, b, *_ = self.orgs
		paid_user = self.members[a].create_portal_user()
		open_user = self.members[b].create_portal_user()
		self.run_file([self.pay(1, "6000.00", kid=kid(self.si[a]))])
		for user, invoice, payment in (
			(paid_user, self.si[a], "Betalt"),
			(open_user, self.si[b], "Ikke betalt"),
		):
			frappe.set_user(user)
			try:
				(mine,) = api.my_invoices()
			finally:
				frappe.set_user("Administrator")
			self.assertEqual((mine["invoice"], mine["payment"]), (invoice, payment))
			status, html = page("mine-fakturaer", user)
			self.assertEqual(status, 200)
			self.assertIn(f'<span class="kdf-payment">{payment}</span>', html)
		from kdf_app.kdf_programmes.core.sessions import format_date_no

		due = format_date_no(frappe.db.get_value("Sales Invoice", self.si[b], "due_date"))
		self.assertIn(due, page("mine-fakturaer", open_user)[1])
		self.assertNotIn("kdf-due-date", page("mine-fakturaer", paid_user)[1])


class TestShowIt(BankImportCase):
	def test_the_session_per_organisation_and_the_workspace_cards(self):
		from kdf_app.api import dashboards
		from kdf_app.api.payments import session_payments
		from kdf_app.kdf_billing.services import receivables
		from kdf_app.tests.utils import make_user

		a, b, c, _d = self.orgs
		before = receivables.outstanding(), receivables.overdue()
		frappe.db.set_value("Sales Invoice", self.si[c], "due_date", frappe.utils.add_days(today(), -3))
		self.run_file(
			[self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "2500.00", kid=kid(self.si[b]))]
		)
		rows = {r["customer"]: r for r in session_payments(self.session.name)}
		self.assertEqual(set(rows), set(self.orgs))
		self.assertEqual((rows[a]["invoiced"], rows[a]["paid"], rows[a]["outstanding"]), (6000, 6000, 0))
		self.assertEqual((rows[b]["invoiced"], rows[b]["paid"], rows[b]["outstanding"]), (6000, 2500, 3500))
		self.assertEqual((rows[c]["paid"], rows[c]["outstanding"]), (0, 6000))
		self.assertAlmostEqual(receivables.outstanding(), before[0] - 8500, places=2)
		self.assertAlmostEqual(receivables.overdue(), before[1] + 6000, places=2)
		self.assertIn("kr", dashboards.outstanding().lower())
		frappe.set_user(make_user(["Accounts User"]))
		try:
			for endpoint in (dashboards.outstanding, dashboards.overdue):
				with self.assertRaises(frappe.PermissionError):
					endpoint()
			with self.assertRaises(frappe.PermissionError):
				session_payments(self.session.name)
		finally:
			frappe.set_user("Administrator")


class TestBankAccount(BankImportCase):
	def test_kdfs_bank_account_is_made_beside_another_companys(self):
		other = frappe.get_all("Company", {"name": ("!=", TEST_COMPANY)}, pluck="name", limit=1)
		if not other:
			self.skipTest("no other company on this site")
		theirs = bank_account.make_bank_account(other[0], OTHER_ACCOUNT)
		frappe.db.set_single_value("KDF Settings", "kdf_bank_account", None)
		frappe.clear_document_cache("KDF Settings", "KDF Settings")
		ours = bank_account.kdf_bank_account()
		self.assertNotEqual(ours, theirs)
		self.assertEqual(
			frappe.db.get_value("Bank Account", ours, ["company", "bank_account_no", "is_company_account"]),
			(TEST_COMPANY, KDF_ACCOUNT, 1),
		)


class TestDuesChart(BankImportCase):
	def test_dues_paid_and_outstanding_per_year(self):
		from kdf_app.api.dashboards import dues_chart

		a, b, *_ = self.orgs
		for org in (a, b):  # as the dues batch marks its invoices
			frappe.db.set_value("Sales Invoice", self.si[org], "kdf_dues_year", 2099)
		self.run_file(
			[self.pay(1, "6000.00", kid=kid(self.si[a])), self.pay(2, "2500.00", kid=kid(self.si[b]))]
		)
		chart = dues_chart()
		self.assertEqual(chart["labels"][-1], "2099")
		self.assertEqual([d["values"][-1] for d in chart["datasets"]], [8500, 3500])
