"""What KDF is owed, as pure sums over plain invoice rows (mappings with the Sales Invoice fields named below);
kdf_app.kdf_billing.services.receivables fetches the submitted invoices and calls these.

Amounts are summed exactly (as decimals) and rounded to øre (0.01 kr) at the end; a credit note's negative
grand total and outstanding amount subtract. What is paid is what was invoiced less what is outstanding.
"""

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")


def _dec(value) -> Decimal:
	return Decimal(str(value)) if value else Decimal(0)


def kroner(value: Decimal) -> float:
	"""An amount rounded to øre, as the float the desk and the charts show."""
	return float(value.quantize(ORE, rounding=ROUND_HALF_UP))


def total(amounts: Iterable) -> float:
	"""The sum of some amounts, rounded to øre (an empty list is 0)."""
	return kroner(sum((_dec(a) for a in amounts), Decimal(0)))


def by_organisation(invoices: Iterable[Mapping]) -> list[dict]:
	"""One row per customer of ``invoices`` (``customer``, ``customer_name``, ``grand_total``,
	``outstanding_amount``): ``customer``, ``customer_name``, ``invoiced``, ``outstanding`` and ``paid`` in
	kroner; the customers that owe most first, then by name."""
	sums: dict[str, dict] = {}
	for si in invoices:
		row = sums.setdefault(
			si["customer"],
			{
				"customer": si["customer"],
				"customer_name": si.get("customer_name"),
				"invoiced": Decimal(0),
				"outstanding": Decimal(0),
			},
		)
		row["invoiced"] += _dec(si.get("grand_total"))
		row["outstanding"] += _dec(si.get("outstanding_amount"))
	rows = []
	for row in sums.values():
		invoiced, outstanding = kroner(row["invoiced"]), kroner(row["outstanding"])
		paid = kroner(Decimal(str(invoiced)) - Decimal(str(outstanding)))
		rows.append({**row, "invoiced": invoiced, "outstanding": outstanding, "paid": paid})
	return sorted(rows, key=lambda r: (-r["outstanding"], r["customer_name"] or ""))


def per_year(invoices: Iterable[Mapping], years: int) -> list[dict]:
	"""The last ``years`` dues years among ``invoices`` (``kdf_dues_year``, ``grand_total``,
	``outstanding_amount``), oldest first: ``year`` (int), ``paid`` and ``outstanding`` in kroner."""
	sums: dict[int, list[Decimal]] = {}
	for si in invoices:
		invoiced_outstanding = sums.setdefault(int(si["kdf_dues_year"]), [Decimal(0), Decimal(0)])
		invoiced_outstanding[0] += _dec(si.get("grand_total"))
		invoiced_outstanding[1] += _dec(si.get("outstanding_amount"))
	shown = sorted(sums)[-years:] if years > 0 else []
	return [
		{"year": y, "paid": kroner(sums[y][0] - sums[y][1]), "outstanding": kroner(sums[y][1])} for y in shown
	]
