"""The member list from a spreadsheet (CSV or XLSX), for the secretariat in the desk (Member list → Import Members).

The rows are checked by the rules in kdf_app.kdf_members.core.member_import first (each refused row gets its reason in
bokmål and English); then each member is inserted as one unit with their whole position history — the Member
form's own validation and Contact sync run as in the form — on a savepoint: a member goes in complete, or
not at all. The result says which lines went in, as which member, and which did not and why.
"""

import csv
import io

import frappe
from frappe import _
from frappe.utils import getdate, today

from kdf_app.kdf_members.core.member_import import (
	COLUMNS,
	EXAMPLE_ROWS,
	MAX_ROWS,
	REQUIRED_COLUMNS,
	ImportedMember,
	column_key,
	organisation_index,
	plan_import,
)
from kdf_app.kdf_members.core.members import ACTIVE, position_rows
from kdf_app.shared.core.i18n import DomainError
from kdf_app.shared.services import jobs

MEMBER = "Member"


def _decode(content: bytes | str) -> str:
	if isinstance(content, str):
		return content.lstrip("\ufeff")
	for encoding in ("utf-8-sig", "cp1252"):  # Excel on Windows saves CSV as Windows-1252
		try:
			return content.decode(encoding)
		except UnicodeDecodeError:
			continue
	return content.decode("utf-8", errors="replace")


def read_table(content: bytes | str, filename: str | None = None) -> list[list]:
	"""The file's cells, heading first: an XLSX workbook's first sheet, or CSV separated by ; , or tab."""
	if (filename or "").lower().endswith(".xlsx"):
		from frappe.utils.xlsxutils import read_xlsx_file_from_attached_file

		try:
			return read_xlsx_file_from_attached_file(fcontent=content if isinstance(content, bytes) else None)
		except Exception:
			frappe.throw(
				_("The file could not be read as an Excel workbook (.xlsx)."), title=_("Wrong file format")
			)
	text = _decode(content)
	first = text.split("\n", 1)[0]
	delimiter = max((";", ",", "\t"), key=first.count)
	return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_rows(content: bytes | str, filename: str | None = None) -> list[dict]:
	"""The rows as dicts by column (unknown columns ignored); the heading must name the required columns."""
	table = [r for r in read_table(content, filename) if r is not None]
	if not table:
		frappe.throw(_("The file is empty."), title=_("Wrong file format"))
	keys = [column_key(h) for h in table[0]]
	missing = [c for c in REQUIRED_COLUMNS if c not in keys]
	if missing:
		frappe.throw(
			_("The file lacks the column(s) {0}. Expected: {1}.").format(
				", ".join(missing), ", ".join(COLUMNS)
			),
			title=_("Wrong file format"),
		)
	if len(table) - 1 > MAX_ROWS:
		frappe.throw(
			_("The file has more than {0} rows; split it in parts.").format(MAX_ROWS),
			title=_("File too large"),
		)
	rows = []
	for cells in table[1:]:
		values = {}
		for key, value in zip(keys, cells, strict=False):
			if key and key not in values:
				values[key] = value if value is not None else ""
		rows.append(values)
	return rows


def _reason(error: DomainError) -> dict:
	return {
		"reason": error.render(_),
		"reason_nb": error.render(lambda s: _(s, lang="nb")),
		"reason_en": error.render(),
	}


def _cell(value) -> str:
	"""A cell as the secretariat wrote it (a workbook's date as 2024-08-01)."""
	return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value or "")


def _values(values: dict) -> dict:
	return {c: _cell(values.get(c)) for c in COLUMNS}


def import_members(content: bytes | str, filename: str | None = None, report=None) -> dict:
	"""Create the members of the file; returns ``created`` (member, name, e-mail, lines, positions) and
	``rejected`` (line, the row's values, reason in the user's language, in bokmål and in English).
	``report(done, total)`` is told how many members are done as it goes."""
	rows = read_rows(content, filename)
	organisations = organisation_index(
		frappe.get_all(
			"Customer",
			filters={"disabled": 0},
			fields=["name", "customer_name", "kdf_org_number as org_number"],
		)
	)
	known = dict(frappe.get_all(MEMBER, fields=["email", "name"], as_list=True))
	plan = plan_import(rows, organisations, existing=lambda email: known.get(email))
	created, rejected = [], []
	for r in plan.rejected:
		rejected.append({"line": r.line, "values": _values(r.values), **_reason(r.error)})
	by_line = {i + 2: values for i, values in enumerate(rows)}
	for done, member in enumerate(plan.members):
		if report:
			report(done, len(plan.members))
		frappe.db.savepoint("kdf_member_import")
		try:
			name = insert_member(member)
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point="kdf_member_import")
			frappe.clear_last_message()
			reason = frappe.utils.strip_html(str(e)) or _("The member could not be saved.")
			rejected.extend(
				{
					"line": line,
					"values": _values(by_line[line]),
					"reason": reason,
					"reason_nb": reason,
					"reason_en": reason,
				}
				for line in member.lines
			)
			continue
		created.append(
			{
				"member": name,
				"member_name": member.member_name,
				"email": member.email,
				"lines": list(member.lines),
				"positions": len(member.positions),
			}
		)
	if report and plan.members:
		report(len(plan.members), len(plan.members))  # the bar reaches the end before the result replaces it
	rejected.sort(key=lambda r: r["line"])
	return {"created": created, "rejected": rejected}


# --- from the desk: a small file at once, a larger one in the background -------------------------------------
# ~0.2 s a member (its Contact, the newsletter row): up to this many the dialog waits, more go to a job
FOREGROUND_MEMBERS = 25
RESULT_KEY = "kdf-member-import"
PROGRESS_EVENT = "kdf_member_import"


def _members_in(rows: list[dict]) -> int:
	return len({str(r.get("email") or "").strip().lower() for r in rows} - {""})


def start_import(file_url: str) -> dict:
	"""The secretariat's upload: checked at once (a wrong file is refused whole), imported at once when small
	(``{"result": …}``), else by a background job (``{"job": id, "members": n}``) whose progress and result
	``import_status`` gives. The uploaded file is deleted after the import (the register holds the data)."""
	file = _own_upload(file_url)
	rows = read_rows(file.get_content(), file.file_name)
	members = _members_in(rows)
	if members <= FOREGROUND_MEMBERS:
		result = import_members(file.get_content(), file.file_name)
		_delete(file)
		return {"result": result}
	job = f"{RESULT_KEY}-{frappe.generate_hash(length=12)}"
	_status(job, {"done": 0, "total": members})
	frappe.enqueue(
		"kdf_app.kdf_members.services.member_import.run_import",
		queue="long",
		timeout=3600,
		job_id=job,
		enqueue_after_commit=True,
		now=bool(frappe.flags.in_test),
		file_url=file_url,
		job=job,
		user=frappe.session.user,
	)
	return {"job": job, "members": members}


def _own_upload(file_url: str):
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")  # never a way to read someone else's private file
	return file


def _delete(file) -> None:
	if file.owner == frappe.session.user and not file.attached_to_doctype:
		file.delete(ignore_permissions=True, delete_permanently=True)


def _status(job: str, value: dict) -> None:
	frappe.cache.set_value(
		f"{RESULT_KEY}:{job}", {"user": frappe.session.user, **value}, expires_in_sec=86400
	)


@jobs.in_users_language
def run_import(file_url: str, job: str, user: str | None = None) -> None:
	"""The background job (as the user who started it, with their permissions and language): the whole file in
	one transaction, each member on its savepoint; an unexpected failure keeps nothing and says so. Its progress
	goes to the user's desk over socket.io (``kdf_member_import``) as it happens, and into the cache, where
	``import_status`` finds it and the result (after a reload, or without socket.io)."""

	def report(done: int, total: int) -> None:
		_status(job, {"done": done, "total": total})
		frappe.publish_realtime(
			PROGRESS_EVENT, {"job": job, "done": done, "total": total}, user=frappe.session.user
		)

	try:
		file = _own_upload(file_url)
		result = import_members(file.get_content(), file.file_name, report=report)
		_delete(file)
		frappe.db.commit()
	except Exception as e:
		frappe.db.rollback()
		frappe.log_error(title="KDF: member import stopped")
		message = frappe.utils.strip_html(str(e)) if isinstance(e, frappe.ValidationError) else ""
		result = {"error": _("The import stopped and nothing of it was kept. {0}").format(message).strip()}
	_status(job, {"finished": True, "result": result})
	frappe.publish_realtime(PROGRESS_EVENT, {"job": job, "finished": True}, user=frappe.session.user)


def import_status(job: str) -> dict:
	"""A background import's progress (``done``, ``total``) or, once finished, its ``result``; only for the user
	who started it."""
	value = frappe.cache.get_value(f"{RESULT_KEY}:{job}") if job.startswith(RESULT_KEY) else None
	if not value or value.get("user") != frappe.session.user:
		frappe.throw(_("No such import."), frappe.DoesNotExistError)
	value.pop("user", None)
	return value


def insert_member(member: ImportedMember) -> str:
	"""One member with their whole history through the Member form's own rules (as the user: their permission)."""
	current = member.current(getdate(today()))
	doc = frappe.get_doc(
		{
			"doctype": MEMBER,
			"first_name": member.first_name,
			"last_name": member.last_name,
			"email": member.email,
			"mobile": member.mobile,
			"title": current.title,
			"organisation": current.organisation,
			"position_start": current.from_date,
			"membership_status": ACTIVE,
			"member_since": member.member_since,
			"positions": position_rows(member.positions),
		}
	)
	doc.insert()
	return doc.name


def template_csv() -> str:
	"""The template: the columns and example rows (two members, one with a history), separated by semicolons as
	a Norwegian Excel opens them."""
	out = io.StringIO()
	writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n")
	writer.writeheader()
	writer.writerows(EXAMPLE_ROWS)
	return "\ufeff" + out.getvalue()
