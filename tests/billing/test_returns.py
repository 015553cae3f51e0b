"""A credit note of a KDF invoice carries the original's taxes (kdf_app.kdf_billing.core.returns)."""

from kdf_app.kdf_billing.core.returns import TAX_KEY, credit_note_taxes, same_taxes, tax_key

TEMPLATE = "Norway Tax - KDF"
VAT = {
	"charge_type": "On Net Total",
	"account_head": "Utgående mva - KDF",
	"rate": 25,
	"row_id": None,
	"included_in_print_rate": 0,
	"add_deduct_tax": "Add",
	"description": "MVA 25 %",
	"tax_amount": 2500.0,
}
FEE = {"charge_type": "Actual", "account_head": "Gebyr - KDF", "rate": 0, "tax_amount": 150.0}


def test_the_same_template_and_rows_are_the_same_taxes():
	copy = {**VAT, "rate": "25.000000", "tax_amount": -2500.0, "description": "VAT", "row_id": ""}
	assert same_taxes(TEMPLATE, [copy], TEMPLATE, [VAT])
	assert same_taxes(None, [], "", [])  # a VAT-free invoice and its credit note without taxes


def test_another_template_is_not_the_same_taxes():
	assert not same_taxes("Norway Tax 15 % - KDF", [VAT], TEMPLATE, [VAT])
	assert not same_taxes(TEMPLATE, [VAT], None, [VAT])


def test_another_rate_or_a_row_more_or_less_is_not_the_same_taxes():
	assert not same_taxes(TEMPLATE, [{**VAT, "rate": 15}], TEMPLATE, [VAT])
	assert not same_taxes(TEMPLATE, [{**VAT, "account_head": "Annen mva - KDF"}], TEMPLATE, [VAT])
	# the company's default VAT applied to the credit note of a VAT-free invoice
	assert not same_taxes(TEMPLATE, [VAT], None, [])
	assert not same_taxes(TEMPLATE, [], TEMPLATE, [VAT])
	assert not same_taxes(
		TEMPLATE, [FEE, VAT], TEMPLATE, [VAT, FEE]
	)  # the order counts (row_id refers to it)


def test_the_key_is_the_fields_that_make_a_tax():
	assert tax_key(VAT) == ("On Net Total", "Utgående mva - KDF", 25.0, None, None, "Add")
	assert len(tax_key({})) == len(TAX_KEY)
	assert tax_key({"rate": 0.1 + 0.2}) == tax_key({"rate": "0.3"})


def test_the_credit_note_copies_the_rows_and_negates_an_actual_charge():
	original = [VAT, FEE]
	rows = credit_note_taxes(original)
	assert rows == [VAT, {**FEE, "tax_amount": -150.0}]
	assert original == [VAT, {**FEE, "tax_amount": 150.0}]  # the original is left as it is
	assert rows[0] is not VAT


def test_an_actual_charge_without_an_amount_stays_zero():
	assert credit_note_taxes([{"charge_type": "Actual"}]) == [{"charge_type": "Actual", "tax_amount": 0}]


def test_no_taxes_give_no_rows():
	assert credit_note_taxes([]) == []
