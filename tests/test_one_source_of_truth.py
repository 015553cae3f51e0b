"""Statuses and roles exist once (issue 20).

- Status sets live in the domains' core modules: every Select field of our doctypes equals a core constant (or is
  named below as a setting's choice, with why), the desk's scripts get the sets through boot
  (``frappe.boot.kdf.statuses``, kdf_app.kdf_app.core.desk) and spell none, and Python outside ``core/`` spells no
  status (a renamed status breaks this test).
- Roles live in kdf_app.shared.core.roles: no other Python or JavaScript file spells a KDF role's name (messages
  marked for translation, docstrings and comments aside; the tests build their users with them), and every KDF role
  that a doctype, report, workspace, card or chart names is one of them."""

import ast
import json
import pathlib
import re

import pytest

from kdf_app.kdf_advice.core import cases
from kdf_app.kdf_app.core import desk
from kdf_app.kdf_billing.core import delivery, invoicing, payments
from kdf_app.kdf_members.core import members, membership
from kdf_app.kdf_privacy.core import access, retention
from kdf_app.kdf_programmes.core import cancellation, sessions
from kdf_app.shared.core import roles

ROOT = pathlib.Path(__file__).resolve().parents[1] / "kdf_app"


def doctype_json(doctype: str) -> pathlib.Path:
	"""A doctype's JSON in whichever module (kdf_app/<module>/doctype/<folder>/) it lives."""
	folder = doctype.lower().replace(" ", "_")
	(path,) = ROOT.glob(f"*/doctype/{folder}/{folder}.json")
	return path


def field(doctype: str, fieldname: str) -> dict:
	meta = json.loads(doctype_json(doctype).read_text(encoding="utf-8"))
	(df,) = [f for f in meta["fields"] if f["fieldname"] == fieldname]
	return df


def options(doctype: str, fieldname: str) -> list[str]:
	return [o for o in (field(doctype, fieldname).get("options") or "").split("\n") if o]


def select_fields() -> set[tuple[str, str]]:
	found = set()
	for path in ROOT.glob("*/doctype/*/*.json"):
		meta = json.loads(path.read_text(encoding="utf-8"))
		if meta.get("doctype") == "DocType":
			found |= {
				(meta["name"], f["fieldname"]) for f in meta["fields"] if f.get("fieldtype") == "Select"
			}
	return found


# Status-like sets: what a record is at, what happened to it
STATUS_SETS = {
	("Topplederprogram Session", "status"): sessions.SESSION_STATUSES,
	("Topplederprogram Session", "invoicing_status"): invoicing.INVOICING_STATUSES,
	("Registration", "status"): sessions.REGISTRATION_STATUSES,
	("Member", "membership_status"): members.STATUSES,
	("Member Change Request", "status"): membership.CHANGE_STATUSES,
	("Membership Application", "status"): membership.APPLICATION_STATUSES,
	("Mentoring Case", "status"): cases.STATUSES,
	("Bank File Import", "status"): payments.IMPORT_STATUSES,
	("Bank File Import Row", "status"): payments.ROW_STATUSES,
	("Retention Log", "log_type"): retention.LOG_TYPES,
	("Retention Log", "action"): retention.LOG_ACTIONS,
	("Case Read Log", "action"): access.READ_ACTIONS,
}
# Other fixed sets the code decides on
OTHER_SETS = {
	("Topplederprogram Session", "kind"): sessions.KINDS,
	("Topplederprogram Session", "participants_allowed"): sessions.PARTICIPANTS_ALLOWED,
	("Registration", "participant_type"): sessions.PARTICIPANT_TYPES,
	("Registration", "late_charge"): (cancellation.CHARGE_FULL, cancellation.CHARGE_PACKAGE),
	("Registration Price Line", "code"): (
		sessions.FEE,
		sessions.PACKAGE,
		sessions.EXTRA_NIGHT,
		sessions.DISCOUNT,
	),
	("Mentoring Case", "case_type"): cases.CASE_TYPES,
	("Member", "title"): members.TITLES,
	("Member Position", "title"): members.TITLES,
	("Member Change Request", "title"): members.TITLES,
	("Membership Application", "title"): membership.APPLICANT_TITLES,
	("Member", "leaving_reason"): members.LEAVING_REASONS,
	("Member Position", "reason"): members.LEAVING_REASONS,
	("Member Change Request", "reason"): members.LEAVING_REASONS,
	("Member Change Request", "kind"): membership.CHANGE_KINDS,
	("KDF Settings", "member_cancellation_cutoff"): cancellation.CUTOFF_RULES,
	("KDF Settings", "late_cancellation_charge"): cancellation.CHARGES,
}
# Choices that are data for people, not states: each named with why it has no core constant
NOT_A_STATUS = {
	("Mentoring Case", "topic"): "the member's own words for the topic; statistics count them as they are",
	("KDF Settings", "vat_setup"): "a setting, read once in kdf_billing.services.invoicing.vat_setup",
	("KDF Settings", "fee_vat"): "a setting, read once in kdf_billing.services.invoicing.vat_setup",
	("KDF Settings", "ehf_adapter"): "a setting: which transport kdf_billing.services.ehf_transport uses",
	("Bank File Import", "source"): "where a file came from (desk, folder, demo), shown to people only",
}


def test_every_select_field_is_a_core_constant_or_named_as_no_status():
	assert select_fields() == set(STATUS_SETS) | set(OTHER_SETS) | set(NOT_A_STATUS)


@pytest.mark.parametrize("key", sorted(STATUS_SETS | OTHER_SETS))
def test_select_options_are_the_core_constants(key):
	assert options(*key) == list((STATUS_SETS | OTHER_SETS)[key])


def test_custom_select_fields_are_built_from_core_constants():
	source = (ROOT / "setup" / "custom_fields.py").read_text(encoding="utf-8")
	assert "from kdf_app.kdf_billing.core.delivery import STATUSES as DELIVERY_STATUSES" in source
	assert '"options": "\\n" + "\\n".join(DELIVERY_STATUSES)' in source
	assert delivery.STATUSES == (delivery.READY, delivery.SENT, delivery.RETRYING, delivery.FAILED)


def test_defaults_are_core_constants():
	assert field("Topplederprogram Session", "status")["default"] == sessions.DRAFT
	assert field("Member", "membership_status")["default"] == members.ACTIVE
	assert field("Member Change Request", "status")["default"] == membership.NEW
	assert field("Membership Application", "status")["default"] == membership.NEW
	assert field("Mentoring Case", "status")["default"] == cases.RECEIVED
	assert field("Bank File Import", "status")["default"] == payments.QUEUED
	for doctype, fieldname in select_fields():
		default = field(doctype, fieldname).get("default")
		assert default in (None, "", *options(doctype, fieldname)), (doctype, fieldname, default)


def test_the_desk_gets_every_status_set_in_its_core_order():
	got = desk.statuses()
	expected = {
		"session": sessions.SESSION_STATUSES,
		"registration": sessions.REGISTRATION_STATUSES,
		"participant_type": sessions.PARTICIPANT_TYPES,
		"member": members.STATUSES,
		"change_request": membership.CHANGE_STATUSES,
		"application": membership.APPLICATION_STATUSES,
		"case": cases.STATUSES,
		"invoicing": invoicing.INVOICING_STATUSES,
		"bank_import": payments.IMPORT_STATUSES,
		"bank_row": payments.ROW_STATUSES,
		"delivery": delivery.STATUSES,
	}
	assert {k: tuple(v.values()) for k, v in got.items()} == expected
	boot = desk.for_desk()
	# Frappe sorts the boot's keys: the order travels as lists
	assert boot["status_order"] == {k: list(v) for k, v in expected.items()}
	assert set(boot["roles"].values()) == {*roles.KDF_ROLES, roles.SYSTEM_MANAGER}
	assert boot["role_groups"]["secretariat"] == list(roles.SECRETARIAT_ROLES)


# Every status value, to find one spelled by hand
STATUSES = {v for s in STATUS_SETS.values() for v in s} | set(delivery.STATUSES)
# what Python may spell: common words that are also statuses, when they mean something else there
PLAIN_WORDS = {"Run", "Member", "Document", "List", "Count", "Export", "Print", "Search", "Write", "Full"}


def _source_files(suffix: str):
	for path in sorted(ROOT.rglob(f"*{suffix}")):
		rel = path.relative_to(ROOT)
		if "tests" in rel.parts or path.name.startswith("test_"):
			continue
		yield rel, path.read_text(encoding="utf-8")


def _strings(tree: ast.AST):
	"""String constants of a module, without docstrings and messages marked for translation (``_("...")``)."""
	skip = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.body:
			first = node.body[0]
			if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
				skip.add(id(first.value))
		if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
			skip |= {id(a) for a in node.args}
	for node in ast.walk(tree):
		if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
			yield node


def test_python_outside_core_spells_no_status():
	offenders = []
	for rel, text in _source_files(".py"):
		if {"core", "patches"} & set(rel.parts[:-1]):
			continue
		offenders += [
			f"{rel}:{node.lineno}: {node.value!r}"
			for node in _strings(ast.parse(text))
			if node.value in STATUSES - PLAIN_WORDS
		]
	assert offenders == []


# a quoted string in a script that is not a message for translation (__("...")), and an object's bare key
JS_STRING = re.compile(r"(?<!__\()([\"'`])((?:(?!\1).)*)\1")
JS_KEY = re.compile(r"[{,]\s*([A-Za-zÆØÅæøå_]+)\s*:")


def _code_lines(text: str):
	for lineno, line in enumerate(text.splitlines(), 1):
		yield lineno, ("" if line.lstrip().startswith("//") else line.split(" // ")[0])


def test_desk_scripts_spell_no_status():
	offenders = []
	for rel, text in _source_files(".js"):
		for lineno, code in _code_lines(text):
			found = [m.group(2) for m in JS_STRING.finditer(code)] + [
				m.group(1) for m in JS_KEY.finditer(code)
			]
			offenders += [f"{rel}:{lineno}: {v}" for v in found if v in STATUSES - PLAIN_WORDS]
	assert offenders == []


# Norwegian status words that would be a status typed by hand if they appeared in quotes
SUSPECT = re.compile(
	r"[\"'](" + "|".join(sorted(map(re.escape, STATUSES - PLAIN_WORDS), key=len, reverse=True)) + r")[\"']"
)


def test_status_literals_in_templates_are_known():
	"""Portal templates have no boot: a status they spell must at least be one of the core's."""
	for path in ROOT.rglob("*.html"):
		for m in SUSPECT.finditer(path.read_text(encoding="utf-8")):
			assert m.group(1) in STATUSES, f"{path}: {m.group(0)}"


KDF_ROLE = re.compile("|".join(map(re.escape, roles.KDF_ROLES)))


def test_no_role_name_outside_the_roles_module():
	offenders = []
	for rel, text in _source_files(".py"):
		if rel == pathlib.Path("shared/core/roles.py"):
			continue
		offenders += [
			f"{rel}:{node.lineno}: {node.value!r}"
			for node in _strings(ast.parse(text))
			if KDF_ROLE.search(node.value)
		]
	for rel, text in [*_source_files(".js"), *_source_files(".html")]:
		for lineno, code in _code_lines(text):
			offenders += [
				f"{rel}:{lineno}: {m.group(0)}"
				for m in JS_STRING.finditer(code)
				if KDF_ROLE.search(m.group(2))
			]
	assert offenders == []


def _roles_named(value) -> set[str]:
	"""Every "role" a JSON document names (permissions, report and workspace roles, onboarding)."""
	found = set()
	if isinstance(value, dict):
		for key, v in value.items():
			if key == "role" and isinstance(v, str):
				found.add(v)
			else:
				found |= _roles_named(v)
	elif isinstance(value, list):
		for v in value:
			found |= _roles_named(v)
	return found


def test_every_kdf_role_in_the_json_is_a_role_of_the_roles_module():
	named = set()
	for path in ROOT.rglob("*.json"):
		named |= {
			r for r in _roles_named(json.loads(path.read_text(encoding="utf-8"))) if r.startswith("KDF ")
		}
	assert named <= set(roles.KDF_ROLES), named - set(roles.KDF_ROLES)
	# every role setup makes is used by some document's permissions (none left over)
	assert set(roles.KDF_ROLES) <= named


def test_roles_are_made_from_the_roles_module_not_from_fixtures():
	assert not list(ROOT.glob("fixtures/*.json"))
	assert [r.name for r in roles.ROLES] == list(roles.KDF_ROLES)
	assert len(set(roles.KDF_ROLES)) == len(roles.KDF_ROLES)
	member = next(r for r in roles.ROLES if r.name == roles.MEMBER)
	assert (member.desk_access, member.home_page) == (False, "/topplederprogram")
	assert all(r.desk_access for r in roles.ROLES if r.name != roles.MEMBER)
	hooks = (ROOT / "hooks.py").read_text(encoding="utf-8")
	assert "fixtures" not in {
		t.id for n in ast.parse(hooks).body if isinstance(n, ast.Assign) for t in n.targets
	}
