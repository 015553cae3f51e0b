"""The access rules as data: request classification, protected fields, and the architecture guide's table."""

import ast
import pathlib

import pytest

from kdf_app.kdf_privacy.core import access

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_every_row_names_known_actors_only():
	for r in access.MATRIX:
		assert r.allowed <= set(access.ACTORS), r.what


def test_confidential_content_is_for_the_assigned_mentor_and_case_managers_only():
	case = access.row("Confidential case")
	assert case.allowed == {"mentor", "case manager"}
	assert not case.may("secretariat") and not case.may("other mentor") and not case.may("member")
	assert access.row("Case Read Log").allowed == {"case manager"}
	assert access.row("Dietary needs").allowed == {"member", "secretariat"}
	assert access.row("Participant list").allowed == {"secretariat"}
	with pytest.raises(ValueError):
		case.may("board")


def test_the_architecture_guide_prints_the_matrix():
	guide = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
	assert access.markdown_table() in guide


@pytest.mark.parametrize(
	"path,cmd,expected",
	[
		("/api/method/frappe.client.get_count", None, "frappe.client.get_count"),
		("/api/v1/method/frappe.desk.reportview.get", None, "frappe.desk.reportview.get"),
		("/api/method/run_doc_method", None, "run_doc_method"),
		("/", "frappe.client.get", "frappe.client.get"),
		("/api/resource/Member", None, ""),
	],
)
def test_method_of_a_request(path, cmd, expected):
	assert access.method_of(path, cmd) == expected


def test_resource_paths():
	assert access.resource_doctype("/api/resource/Mentoring%20Case/abc") == "Mentoring Case"
	assert access.resource_name("/api/resource/Mentoring%20Case/abc") == "abc"
	assert access.resource_name("/api/resource/Mentoring Case") is None
	assert access.resource_doctype("/app/mentoring-case") is None


def test_only_the_apps_own_endpoints_may_set_system_fields():
	assert access.is_app_endpoint("kdf_app.api.registration.register")
	overrides = {"frappe.client.get_count": ["kdf_app.api.guarded.get_count"]}
	assert access.is_app_endpoint("frappe.client.get_count", overrides)
	# every other door is refused without being named: Frappe's, ERPNext's, a new one, none at all
	for door in (
		"frappe.client.set_value",
		"frappe.desk.form.save.savedocs",
		"run_doc_method",
		"frappe.handler.run_doc_method",
		"erpnext.some.new.door",
		"",
	):
		assert not access.is_app_endpoint(door, overrides), door
	assert not access.is_app_endpoint("frappe.client.save", {"frappe.client.save": "other_app.save"})
	# a whole request: API doors that are not the app's own are refused, also v2's document methods
	assert access.app_may_write("/api/method/kdf_app.api.membership.apply", None)
	assert not access.app_may_write("/api/method/run_doc_method", None)
	assert not access.app_may_write("/", "frappe.desk.form.save.savedocs")
	assert not access.app_may_write("/api/resource/Member/KDF-M-1", None)
	assert not access.app_may_write("/api/v2/document/Member/KDF-M-1/method/change_position", None)
	assert access.app_may_write("/pameldinger", None)  # a page render


def test_doctypes_named_by_a_request():
	assert access.doctypes_named("/api/resource/Case Meeting", {"parent": "Mentoring Case"}) == {
		"Case Meeting",
		"Mentoring Case",
	}
	assert access.doctypes_named("/printview", {"doctype": "Mentoring Case", "name": "x"}) == {
		"Mentoring Case"
	}
	assert access.doctypes_named("/api/method/ping", {}) == set()


@pytest.mark.parametrize(
	"method,path,action",
	[
		("frappe.client.get_count", "", "Count"),
		("frappe.desk.listview.get_group_by_count", "", "Count"),
		("frappe.desk.reportview.export_query", "", "Export"),
		("frappe.utils.print_format.download_pdf", "", "Export"),
		("", "/printview", "Print"),
		("frappe.desk.search.search_link", "", "Search"),
		("frappe.desk.form.load.getdoc", "", "Document"),
		("frappe.desk.reportview.get", "", "List"),
	],
)
def test_read_actions(method, path, action):
	assert access.read_action(method, path) == action


def test_changed_fields_treats_empty_values_alike():
	assert access.changed_fields({"a": None, "b": 0, "c": "x"}, {"a": "", "b": None, "c": "x"}, "abc") == []
	assert access.changed_fields(None, {"user": "a@b.no"}, ["user"]) == ["user"]
	assert access.changed_fields({"request": "x"}, {"request": "y"}, access.CASE_MANAGER_FIELDS) == [
		"request"
	]


def test_every_child_doctype_of_ours_follows_a_parent():
	import json

	children = {
		json.loads(p.read_text())["name"]
		for p in (ROOT / "kdf_app").glob("*/doctype/*/*.json")
		if json.loads(p.read_text()).get("istable")
	}
	assert children == set(access.CHILD_PARENTS)


def _whitelisted_functions():
	for path in sorted((ROOT / "kdf_app").rglob("*.py")):
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in ast.walk(tree):
			if isinstance(node, ast.FunctionDef) and any(
				"whitelist" in ast.unparse(d) for d in node.decorator_list
			):
				yield path.relative_to(ROOT), node


def test_every_whitelisted_method_is_fully_typed():
	"""hooks.require_type_annotated_api_methods enforces this from Frappe v16; here it holds already."""
	found = list(_whitelisted_functions())
	assert len(found) >= 10
	missing = [
		f"{path}:{node.name}({a.arg})"
		for path, node in found
		for a in node.args.args + node.args.kwonlyargs
		if a.arg not in ("self", "cls") and a.annotation is None
	]
	assert missing == []
