"""Benchmark: invoicing a full 35-seat session (with EHF) beside 35 plain ERPNext Sales Invoices.

Run from the bench's sites folder with the bench's Python:

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/kdf_app/benchmarks/invoicing.py --site kdf.localhost

Prints, from one run: the time to invoice a full session including the EHF documents (build + attach),
the time of the same number of plain ERPNext Sales Invoices (insert + submit) and the time of the UBL builder
alone. Everything it creates is rolled back at the end."""

import argparse
import statistics
import time


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", default="kdf.localhost")
	parser.add_argument("--seats", type=int, default=35)
	parser.add_argument("--builder-rounds", type=int, default=5)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def run(args):
	import frappe

	from kdf_app.core.ehf import build
	from kdf_app.services.ehf import document_for
	from kdf_app.services.invoicing import create_session_invoices
	from kdf_app.tests.utils import make_member, make_org, make_session, register, use_test_settings

	use_test_settings(
		org_number="958935420",
		bank_account="86011117947",
		vat_setup="VAT registered",
		submit_session_invoices=1,
		ehf_outbox="private/ehf-outbox-benchmark",
	)
	session = make_session(capacity=args.seats)
	for _ in range(args.seats):
		register(session, make_member(make_org()), stay_package="Test med overnatting", extra_night=1)
	settings = frappe.get_single("KDF Settings")

	t = time.perf_counter()
	invoices = create_session_invoices(session.name)
	session_seconds = time.perf_counter() - t
	assert len(invoices) == args.seats, invoices
	ehf_files = frappe.db.count(
		"File", {"attached_to_name": ("in", invoices), "file_name": ("like", "%.xml")}
	)

	plain_customer = make_org(kind="Annen", kdf_org_number="", kdf_area_number="")
	t = time.perf_counter()
	for _ in range(args.seats):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": settings.company,
				"customer": plain_customer,
				"items": [
					{"item_code": settings.participant_fee_item, "qty": 1, "rate": 6000},
					{"item_code": settings.stay_package_item, "qty": 1, "rate": 4000},
					{"item_code": settings.extra_night_item, "qty": 1, "rate": 2200},
				],
			}
		)
		si.insert()
		si.submit()
	plain_seconds = time.perf_counter() - t

	docs = [document_for(frappe.get_doc("Sales Invoice", n)) for n in invoices]
	rounds = []
	for _ in range(args.builder_rounds):
		t = time.perf_counter()
		for d in docs:
			build(d)
		rounds.append(time.perf_counter() - t)

	print(f"seats: {args.seats}  (EHF files attached: {ehf_files})")
	print(
		f"session invoicing incl. EHF : {session_seconds:8.3f} s  ({1000 * session_seconds / args.seats:7.1f} ms per invoice)"
	)
	print(
		f"plain ERPNext Sales Invoices: {plain_seconds:8.3f} s  ({1000 * plain_seconds / args.seats:7.1f} ms per invoice)"
	)
	print(f"ratio session / plain       : {session_seconds / plain_seconds:8.2f}")
	print(
		f"UBL builder alone           : {statistics.median(rounds):8.4f} s median of {args.builder_rounds} rounds "
		f"({1000 * statistics.median(rounds) / args.seats:6.2f} ms per document)"
	)


if __name__ == "__main__":
	main()
