"""Benchmark: invoicing a full 35-seat session (with EHF) beside 35 plain ERPNext Sales Invoices.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/kdf_app/benchmarks/invoicing.py --site kdf.localhost

Prints, from one run: the time to invoice a full session including the EHF documents (build + attach) beside
the time of the same number of plain ERPNext Sales Invoices, made as the desk makes them (insert, then submit:
the platform baseline) and, for information, inserted submitted in one pass (Frappe's ``submit()`` of a new
document, as KDF's batches make theirs); then the UBL builder alone. ``--repeats`` runs the three in turn on
a fresh session each time, in a rotating order, so a machine that gets busier or quieter during the run
weighs on each alike; the ratio is the median of the repeats' ratios. Everything it creates is rolled back."""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lib import on_site


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="kdf.localhost")
	parser.add_argument("--seats", type=int, default=35)
	parser.add_argument("--repeats", type=int, default=3)
	parser.add_argument("--builder-rounds", type=int, default=5)
	parser.add_argument(
		"--profile",
		type=int,
		default=0,
		metavar="N",
		help="print cProfile's N costliest calls of the first session run",
	)
	args = parser.parse_args()
	on_site(args.site, run, args)  # everything rolled back afterwards


def full_session(seats: int):
	from kdf_app.tests.utils import make_member, make_org, make_session, register

	session = make_session(capacity=seats)
	for _ in range(seats):
		register(session, make_member(make_org()), stay_package="Test med overnatting", extra_night=1)
	return session


def plain_invoices(settings, customer: str, n: int, one_pass: bool) -> None:
	import frappe

	for _ in range(n):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": settings.company,
				# in the company's currency, as KDF's own are (a site whose default currency is another one
				# would otherwise look up an exchange rate)
				"currency": frappe.get_cached_value("Company", settings.company, "default_currency"),
				"conversion_rate": 1,
				"selling_price_list": settings.price_list,
				"customer": customer,
				"items": [
					{"item_code": settings.participant_fee_item, "qty": 1, "rate": 6000},
					{"item_code": settings.stay_package_item, "qty": 1, "rate": 4000},
					{"item_code": settings.extra_night_item, "qty": 1, "rate": 2200},
				],
			}
		)
		if not one_pass:
			si.insert()
		si.submit()


def run(args):
	import frappe

	from kdf_app.kdf_billing.core.ehf import build
	from kdf_app.kdf_billing.services.ehf import document_for
	from kdf_app.kdf_billing.services.invoicing import create_session_invoices
	from kdf_app.tests.utils import make_org, use_test_settings

	use_test_settings(
		org_number="958935420",
		bank_account="86011117947",
		vat_setup="VAT registered",
		submit_session_invoices=1,
		ehf_outbox="private/ehf-outbox-benchmark",
	)
	settings = frappe.get_single("KDF Settings")
	plain_customer = make_org(kind="Annen", kdf_org_number="", kdf_area_number="")
	print(f"seats: {args.seats}, repeats: {args.repeats}")
	rows, invoices = [], []
	for repeat in range(args.repeats):
		session = full_session(args.seats)
		times = {}

		def session_run(session=session, times=times, profile=bool(args.profile and not repeat)):
			profiler = None
			if profile:
				import cProfile

				profiler = cProfile.Profile()
				profiler.enable()
			t = time.perf_counter()
			made = create_session_invoices(session.name)
			times["session"] = time.perf_counter() - t
			if profiler:
				import pstats

				profiler.disable()
				pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
			assert len(made) == args.seats, made
			invoices[:] = made

		def plain_run(times=times):
			t = time.perf_counter()
			plain_invoices(settings, plain_customer, args.seats, one_pass=False)
			times["plain"] = time.perf_counter() - t

		def one_pass_run(times=times):
			t = time.perf_counter()
			plain_invoices(settings, plain_customer, args.seats, one_pass=True)
			times["one_pass"] = time.perf_counter() - t

		steps = [session_run, plain_run, one_pass_run]
		for step in steps[repeat % 3 :] + steps[: repeat % 3]:
			step()
		ehf_files = frappe.db.count(
			"File", {"attached_to_name": ("in", invoices), "file_name": ("like", "%.xml")}
		)
		assert ehf_files == args.seats, ehf_files
		rows.append(times)
		print(
			f"repeat {repeat + 1}: session incl. EHF {times['session']:7.2f} s, plain (insert + submit) "
			f"{times['plain']:7.2f} s, plain in one pass {times['one_pass']:7.2f} s; ratio "
			f"{times['session'] / times['plain']:5.2f} (one pass {times['session'] / times['one_pass']:5.2f})"
		)

	def median(key):
		return statistics.median(r[key] for r in rows)

	print(
		f"session invoicing incl. EHF : {median('session'):8.3f} s  "
		f"({1000 * median('session') / args.seats:7.1f} ms per invoice, median)"
	)
	print(
		f"plain ERPNext Sales Invoices: {median('plain'):8.3f} s  "
		f"({1000 * median('plain') / args.seats:7.1f} ms per invoice, insert + submit, median)"
	)
	print(
		f"plain, in one pass          : {median('one_pass'):8.3f} s  "
		f"({1000 * median('one_pass') / args.seats:7.1f} ms per invoice, submit() of a new one, median)"
	)
	print(
		f"ratio session / plain       : {statistics.median(r['session'] / r['plain'] for r in rows):8.2f}  "
		f"(median of {len(rows)}; worst {max(r['session'] / r['plain'] for r in rows):.2f})"
	)
	print(
		f"ratio session / one pass    : "
		f"{statistics.median(r['session'] / r['one_pass'] for r in rows):8.2f}  (for information)"
	)

	docs = [document_for(frappe.get_doc("Sales Invoice", n)) for n in invoices]
	rounds = []
	for _ in range(args.builder_rounds):
		t = time.perf_counter()
		for d in docs:
			build(d)
		rounds.append(time.perf_counter() - t)
	print(
		f"UBL builder alone           : {statistics.median(rounds):8.4f} s median of {args.builder_rounds} rounds "
		f"({1000 * statistics.median(rounds) / args.seats:6.2f} ms per document)"
	)


if __name__ == "__main__":
	main()
