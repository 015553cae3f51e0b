"""Every dotted kdf_app path the app names in a string resolves: hooks, scheduled jobs, enqueued jobs, the desk's
`frappe.call` methods, number cards, reports' and templates' calls. A move of a module (issue 20) that forgets a
caller fails here instead of in a user's browser or a night's job. The paths are read from the sources and the
site, never listed by hand."""

import pathlib
import re

import frappe
from frappe.tests.utils import FrappeTestCase

DOTTED = re.compile(r"[\"'`](kdf_app\.[a-z_][a-z0-9_.]*[a-z0-9_])[\"'`]")


def resolves(path: str) -> bool:
	try:
		frappe.get_attr(path)
		return True
	except Exception:
		try:
			__import__(path)
			return True
		except Exception:
			return False


class TestNamedPaths(FrappeTestCase):
	def test_every_dotted_path_in_the_apps_sources_resolves(self):
		root = pathlib.Path(frappe.get_app_path("kdf_app"))
		named = {}
		for path in root.rglob("*"):
			if path.suffix not in (".py", ".js", ".html", ".json") or "tests" in path.parts:
				continue
			for m in DOTTED.finditer(path.read_text(encoding="utf-8", errors="ignore")):
				named.setdefault(m.group(1), str(path.relative_to(root)))
		self.assertGreater(len(named), 50)
		self.assertEqual({p: f for p, f in named.items() if not resolves(p)}, {})

	def test_every_hook_and_scheduled_job_of_the_app_resolves(self):
		paths = []

		def walk(value):
			if isinstance(value, str) and value.startswith("kdf_app."):
				paths.append(value)
			elif isinstance(value, dict):
				for v in value.values():
					walk(v)
			elif isinstance(value, list | tuple):
				for v in value:
					walk(v)

		walk(frappe.get_hooks(app_name="kdf_app"))
		paths += frappe.get_all("Scheduled Job Type", {"method": ("like", "kdf_app.%")}, pluck="method")
		self.assertGreater(len(paths), 20)
		self.assertEqual([p for p in paths if not p.endswith((".js", ".css")) and not resolves(p)], [])
