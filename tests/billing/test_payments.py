"""Matching a payment to KDF's invoices (kdf_app.kdf_billing.core.payments): book on the KID, suggest otherwise."""

from decimal import Decimal

from kdf_app.kdf_billing.core.payments import (
	MATCHED,
	SUGGESTED,
	UNMATCHED,
	Invoice,
	Ledger,
	Payment,
	allocate,
	decide,
	number_keys,
	tokens,
)
from kdf_app.shared.core.numbers import kid

D = Decimal
BERGEN = "964338531"
OSLO = "958935420"


def inv(name, outstanding, total=None, customer="Bergen kommune", org=BERGEN, **kw):
	return Invoice(name, customer, D(outstanding), D(total or outstanding), org_number=org, **kw)


def ledger(*invoices):
	return Ledger({i.name: i for i in invoices})


A = "ACC-SINV-2026-00012"
B = "ACC-SINV-2026-00013"


def test_allocate_part_exact_and_over():
	assert allocate(D(400), D(1000)) == (D(400), D(0))
	assert allocate(D(1000), D(1000)) == (D(1000), D(0))
	assert allocate(D(1200), D(1000)) == (D(1000), D(200))


def test_kid_of_an_open_invoice_paid_in_full_is_booked():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 1000), inv(B, 1000)))
	assert (d.status, d.invoice, d.customer, d.allocated, d.advance) == (
		MATCHED,
		A,
		"Bergen kommune",
		1000,
		0,
	)
	assert d.render() == f"Invoice {A}: paid in full."


def test_part_payment_leaves_the_rest_outstanding():
	d = decide(Payment(D(400), kid=kid(A)), ledger(inv(A, 1000)))
	assert (d.status, d.allocated, d.advance) == (MATCHED, 400, 0)
	assert "600 still outstanding" in d.render()


def test_overpayment_keeps_the_rest_as_an_advance():
	d = decide(Payment(D(1250), kid=kid(A)), ledger(inv(A, 1000)))
	assert (d.status, d.allocated, d.advance) == (MATCHED, 1000, 250)
	assert "overpaid by 250" in d.render()


def test_a_second_payment_in_the_same_file_sees_the_first():
	books = ledger(inv(A, 1000))
	first = decide(Payment(D(600), kid=kid(A)), books)
	books.book(A, first.allocated)
	second = decide(Payment(D(600), kid=kid(A)), books)
	assert (second.status, second.allocated, second.advance) == (MATCHED, 400, 200)


def test_a_credited_invoice_gets_a_suggestion_to_keep_the_money_as_an_advance():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 0, 1000, credited_by="ACC-SINV-RET-2026-00001")))
	assert (d.status, d.invoice, d.customer, d.allocated, d.advance) == (
		SUGGESTED,
		None,
		"Bergen kommune",
		0,
		1000,
	)
	assert "was credited (credit note ACC-SINV-RET-2026-00001)" in d.render()


def test_an_invoice_already_paid_gets_a_suggestion_too():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 0, 1000)))
	assert d.status == SUGGESTED and "already paid" in d.render() and d.advance == 1000


def test_a_kid_with_a_bad_check_digit_is_never_booked():
	bad = kid(A)[:-1] + str((int(kid(A)[-1]) + 1) % 10)
	d = decide(Payment(D(1000), kid=bad), ledger(inv(A, 1000)))
	assert d.status == UNMATCHED and f"KID {bad} has a wrong check digit" in d.render()
	# ... but the free text may still suggest the invoice
	d = decide(Payment(D(1000), kid=bad, text=f"Faktura {A}"), ledger(inv(A, 1000)))
	assert (d.status, d.invoice, d.allocated) == (SUGGESTED, A, 1000)
	assert "wrong check digit" in d.render() and f"The text names invoice {A}" in d.render()


def test_an_unknown_kid_is_listed_with_the_reason():
	d = decide(Payment(D(1000), kid=kid("ACC-SINV-2019-00001")), ledger(inv(A, 1000)))
	assert d.status == UNMATCHED and "fits no invoice of KDF" in d.render()


def test_a_kid_of_a_cancelled_or_draft_invoice_is_not_booked():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 1000, docstatus=2)))
	assert d.status == UNMATCHED and "not submitted" in d.render()


def test_a_kid_that_fits_two_invoices_is_not_booked():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 1000), inv("SINV-2026-00012", 1000)))
	assert d.status == UNMATCHED and "fits several invoices" in d.render()


def test_a_kid_never_books_on_a_credit_note():
	d = decide(
		Payment(D(1000), kid=kid("ACC-SINV-RET-2026-00012")),
		ledger(inv(A, 1000), inv("ACC-SINV-RET-2026-00012", -1000, is_return=True)),
	)
	assert d.status == MATCHED and d.invoice == A


def test_no_kid_invoice_number_in_the_text_in_the_forms_people_write_it():
	for text in (f"faktura {A.lower()}", "Fakt.nr 2026-00012 deltaker", "ref 202600012", f"KID {kid(A)}"):
		d = decide(Payment(D(1000), text=text), ledger(inv(A, 1000), inv(B, 1000)))
		assert (d.status, d.invoice) == (SUGGESTED, A), text
		assert d.render().startswith("The payment has no KID.")


def test_no_kid_and_a_number_inside_another_is_no_match():
	d = decide(Payment(D(1000), text="2026-000123"), ledger(inv(A, 1000)))
	assert d.status == UNMATCHED


def test_no_kid_text_naming_two_invoices_is_listed_not_guessed():
	d = decide(Payment(D(2000), text=f"{A} og {B}"), ledger(inv(A, 1000), inv(B, 1000)))
	assert d.status == UNMATCHED and "several invoices" in d.render()


def test_no_kid_payer_org_number_and_amount_suggest_the_invoice():
	books = ledger(
		inv(A, 1000), inv(B, 500), inv("ACC-SINV-2026-00099", 500, customer="Oslo kommune", org=OSLO)
	)
	d = decide(Payment(D(500), debtor_org_number=BERGEN), books)
	assert (d.status, d.invoice, d.allocated) == (SUGGESTED, B, 500)
	assert f"Payer {BERGEN} owes exactly this amount on invoice {B}" in d.render()
	# no invoice of that amount: nothing suggested
	assert decide(Payment(D(777), debtor_org_number=BERGEN), books).status == UNMATCHED


def test_no_kid_payer_owing_the_amount_twice_is_not_guessed():
	d = decide(Payment(D(1000), debtor_org_number=BERGEN), ledger(inv(A, 1000), inv(B, 1000)))
	assert d.status == UNMATCHED and "several invoices" in d.render()


def test_nothing_points_anywhere():
	d = decide(Payment(D(1000), text="Gave"), ledger(inv(A, 1000)))
	assert d.status == UNMATCHED
	assert d.render() == "The payment has no KID. Nothing else in the payment points to an invoice."


def test_outgoing_payments_are_not_matched():
	assert decide(Payment(D(10), credit=False, kid=kid(A)), ledger(inv(A, 1000))).status == UNMATCHED


def test_reasons_render_in_another_language():
	d = decide(Payment(D(1000), kid=kid(A)), ledger(inv(A, 1000)))
	assert (
		d.render({"Invoice {0}: paid in full.": "Faktura {0}: betalt fullt ut."}.get)
		== f"Faktura {A}: betalt fullt ut."
	)


def test_number_keys_and_tokens():
	assert number_keys(A) == {A, "2026-00012", "202600012"}
	assert "2026000121" in tokens("KID 2026 0001 21")


def test_mine_fakturaer_says_betalt_or_ikke_betalt():
	from kdf_app.kdf_billing.core.payments import member_payment_status
	from kdf_app.kdf_members.core.membership import invoice_status

	assert member_payment_status(invoice_status("Paid", 6000, 0)) == "Betalt"
	assert member_payment_status(invoice_status("Unpaid", 6000, 6000)) == "Ikke betalt"
	assert member_payment_status(invoice_status("Partly Paid", 6000, 2000)) == "Ikke betalt"
	assert member_payment_status(invoice_status("Overdue", 6000, 6000)) == "Ikke betalt"
	assert member_payment_status(invoice_status("Credit Note Issued", 6000, 0)) == "Kreditert"
