"""Benchmark: a camt.054 of 400 KID payments imported and matched, beside the same 400 Payment Entries made
directly.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/kdf_app/benchmarks/bank_import.py --site kdf.localhost

Makes ``--payments`` open Sales Invoices (not timed), then, on the same invoices, in turn (rolled back between
them to a savepoint, so both pay the same open invoices):

- the platform baseline: for each invoice ERPNext's ``get_payment_entry``, then insert and submit (what the desk's
  Create → Payment does), nothing else;
- the import: a camt.054 with one KID payment per invoice (kdf_app.kdf_billing.core.bank_file.build), read, matched and
  booked by kdf_app.kdf_billing.services.bank_import.run as the background job does: the Bank File Import log, a submitted
  Payment Entry allocated to each invoice and a submitted Bank Transaction reconciled with it (progress
  published every 10 payments).

``--one-pass`` also times the Payment Entries inserted submitted in one pass (for information). ``--repeats``
alternates the order; the ratio printed is the median of the repeats' ratios (goal: at most 1.2).
Everything it creates is rolled back."""

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lib import on_site


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="kdf.localhost")
	parser.add_argument("--payments", type=int, default=400)
	parser.add_argument("--repeats", type=int, default=1)
	parser.add_argument(
		"--one-pass",
		action="store_true",
		help="also time the Payment Entries inserted submitted in one pass (for information)",
	)
	parser.add_argument(
		"--profile", type=int, default=0, metavar="N", help="cProfile's N costliest calls of the import"
	)
	args = parser.parse_args()
	on_site(args.site, run, args)  # everything rolled back afterwards


def open_invoices(settings, customers: list[str], n: int) -> list[str]:
	import frappe

	names = []
	for i in range(n):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": settings.company,
				"currency": frappe.get_cached_value("Company", settings.company, "default_currency"),
				"conversion_rate": 1,
				"selling_price_list": settings.price_list,
				"customer": customers[i % len(customers)],
				"items": [{"item_code": settings.participant_fee_item, "qty": 1, "rate": 6000}],
			}
		)
		si.insert()
		si.submit()
		names.append(si.name)
	return names


def baseline(invoices: list[str], day: date, one_pass: bool = False) -> float:
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	t = time.perf_counter()
	for n, name in enumerate(invoices):
		pe = get_payment_entry("Sales Invoice", name)
		pe.reference_no, pe.reference_date, pe.posting_date = f"BENCH-{n}", day, day
		if not one_pass:
			pe.insert()
		pe.submit()
	return time.perf_counter() - t


def imported(invoices: list[str], day: date, bank_account: str, account: str, profile: int) -> float:
	import frappe

	from kdf_app.kdf_billing.core.bank_file import Payment, build
	from kdf_app.kdf_billing.services import bank_import
	from kdf_app.shared.core.numbers import kid

	uid = frappe.generate_hash(length=6)
	data = build(
		"054",
		"02",
		account,
		[Payment(f"{uid}-{n}", Decimal("6000.00"), day, kid=kid(name)) for n, name in enumerate(invoices)],
		message_id=uid,
	)
	profiler = None
	if profile:
		import cProfile

		profiler = cProfile.Profile()
		profiler.enable()
	t = time.perf_counter()
	log = frappe.get_doc(
		{
			"doctype": bank_import.LOG,
			"bank_account": bank_account,
			"file_name": f"{uid}.xml",
			"source": "Desk",
		}
	).insert(ignore_permissions=True)
	status = bank_import.run(log.name, data)
	elapsed = time.perf_counter() - t
	if profiler:
		import pstats

		profiler.disable()
		pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
	log.reload()
	assert (status, log.matched) == ("Done", len(invoices)), (status, log.matched, log.error)
	return elapsed


def run(args):
	import frappe
	from frappe.utils import getdate, today

	from kdf_app.kdf_billing.services import bank_account as bank_account_service
	from kdf_app.tests.utils import make_org, use_test_settings

	use_test_settings(
		org_number="958935420",
		bank_account="86011117947",
		kdf_bank_account=None,
		vat_setup="Not VAT registered",
		submit_session_invoices=1,
		ehf_outbox="private/ehf-outbox-benchmark",
	)
	settings = frappe.get_single("KDF Settings")
	bank_account = bank_account_service.kdf_bank_account()
	customers = [make_org(kind="Annen", kdf_area_number="") for _ in range(20)]
	t = time.perf_counter()
	invoices = open_invoices(settings, customers, args.payments)
	print(
		f"payments: {args.payments} (setup: {len(invoices)} open invoices in {time.perf_counter() - t:.1f} s)"
	)
	day = getdate(today())
	frappe.db.savepoint("kdf_bench")
	ratios = []
	for repeat in range(args.repeats):
		times = {}
		steps = [
			("baseline", lambda: baseline(invoices, day)),
			(
				"import",
				lambda profile=args.profile and not repeat: imported(
					invoices, day, bank_account, settings.bank_account, profile
				),
			),
		]
		if args.one_pass:
			steps.append(("one_pass", lambda: baseline(invoices, day, one_pass=True)))
		for key, step in steps if repeat % 2 == 0 else steps[::-1]:
			times[key] = step()
			frappe.db.rollback(save_point="kdf_bench")
		ratios.append(times["import"] / times["baseline"])
		if "one_pass" in times:
			print(
				f"  (Payment Entries inserted submitted in one pass: {times['one_pass']:7.2f} s; import / one pass "
				f"{times['import'] / times['one_pass']:5.2f}, for information)"
			)
		print(
			f"repeat {repeat + 1}: import and match {times['import']:7.2f} s "
			f"({1000 * times['import'] / args.payments:6.1f} ms a payment), Payment Entries directly "
			f"{times['baseline']:7.2f} s ({1000 * times['baseline'] / args.payments:6.1f} ms); ratio {ratios[-1]:5.2f}"
		)
	print(
		f"ratio import / Payment Entries directly: {statistics.median(ratios):5.2f} (median of {len(ratios)}; goal <= 1.2)"
	)


if __name__ == "__main__":
	main()
