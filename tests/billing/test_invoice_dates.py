"""The session's dates on an invoice line, in Norwegian whoever invoices (kdf_app.kdf_billing.core.invoicing)."""

from datetime import date

from kdf_app.kdf_programmes.core.sessions import date_range_no


def test_one_day():
	assert date_range_no(date(2026, 12, 2), date(2026, 12, 2)) == "2. desember 2026"


def test_days_in_one_month():
	assert date_range_no(date(2026, 11, 25), date(2026, 11, 26)) == "25.–26. november 2026"
	assert date_range_no(date(2023, 9, 6), date(2023, 9, 7)) == "6.–7. september 2023"


def test_across_a_month_end():
	assert date_range_no(date(2026, 11, 30), date(2026, 12, 1)) == "30. november–1. desember 2026"


def test_across_a_year_end():
	assert date_range_no(date(2026, 12, 31), date(2027, 1, 2)) == "31. desember 2026–2. januar 2027"
