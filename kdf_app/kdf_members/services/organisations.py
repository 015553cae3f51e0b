"""Organisations (ERPNext Customers): the idempotent importer for the official list."""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import frappe
from frappe import _

from kdf_app.kdf_members.core.organisations import CSV_COLUMNS, Organisation, parse_rows, plan_import
from kdf_app.shared.core.paths import ORGANISATIONS_CSV, shared_file
from kdf_app.shared.services.errors import render


@dataclass
class ImportResult:
	created: list[str] = field(default_factory=list)
	updated: list[str] = field(default_factory=list)
	unchanged: int = 0
	rejected: list[dict] = field(default_factory=list)

	def as_dict(self) -> dict:
		return {
			"created": self.created,
			"updated": self.updated,
			"unchanged": self.unchanged,
			"rejected": self.rejected,
		}


def read_csv(content: str) -> list[dict]:
	reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
	missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
	if missing:
		frappe.throw(
			_("The file lacks the column(s) {0}. Expected: {1}.").format(
				", ".join(missing), ",".join(CSV_COLUMNS)
			),
			title=_("Wrong file format"),
		)
	return list(reader)


def default_csv_path() -> Path:
	return shared_file(ORGANISATIONS_CSV)


def import_organisations(content: str | None = None, path: str | None = None) -> ImportResult:
	"""Create or update one Customer per valid row (matched by org number); report rejected rows.

	Each row is saved on its own savepoint: a bad row is reported and never half-saved."""
	if content is None:
		source = Path(path) if path else default_csv_path()
		if not source.exists():
			frappe.throw(_("File not found: {0}").format(str(source)), title=_("Missing file"))
		content = source.read_text(encoding="utf-8")
	accepted, rejected = parse_rows(read_csv(content))
	result = ImportResult(
		rejected=[{"line": r.line, "row": dict(r.row), "reason": render(r.error)} for r in rejected]
	)
	existing = {
		c.kdf_org_number: {
			"id": c.name,
			"kind": c.customer_group,
			"display_name": c.customer_name,
			"number": c.kdf_area_number,
			"county": c.kdf_county,
		}
		for c in frappe.get_all(
			"Customer",
			filters={"kdf_org_number": ("is", "set")},
			fields=[
				"name",
				"customer_group",
				"customer_name",
				"kdf_org_number",
				"kdf_area_number",
				"kdf_county",
			],
		)
	}
	for action in plan_import(accepted, existing):
		if action.action == "unchanged":
			result.unchanged += 1
			continue
		try:
			frappe.db.savepoint("kdf_org_import")
			name = save_organisation(action.organisation, action.existing)
		except frappe.ValidationError as e:
			frappe.db.rollback(save_point="kdf_org_import")
			frappe.clear_last_message()
			result.rejected.append(
				{"line": action.organisation.line, "row": action.organisation.as_dict(), "reason": str(e)}
			)
			continue
		(result.created if action.action == "create" else result.updated).append(name)
	return result


def save_organisation(org: Organisation, existing: str | None = None) -> str:
	doc = frappe.get_doc("Customer", existing) if existing else frappe.new_doc("Customer")
	doc.customer_name = org.display_name
	doc.customer_type = "Company"
	doc.customer_group = org.kind
	doc.territory = doc.territory or _territory()
	doc.kdf_org_number = org.org_number
	doc.kdf_area_number = org.number
	doc.kdf_county = org.county
	if not existing:
		doc.kdf_send_ehf = int(org.send_ehf)
	doc.flags.ignore_permissions = True
	doc.save()
	return doc.name


def _territory() -> str:
	return (
		"Norway"
		if frappe.db.exists("Territory", "Norway")
		else frappe.db.get_value("Territory", {"is_group": 1}, "name", order_by="lft asc")
	)
