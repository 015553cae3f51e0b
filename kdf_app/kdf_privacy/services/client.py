"""The client's address for rate limits, and every CSV/Excel download neutralised (kdf_app.kdf_privacy.core.client).

``before_request``: Frappe takes the first ``X-Forwarded-For`` entry as the client's address, so a guest chose
their own rate-limit key with one header. The address is set again from the connection, believing the header only
from a trusted proxy (site_config ``kdf_trusted_proxies``, a list of CIDRs; default loopback, where nginx runs).

``after_request``: every download that is a CSV or Excel file (list and report view export, query reports, Data
Import templates, and whatever door an upgrade adds: they all end in a binary response) has its text cells that
begin with ``=``, ``+``, ``-``, ``@``, tab or CR prefixed with an apostrophe, so a spreadsheet shows them instead
of running them. Numbers stay numbers."""

import csv
import io

import frappe

from kdf_app.kdf_privacy.core.client import DEFAULT_TRUSTED_PROXIES, neutralise_cell
from kdf_app.kdf_privacy.core.client import client_address as _client_address


def set_client_address() -> None:
	request = getattr(frappe.local, "request", None)
	if request is None:
		return
	trusted = frappe.conf.get("kdf_trusted_proxies")
	frappe.local.request_ip = _client_address(
		request.remote_addr,
		request.headers.get("X-Forwarded-For"),
		DEFAULT_TRUSTED_PROXIES if trusted is None else trusted,
	)


def _csv(content: bytes) -> bytes:
	bom = content.startswith(b"\xef\xbb\xbf")
	text = content.decode("utf-8-sig")
	try:
		dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
		delimiter = dialect.delimiter
	except csv.Error:
		delimiter = ","
	rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
	if not any(neutralise_cell(c) != c for row in rows for c in row):
		return content
	out = io.StringIO()
	writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
	writer.writerows([[neutralise_cell(c) for c in row] for row in rows])
	return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def _xlsx(content: bytes) -> bytes:
	from openpyxl import load_workbook

	book = load_workbook(io.BytesIO(content))
	changed = False
	for sheet in book.worksheets:
		for row in sheet.iter_rows():
			for cell in row:
				if isinstance(cell.value, str) and neutralise_cell(cell.value) != cell.value:
					cell.value = neutralise_cell(cell.value)
					cell.data_type = "s"
					changed = True
	if not changed:
		return content
	out = io.BytesIO()
	book.save(out)
	return out.getvalue()


def neutralise_export(response=None, request=None) -> None:
	if response is None or getattr(response, "direct_passthrough", False):
		return
	disposition = (response.headers.get("Content-Disposition") or "").lower()
	kind = "csv" if ".csv" in disposition else "xlsx" if ".xlsx" in disposition else None
	if not kind:
		return
	try:
		data = response.get_data()
		response.set_data(_csv(data) if kind == "csv" else _xlsx(data))
	except Exception:
		frappe.logger("kdf_app").error("export not neutralised", exc_info=True)
		response.set_data(b"")  # never hand out what could not be checked
		response.status_code = 500
