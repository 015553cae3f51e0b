"""The house's layout, checked from the sources (issue 20): one Frappe module per domain with its layers inside,
pure rules that never import Frappe, no import circle, no file too big to read."""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
APP = ROOT / "kdf_app"
MAX_LINES = 600


def app_modules() -> dict[str, pathlib.Path]:
	found = {}
	for path in APP.rglob("*.py"):
		parts = list(path.relative_to(ROOT).with_suffix("").parts)
		if "tests" in parts or parts[-1].startswith("test_"):
			continue
		if parts[-1] == "__init__":
			parts = parts[:-1]
		found[".".join(parts)] = path
	return found


def imports(path: pathlib.Path, known: dict) -> set[str]:
	"""Every kdf_app module this file imports, also inside functions (a lazy import still ties the two)."""
	out = set()
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
		if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			for alias in node.names:
				full = f"{node.module}.{alias.name}"
				out.add(full if full in known else node.module)
		elif isinstance(node, ast.Import):
			out |= {a.name for a in node.names}
	return {m for m in out if m in known}


def test_the_domains_are_frappe_modules_with_their_layers():
	modules = [m for m in (APP / "modules.txt").read_text().splitlines() if m.strip()]
	assert len(modules) >= 6
	for module in modules:
		folder = APP / module.lower().replace(" ", "_")
		assert (folder / "__init__.py").exists(), folder
		assert (folder / "core").is_dir() and (folder / "services").is_dir(), folder


def test_pure_rules_never_import_frappe():
	offenders = []
	for name, path in app_modules().items():
		if ".core." not in f".{name}." and not name.startswith("kdf_app.demo.people"):
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			names = (
				[a.name for a in node.names]
				if isinstance(node, ast.Import)
				else [node.module or ""]
				if isinstance(node, ast.ImportFrom)
				else []
			)
			offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("frappe", "erpnext")]
			offenders += [f"{name}: {n}" for n in names if ".services" in n or n.startswith("kdf_app.api")]
	assert offenders == []


def test_services_do_not_import_reports_pages_or_endpoints():
	"""A report, a portal page or an endpoint calls a service, never the other way round."""
	known = app_modules()
	offenders = [
		f"{name} -> {target}"
		for name, path in known.items()
		if ".services." in f".{name}."
		for target in imports(path, known)
		if ".report." in target or target.startswith(("kdf_app.www", "kdf_app.api"))
	]
	assert offenders == []


def test_no_import_circle():
	known = app_modules()
	graph = {name: imports(path, known) for name, path in known.items()}
	index, low, stack, on_stack, circles = {}, {}, [], set(), []

	def visit(v):  # Tarjan's strongly connected components
		index[v] = low[v] = len(index)
		stack.append(v)
		on_stack.add(v)
		for w in graph[v]:
			if w not in index:
				visit(w)
				low[v] = min(low[v], low[w])
			elif w in on_stack:
				low[v] = min(low[v], index[w])
		if low[v] == index[v]:
			component = []
			while True:
				w = stack.pop()
				on_stack.discard(w)
				component.append(w)
				if w == v:
					break
			if len(component) > 1:
				circles.append(sorted(component))

	for v in graph:
		if v not in index:
			visit(v)
	assert circles == []


def test_no_python_file_outside_tests_is_too_big_to_read():
	big = {
		str(p.relative_to(ROOT)): n
		for p in app_modules().values()
		if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
	}
	assert big == {}
