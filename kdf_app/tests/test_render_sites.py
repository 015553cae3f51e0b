"""Every place where the installed frappe and erpnext render templates or run sandboxed code is classified:
through the guarded sandbox (kdf_app.kdf_privacy.services.sandbox), or recorded as harmless with a reason. A new render
site of an upgrade that builds its own Jinja environment fails here until someone decides about it."""

import ast
import inspect
import pathlib

import frappe
from frappe.tests.utils import FrappeTestCase

# Calls that go through frappe.utils.jinja.get_jenv or frappe.utils.safe_exec.safe_exec, whose globals come from
# get_safe_globals (guarded once by kdf_app.kdf_privacy.services.sandbox.install).
THROUGH_THE_SANDBOX = {
	"render_template",
	"get_jenv",
	"get_template",
	"from_string",
	"safe_exec",
	"validate_template",
}
# Evaluations with the caller's own globals: no data function of Frappe's unless the caller passes
# get_safe_globals(), which is the guarded one.
HARMLESS = {
	"safe_eval": "an expression (depends_on, conditions) with the globals its caller gives; Frappe passes "
	"get_safe_globals() where it passes data functions, and that is the guarded one",
}
# Builders of a Jinja environment of their own: only Frappe's one choke point may do that.
ENVIRONMENTS = {"Environment", "SandboxedEnvironment", "FrappeSandboxedEnvironment", "Template"}
THE_CHOKE_POINT = ("frappe/utils/jinja.py", "get_jenv")


def _called_name(node: ast.Call) -> str | None:
	f = node.func
	if isinstance(f, ast.Name):
		return f.id
	if isinstance(f, ast.Attribute):
		return f.attr
	return None


def render_sites():
	"""(app, path, function, called) for every render call in the installed frappe and erpnext sources."""
	sites = []
	for app in ("frappe", "erpnext"):
		root = pathlib.Path(frappe.get_app_path(app)).parent
		for path in sorted(pathlib.Path(frappe.get_app_path(app)).rglob("*.py")):
			rel = path.relative_to(root).as_posix()
			if "/tests/" in rel or path.name.startswith("test_") or "/patches/" in rel:
				continue
			try:
				tree = ast.parse(path.read_text(encoding="utf-8"))
			except (SyntaxError, UnicodeDecodeError):
				continue
			jinja_names = {
				a.asname or a.name
				for n in ast.walk(tree)
				if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("jinja2")
				for a in n.names
			}
			for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)] + [
				tree
			]:
				for node in ast.walk(fn) if fn is not tree else ast.iter_child_nodes(tree):
					if not isinstance(node, ast.Call):
						continue
					name = _called_name(node)
					if name in THROUGH_THE_SANDBOX or name in HARMLESS:
						sites.append((app, rel, getattr(fn, "name", "<module>"), name))
					elif name in ENVIRONMENTS and (
						name in jinja_names
						or name == "FrappeSandboxedEnvironment"
						or (
							isinstance(node.func, ast.Attribute)
							and getattr(node.func.value, "id", "") == "jinja2"
						)
					):
						sites.append((app, rel, getattr(fn, "name", "<module>"), name))
	return sorted(set(sites))


class TestRenderSites(FrappeTestCase):
	def test_every_render_site_is_guarded_or_recorded(self):
		sites = render_sites()
		self.assertGreater(len(sites), 50, "the scan found too few render sites to be looking at the sources")
		unclassified = []
		counts = {"through the sandbox": 0, "harmless": 0, "the choke point": 0}
		for _app, rel, function, called in sites:
			if called in ENVIRONMENTS:
				if (rel, function) == THE_CHOKE_POINT:
					counts["the choke point"] += 1
				else:
					unclassified.append(f"{rel}:{function} builds its own Jinja environment ({called})")
			elif called in HARMLESS:
				counts["harmless"] += 1
			else:
				counts["through the sandbox"] += 1
		print(f"\nrender sites in frappe + erpnext: {len(sites)} ({counts})")
		self.assertFalse(unclassified, "\n".join(unclassified))

	def test_the_choke_point_is_where_frappe_takes_its_globals(self):
		"""get_jenv and safe_exec take get_safe_globals from frappe.utils.safe_exec at call time, so the wrapper
		is what they get; if an upgrade changes that, this fails."""
		import frappe.utils.jinja as jinja
		import frappe.utils.safe_exec as safe_exec

		self.assertTrue(getattr(safe_exec.get_safe_globals, "_kdf_guarded", False))
		jenv_source = inspect.getsource(jinja.get_jenv)
		self.assertIn("from frappe.utils.safe_exec import", jenv_source)
		self.assertIn("get_safe_globals()", jenv_source)
		self.assertNotIn(
			"get_safe_globals", jinja.__dict__, "get_jenv would keep Frappe's unguarded function"
		)
		self.assertIn("get_safe_globals()", inspect.getsource(safe_exec.safe_exec))

	def test_a_fresh_environment_is_guarded_for_a_user_who_is_not_system_manager(self):
		from frappe.utils.jinja import get_jenv

		frappe.local.jenv = None
		env = get_jenv()
		user = frappe.db.get_value("User", {"user_type": "Website User", "enabled": 1}) or "Guest"
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError):
				env.globals["frappe"]["db"]["sql"]("select name from `tabMember`")
			with self.assertRaises(frappe.PermissionError):
				env.globals["frappe"]["qb"].from_("Member")
		finally:
			frappe.set_user("Administrator")
		self.assertIsNotNone(env.globals["frappe"]["db"]["sql"]("select name from `tabMember` limit 1"))
