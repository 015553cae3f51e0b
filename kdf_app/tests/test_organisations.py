import csv

import frappe
from frappe.tests.utils import FrappeTestCase

from kdf_app.kdf_members.services.organisations import import_organisations
from kdf_app.shared.core.paths import ORGANISATIONS_CSV, shared_file
from kdf_app.tests.utils import make_org, org_number


class TestOrganisation(FrappeTestCase):
	def test_org_number_is_checked_compacted_and_gives_peppol_id(self):
		number = org_number()
		name = make_org(kind="Kommune", kdf_org_number=f"{number[:3]} {number[3:6]} {number[6:]}")
		doc = frappe.get_doc("Customer", name)
		self.assertEqual(doc.kdf_org_number, number)
		self.assertEqual(doc.kdf_peppol_id, f"0192:{number}")
		self.assertEqual(doc.kdf_send_ehf, 1)

	def test_bad_missing_and_duplicate_org_numbers_are_refused(self):
		before = frappe.db.count("Customer")
		good = org_number()
		bad = good[:8] + str((int(good[8]) + 1) % 10)
		self.assertRaisesRegex(frappe.ValidationError, "MOD11", make_org, kdf_org_number=bad)
		self.assertRaisesRegex(frappe.ValidationError, "9 digits", make_org, kdf_org_number="12345")
		self.assertRaisesRegex(
			frappe.ValidationError, "needs an organisation number", make_org, kdf_org_number=""
		)
		self.assertRaisesRegex(frappe.ValidationError, "needs its number", make_org, kdf_area_number="")
		make_org(kdf_org_number=good)
		self.assertRaises(frappe.DuplicateEntryError, make_org, kdf_org_number=good)
		self.assertEqual(frappe.db.count("Customer"), before + 1)

	def test_messages_in_norwegian(self):
		frappe.local.lang = "no"
		try:
			self.assertRaisesRegex(
				frappe.ValidationError, "kontrollsifferet", make_org, kdf_org_number="958935421"
			)
		finally:
			frappe.local.lang = "en"

	def test_other_organisations_need_no_number_and_default_to_email(self):
		doc = frappe.get_doc("Customer", make_org(kind="Annen", kdf_org_number="", kdf_area_number=""))
		self.assertFalse(doc.kdf_send_ehf)
		self.assertFalse(doc.kdf_peppol_id)


class TestOrganisationImport(FrappeTestCase):
	def rows(self, n=12):
		with shared_file(ORGANISATIONS_CSV).open(encoding="utf-8") as f:
			reader = csv.reader(f)
			return [next(reader) for _ in range(n + 1)]

	def as_csv(self, rows):
		return "\n".join(",".join(r) for r in rows) + "\n"

	def test_official_rows_import_and_reimport_unchanged(self):
		rows = self.rows()
		first = import_organisations(self.as_csv(rows))  # the demo may have loaded them already
		self.assertEqual(len(first.created) + len(first.updated) + first.unchanged, 12)
		self.assertEqual(first.rejected, [])
		oslo = frappe.get_doc("Customer", {"kdf_org_number": "958935420"})
		self.assertEqual(
			(
				oslo.customer_name,
				oslo.customer_group,
				oslo.kdf_area_number,
				oslo.kdf_county,
				oslo.kdf_peppol_id,
			),
			("Oslo kommune", "Kommune", "0301", "Oslo", "0192:958935420"),
		)
		again = import_organisations(self.as_csv(rows))
		self.assertEqual((again.created, again.updated, again.unchanged), ([], [], 12))

	def test_import_creates_then_skips_then_updates_only_changes(self):
		tag = frappe.generate_hash(length=5)
		rows = [["type", "number", "name", "orgnr", "county"]] + [
			["Kommune", f"98{i:02d}", f"Prøve {tag} {i}", org_number(), "Testfylke"] for i in range(5)
		]
		first = import_organisations(self.as_csv(rows))
		self.assertEqual(
			(len(first.created), len(first.updated), first.unchanged, first.rejected), (5, 0, 0, [])
		)
		doc = frappe.get_doc("Customer", first.created[0])
		self.assertEqual((doc.customer_name, doc.kdf_send_ehf), (f"Prøve {tag} 0 kommune", 1))
		doc.db_set("kdf_send_ehf", 0)  # the secretariat's choice survives later imports
		again = import_organisations(self.as_csv(rows))
		self.assertEqual((again.created, again.updated, again.unchanged), ([], [], 5))
		rows[1][4] = "Nytt fylke"
		changed = import_organisations(self.as_csv(rows))
		self.assertEqual((changed.created, changed.updated, changed.unchanged), ([], [doc.name], 4))
		doc.reload()
		self.assertEqual((doc.kdf_county, doc.kdf_send_ehf), ("Nytt fylke", 0))

	def test_rejected_rows_are_reported_and_the_rest_imported(self):
		good = org_number()
		content = (
			"type,number,name,orgnr,county\n"
			f"Kommune,9801,Prøvekommune,{good},Testfylke\n"
			"Kommune,9802,Feilkommune,958935421,Testfylke\n"
			f"Kommune,9803,Dobbel,{good},Testfylke\n"
			f"Kommune,98,Kortnummer,{org_number()},Testfylke\n"
		)
		result = import_organisations(content)
		self.assertEqual(len(result.created), 1)
		self.assertEqual([r["line"] for r in result.rejected], [3, 4, 5])
		self.assertIn("MOD11", result.rejected[0]["reason"])
		self.assertIn("already appears on line 2", result.rejected[1]["reason"])
		self.assertIn("4 digits", result.rejected[2]["reason"])
		self.assertFalse(frappe.db.exists("Customer", {"customer_name": "Feilkommune kommune"}))

	def test_a_file_without_the_columns_is_refused(self):
		self.assertRaisesRegex(frappe.ValidationError, "lacks the column", import_organisations, "a,b\n1,2\n")
