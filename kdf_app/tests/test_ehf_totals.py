"""The EHF says what the ERPNext invoice says: header discount, rounding and advances, on session
invoices and on invoices made by hand in the desk, each validated against the official rules."""

from decimal import Decimal

import frappe
from frappe.utils import flt, today
from lxml import etree

from kdf_app.kdf_billing.services.ehf import EHFWouldFail
from kdf_app.kdf_billing.services.invoicing import create_session_invoices
from kdf_app.kdf_programmes.core.sessions import money
from kdf_app.tests.test_invoicing import InvoicingCase, attached_xml, official_fatal
from kdf_app.tests.utils import TEST_COMPANY

NS = {
	"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
	"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


def figures(xml: bytes) -> dict:
	root = etree.fromstring(xml)
	found = {el.tag.split("}")[1]: Decimal(el.text) for el in root.find("cac:LegalMonetaryTotal", NS)}
	found["TaxAmount"] = Decimal(root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS))
	found["allowances"] = sorted(
		(
			a.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
			a.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS),
			Decimal(a.findtext("cbc:Amount", namespaces=NS)),
		)
		for a in root.findall("cac:AllowanceCharge", NS)
	)
	return found


def d(value) -> Decimal:
	return money(flt(value))


def advance_payment(customer: str, amount: float) -> str:
	"""A payment received before the invoice, not allocated to any invoice (an advance)."""
	from erpnext.accounts.party import get_party_account

	cash = frappe.db.get_value("Account", {"company": TEST_COMPANY, "account_type": "Cash", "is_group": 0})
	pe = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": TEST_COMPANY,
			"posting_date": today(),
			"party_type": "Customer",
			"party": customer,
			"paid_from": get_party_account("Customer", customer, TEST_COMPANY),
			"paid_to": cash,
			"paid_amount": amount,
			"received_amount": amount,
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": f"ADV-{frappe.generate_hash(length=5)}",
			"reference_date": today(),
		}
	)
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe.name


class TotalsCase(InvoicingCase):
	def draft(self, rounded: bool = False):
		(name,) = create_session_invoices(self.session.name, submit=False)
		si = frappe.get_doc("Sales Invoice", name)
		si.disable_rounded_total = 0 if rounded else 1
		return si

	def submit_and_compare(self, si) -> dict:
		"""Submit, then: the EHF passes the official rules and every total is ERPNext's, PayableAmount
		being what ERPNext says is due (outstanding = rounded total less advances)."""
		si.save()
		si.submit()
		si.reload()
		xml = attached_xml(si.name)
		self.assertEqual(official_fatal(xml), [])
		f = figures(xml)
		sign = -1 if si.is_return else 1
		due = flt(si.rounded_total or si.grand_total) - flt(si.total_advance)
		self.assertEqual(f["PayableAmount"], d(due * sign))
		if not si.is_return:
			self.assertEqual(f["PayableAmount"], d(si.outstanding_amount))
		self.assertEqual(f["LineExtensionAmount"], d(si.total * sign))
		self.assertEqual(f["TaxExclusiveAmount"], d(si.net_total * sign))
		self.assertEqual(f["TaxAmount"], d(si.total_taxes_and_charges * sign))
		self.assertEqual(f["TaxInclusiveAmount"], d(si.grand_total * sign))
		self.assertEqual(f.get("AllowanceTotalAmount", Decimal(0)), d((si.total - si.net_total) * sign))
		self.assertEqual(f.get("PrepaidAmount", Decimal(0)), d(si.total_advance))
		rounding = si.rounding_adjustment if flt(si.rounded_total) else 0
		self.assertEqual(f.get("PayableRoundingAmount", Decimal(0)), d(rounding * sign))
		return f


class TestRegisteredTotals(TotalsCase):
	VAT = "VAT registered"

	def test_a_header_discount_is_an_allowance_per_vat_category(self):
		si = self.draft()
		si.apply_discount_on = "Net Total"
		si.additional_discount_percentage = 10
		f = self.submit_and_compare(si)
		# 10 % of 6000 (E), of 2035 + 2200 (S 12 %) and of 1665 (S 25 %)
		self.assertEqual(
			f["allowances"],
			[("E", "0", Decimal("600.00")), ("S", "12", Decimal("423.50")), ("S", "25", Decimal("166.50"))],
		)
		self.assertEqual(f["TaxExclusiveAmount"], Decimal("10710.00"))
		# ERPNext's VAT: 457.38 + 374.62 (it rounds 374.625 down); not the 12824.45 of the lines
		self.assertEqual((f["TaxAmount"], f["PayableAmount"]), (Decimal("832.00"), Decimal("11542.00")))

	def test_a_discount_on_the_grand_total_is_spread_net_of_vat(self):
		si = self.draft()
		si.apply_discount_on = "Grand Total"
		si.discount_amount = 824.45
		f = self.submit_and_compare(si)
		self.assertEqual(f["PayableAmount"], d(si.grand_total))
		self.assertLess(abs(f["PayableAmount"] - Decimal("12000.00")), Decimal("0.05"))

	def test_rounding_to_whole_kroner(self):
		f = self.submit_and_compare(self.draft(rounded=True))
		self.assertEqual(
			(f["TaxInclusiveAmount"], f["PayableRoundingAmount"], f["PayableAmount"]),
			(Decimal("12824.45"), Decimal("-0.45"), Decimal("12824.00")),
		)

	def test_a_partial_advance_is_prepaid(self):
		payment = advance_payment(self.org, 5000)
		si = self.draft(rounded=True)
		si.set_advances()
		self.assertEqual([a.reference_name for a in si.advances], [payment])
		f = self.submit_and_compare(si)
		self.assertEqual(f["PrepaidAmount"], Decimal("5000.00"))
		self.assertEqual(f["PayableAmount"], Decimal("7824.00"))

	def test_discount_rounding_and_advance_together_and_the_credit_note(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		advance_payment(self.org, 3000)
		si = self.draft(rounded=True)
		si.apply_discount_on = "Net Total"
		si.additional_discount_percentage = 7.5
		si.set_advances()
		f = self.submit_and_compare(si)
		self.assertTrue(f["AllowanceTotalAmount"] and f["PayableRoundingAmount"] and f["PrepaidAmount"])
		credit = make_sales_return(si.name)
		credit.set("advances", [])  # the advance stays with the invoice
		credit.flags.ignore_permissions = True
		credit.insert()
		cf = self.submit_and_compare(credit)
		self.assertEqual(cf["AllowanceTotalAmount"], f["AllowanceTotalAmount"])

	def test_a_hand_made_invoice_in_the_desk_agrees_too(self):
		from kdf_app.kdf_billing.services.invoicing import new_invoice
		from kdf_app.kdf_billing.services.taxes import item_tax_template, sales_taxes_template
		from kdf_app.shared.services.settings import get_settings

		si = new_invoice(get_settings())
		si.customer = self.org
		si.po_no = "3400123"
		si.due_date = frappe.utils.add_days(today(), 14)
		si.disable_rounded_total = 0
		si.append(
			"items",
			{
				"item_code": "KDF-DELTAKERAVGIFT",
				"qty": 3,
				"rate": 333.33,
				"item_tax_template": item_tax_template(TEST_COMPANY, "25"),
			},
		)
		si.append("items", {"item_code": "KDF-EKSTRA-NATT", "qty": 2, "rate": 999.99})  # no template: exempt
		si.taxes_and_charges = sales_taxes_template(TEST_COMPANY)
		si.set_taxes()
		si.apply_discount_on = "Net Total"
		si.discount_amount = 101.01
		si.insert(ignore_permissions=True)
		f = self.submit_and_compare(si)
		self.assertEqual([a[:2] for a in f["allowances"]], [("E", "0"), ("S", "25")])

	def test_what_ehf_cannot_carry_is_refused_before_submit(self):
		si = self.draft()
		si.apply_discount_on = "Grand Total"
		si.is_cash_or_non_trade_discount = 1
		si.additional_discount_account = frappe.db.get_value(
			"Account", {"company": TEST_COMPANY, "root_type": "Expense", "is_group": 0}
		)
		si.discount_amount = 100
		si.save()
		with self.assertRaises(EHFWouldFail) as caught:
			si.submit()
		self.assertIn("cash or non-trade discount", str(caught.exception))
		self.assertEqual(frappe.db.get_value("Sales Invoice", si.name, "docstatus"), 0)
		# and in Norwegian for a Norwegian user
		from kdf_app.kdf_billing.services.ehf import problems_for

		lang = frappe.local.lang
		try:
			frappe.local.lang = "nb"
			self.assertIn("kontantrabatt etter mva", " ".join(problems_for(si)))
		finally:
			frappe.local.lang = lang
		si.reload()
		si.is_cash_or_non_trade_discount = 0
		si.discount_amount = 0
		si.append(
			"taxes",
			{
				"charge_type": "Actual",
				"account_head": si.taxes[0].account_head,
				"description": "Ekspedisjonsgebyr",
				"tax_amount": 50,
			},
		)
		si.save()
		with self.assertRaises(EHFWouldFail) as caught:
			si.submit()
		self.assertIn("Ekspedisjonsgebyr", str(caught.exception))


class TestNotRegisteredTotals(TotalsCase):
	VAT = "Not VAT registered"

	def test_header_discount_rounding_and_advance_outside_vat(self):
		advance_payment(self.org, 2500.5)
		si = self.draft(rounded=True)
		si.apply_discount_on = "Net Total"
		si.discount_amount = 333.33
		si.set_advances()
		f = self.submit_and_compare(si)
		self.assertEqual(f["allowances"], [("O", None, Decimal("333.33"))])
		# 11900 - 333.33 = 11566.67, rounded 11567, less 2500.50 paid
		self.assertEqual(f["PayableAmount"], Decimal("9066.50"))
