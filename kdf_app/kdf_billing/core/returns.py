"""A credit note of a KDF invoice carries the original's taxes, as pure rules on plain tax rows (mappings with
the fields of a Sales Taxes and Charges row); kdf_app.kdf_billing.services.returns reads the documents and sets
what these rules say.

- :func:`tax_key`: what makes two tax rows the same tax (the amounts follow from it when ERPNext computes the
  totals);
- :func:`same_taxes`: whether a return already has the original's taxes (template and rows);
- :func:`credit_note_taxes`: the rows a credit note takes from its original: copies, an *Actual* charge's
  amount negated as ERPNext's ``make_return_doc`` does.
"""

from collections.abc import Iterable, Mapping

TAX_KEY = ("charge_type", "account_head", "rate", "row_id", "included_in_print_rate", "add_deduct_tax")


def tax_key(row: Mapping) -> tuple:
	"""The fields of :data:`TAX_KEY`, the rate as a number (``25`` and ``"25.0"`` are the same), empty as None."""
	return tuple((round(float(row.get(f) or 0), 6) if f == "rate" else (row.get(f) or None)) for f in TAX_KEY)


def same_taxes(
	template: str | None,
	rows: Iterable[Mapping],
	original_template: str | None,
	original_rows: Iterable[Mapping],
) -> bool:
	"""A return whose template and tax rows (in order) are the original's: nothing to change."""
	return (template or None) == (original_template or None) and [tax_key(t) for t in rows] == [
		tax_key(t) for t in original_rows
	]


def credit_note_taxes(original_rows: Iterable[Mapping]) -> list[dict]:
	"""The credit note's tax rows: a copy of each of the original's, an *Actual* charge's ``tax_amount``
	negated (a credit note's amounts are negative); the original's rows are left as they are."""
	out = []
	for tax in original_rows:
		row = dict(tax)
		if row.get("charge_type") == "Actual":
			row["tax_amount"] = -1 * (row.get("tax_amount") or 0)
		out.append(row)
	return out
