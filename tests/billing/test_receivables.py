"""What KDF is owed, summed from plain invoice rows (kdf_app.kdf_billing.core.receivables)."""

from decimal import Decimal

from kdf_app.kdf_billing.core.receivables import by_organisation, per_year, total


def si(customer, grand_total, outstanding, name=None):
	return {
		"customer": customer,
		"customer_name": name or customer,
		"grand_total": grand_total,
		"outstanding_amount": outstanding,
	}


def test_a_credit_note_is_subtracted_from_what_was_invoiced():
	rows = by_organisation(
		[si("Bergen", 8500.0, 8500.0), si("Bergen", -8500.0, 0.0), si("Bergen", 6000.0, 0)]
	)
	assert rows == [
		{
			"customer": "Bergen",
			"customer_name": "Bergen",
			"invoiced": 6000.0,
			"outstanding": 8500.0,
			"paid": -2500.0,
		}
	]


def test_paid_is_invoiced_less_outstanding():
	(row,) = by_organisation([si("Oslo", 12000, 4000), si("Oslo", 3000, 0)])
	assert (row["invoiced"], row["outstanding"], row["paid"]) == (15000.0, 4000.0, 11000.0)


def test_who_owes_most_comes_first_then_by_name():
	rows = by_organisation(
		[
			si("c1", 100, 0, "Askøy kommune"),
			si("c2", 500, 500, "Voss herad"),
			si("c3", 100, 100, "Bodø kommune"),
			si("c4", 100, 100, "Alta kommune"),
			{**si("c5", 50, 0), "customer_name": None},  # no name: before the names
		]
	)
	assert [r["customer"] for r in rows] == ["c2", "c4", "c3", "c5", "c1"]


def test_amounts_are_rounded_to_ore():
	(row,) = by_organisation([si("Bergen", 0.1, 0.1), si("Bergen", 0.2, 0.2), si("Bergen", 100.004, 0)])
	assert (row["invoiced"], row["outstanding"], row["paid"]) == (100.3, 0.3, 100.0)
	assert total([0.1, 0.2]) == 0.3  # not 0.30000000000000004
	assert total([1.005]) == 1.01
	assert total([Decimal("2.5"), "1.25", None, 0]) == 3.75
	assert total([]) == 0.0


def test_no_invoices_give_no_rows():
	assert by_organisation([]) == []
	assert per_year([], 6) == []


def dues(year, grand_total, outstanding):
	return {"kdf_dues_year": year, "grand_total": grand_total, "outstanding_amount": outstanding}


def test_only_the_last_years_oldest_first():
	invoices = [dues(str(y), 1000, 1000 if y > 2023 else 0) for y in range(2018, 2027)]
	assert [r["year"] for r in per_year(invoices, 6)] == [2021, 2022, 2023, 2024, 2025, 2026]
	assert [r["year"] for r in per_year(invoices, 2)] == [2025, 2026]
	assert [r["year"] for r in per_year(invoices[:3], 6)] == [2018, 2019, 2020]


def test_a_dues_year_sums_paid_and_outstanding_less_credit_notes():
	rows = per_year(
		[dues(2025, 4000, 4000), dues(2025, -4000, 0), dues(2025, 4000.004, 1000), dues(2024, 3000, 0)], 6
	)
	assert rows == [
		{"year": 2024, "paid": 3000.0, "outstanding": 0.0},
		{"year": 2025, "paid": -1000.0, "outstanding": 5000.0},
	]
