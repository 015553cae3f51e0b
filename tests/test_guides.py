"""The README and the guides in docs/ name only what exists. Plain pytest, never imports Frappe.

The convention the guides follow (docs/development.md, "Writing the guides"):

- *Italics* are kept for names the system knows: a doctype, report, print format, workspace, number card,
  dashboard chart or role of kdf_app (read here from the app's own JSON, wherever the module folders put it), or
  a Frappe/ERPNext name on the small list below. A path into a form or workspace, *KDF Settings → Cancellations →
  Late Cancellation Charge*, names a kdf_app doctype or workspace first and then labels it has (sections, fields,
  cards, links). What the user reads on the screen in Norwegian is quoted «like this», buttons are **bold**.
- A bench command in code (`bench --site SITE kdf-demo`) is one of kdf_app's (its commands.py) or one of
  Frappe's below; a dotted name `kdf_app.<module>.<name>` is a module of the app and a name defined in it; a
  code span `kdf-…` is a command or one of the e-mail templates the app creates; a path in code into e2e/,
  benchmarks/, .ci/, docs/, tests/ or kdf_app/ (or a module's folder: `kdf_advice/core/cases.py`) exists.
- Every relative link and image points at a file that exists (and at a heading of it, when it names one).
- The README is one screen: at most 200 lines, and it links every guide.
"""

import ast
import json
import os
import pathlib
import re

import pytest


def _root() -> pathlib.Path:
	here = pathlib.Path(__file__).resolve().parent
	while not ((here / "README.md").exists() and (here / "kdf_app").is_dir()):
		if here.parent == here:
			raise RuntimeError("the repository root (README.md beside kdf_app/) was not found")
		here = here.parent
	return here


ROOT = _root()
APP = ROOT / "kdf_app"
README = ROOT / "README.md"
README_MAX_LINES = 200
ARROW = " → "

# Frappe's and ERPNext's names the guides use in italics (checked against a bench's sources when one is here:
# test_platform_names_exist_in_the_bench).
PLATFORM = {
	"DocType": {
		"Accounts Settings",
		"Address",
		"Auto Repeat",
		"Bank Account",
		"Bank Reconciliation Tool",
		"Bank Transaction",
		"Cheque Print Template",
		"Comment",
		"Communication",
		"Company",
		"Contact",
		"Cost Center",
		"Customer",
		"Customer Group",
		"Data Import",
		"Deleted Document",
		"Dunning",
		"Dunning Type",
		"Email Account",
		"Email Group",
		"Email Queue",
		"Email Template",
		"Email Unsubscribe",
		"Error Log",
		"File",
		"Item",
		"Item Tax Template",
		"Letter Head",
		"Module Onboarding",
		"Module Profile",
		"Newsletter",
		"Notification",
		"Payment Entry",
		"Payment Request",
		"Payment Terms Template",
		"Portal Settings",
		"Price List",
		"Print Format",
		"Process Statement Of Accounts",
		"Role Profile",
		"Sales Invoice",
		"Sales Taxes and Charges Template",
		"System Settings",
		"Terms and Conditions",
		"User",
		"Version",
		"Website Settings",
	},
	"Report": {"Accounts Receivable", "General Ledger", "Profit and Loss Statement", "Sales Register"},
	"Role": {
		"Accounts Manager",
		"Accounts User",
		"Customer",
		"Newsletter Manager",
		"Sales User",
		"System Manager",
	},
}
# bench's and Frappe's commands the guides use (kdf_app's own are read from its commands.py)
BENCH_COMMANDS = {
	"backup",
	"disable-scheduler",
	"doctor",
	"drop-site",
	"enable-scheduler",
	"get-app",
	"install-app",
	"migrate",
	"new-site",
	"restore",
	"run-tests",
	"serve",
	"set-config",
	"setup",
	"start",
	"uninstall-app",
	"update",
	"worker",
}
# paths in code that must exist: from the repository's root, and from the app's package (a module's folder)
CHECKED_PATHS = (
	(re.compile(r"^(?:e2e|benchmarks|\.ci|docs|tests|kdf_app)/[\w./-]*$"), ROOT),
	(
		re.compile(
			r"^(?:shared|kdf_members|kdf_programmes|kdf_billing|kdf_advice|kdf_privacy|api|custom|demo|setup"
			r"|www|templates|public|translations|patches)/[\w./-]*$"
		),
		APP,
	),
)


# --- what exists ----------------------------------------------------------------------------------------------
def _records(folder: str, doctype: str) -> list[dict]:
	found = []
	for path in sorted(APP.glob(f"**/{folder}/*/*.json")):
		data = json.loads(path.read_text(encoding="utf-8"))
		if isinstance(data, dict) and data.get("doctype") == doctype and data.get("name"):
			found.append(data)
	return found


def _labels(record: dict) -> set[str]:
	"""The labels a path may name after a doctype (its fields and sections) or a workspace (cards, links)."""
	rows = record.get("fields", []) + record.get("links", []) + record.get("shortcuts", [])
	return {r["label"] for r in rows if r.get("label")}


def known_names() -> tuple[set[str], dict[str, set[str]]]:
	"""(every name italics may use, {doctype or workspace of kdf_app: its labels})."""
	names, paths = set(), {}
	for folder, doctype in (
		("doctype", "DocType"),
		("report", "Report"),
		("print_format", "Print Format"),
		("workspace", "Workspace"),
		("number_card", "Number Card"),
		("dashboard_chart", "Dashboard Chart"),
	):
		for record in _records(folder, doctype):
			names.add(record["name"])
			if doctype in ("DocType", "Workspace"):
				paths[record["name"]] = _labels(record)
	names |= app_roles()
	for group in PLATFORM.values():
		names |= group
	return names, paths


def app_roles() -> set[str]:
	"""KDF's roles: the ``ROLES`` of the app's roles module (``Role(NAME, …)``), or a Frappe fixture role.json."""
	found = set()
	for path in APP.glob("**/roles.py"):
		tree = ast.parse(path.read_text(encoding="utf-8"))
		constants = {
			t.id: n.value.value
			for n in tree.body
			if isinstance(n, ast.Assign)
			and isinstance(n.value, ast.Constant)
			and isinstance(n.value.value, str)
			for t in n.targets
			if isinstance(t, ast.Name)
		}
		for n in tree.body:
			if isinstance(n, ast.Assign) and any(
				isinstance(t, ast.Name) and t.id == "ROLES" for t in n.targets
			):
				for call in ast.walk(n.value):
					if isinstance(call, ast.Call) and call.args:
						first = call.args[0]
						if isinstance(first, ast.Name) and first.id in constants:
							found.add(constants[first.id])
						elif isinstance(first, ast.Constant) and isinstance(first.value, str):
							found.add(first.value)
	for path in APP.glob("**/role.json"):
		found |= {
			r["name"] for r in json.loads(path.read_text(encoding="utf-8")) if r.get("doctype") == "Role"
		}
	return found


def app_commands() -> set[str]:
	found = set()
	for path in [*APP.glob("commands.py"), *APP.glob("commands/*.py")]:
		found |= set(
			re.findall(r"""@click\.command\(\s*["']([\w-]+)["']""", path.read_text(encoding="utf-8"))
		)
	return found


def email_templates() -> set[str]:
	found = set()
	for path in APP.glob("**/email_templates.json"):
		found |= {t["name"] for t in json.loads(path.read_text(encoding="utf-8"))}
	return found


def defined_in(path: pathlib.Path) -> set[str]:
	"""The names a Python file defines at its top level (functions, classes, assignments, imports)."""
	found = set()
	for node in ast.parse(path.read_text(encoding="utf-8")).body:
		if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
			found.add(node.name)
		elif isinstance(node, ast.Assign | ast.AnnAssign):
			targets = node.targets if isinstance(node, ast.Assign) else [node.target]
			for target in targets:
				found |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
		elif isinstance(node, ast.Import | ast.ImportFrom):
			found |= {(a.asname or a.name).split(".")[0] for a in node.names}
	return found


def dotted_problem(name: str) -> str | None:
	"""Why ``kdf_app.x.y.z`` names no module of the app or nothing in it (None when it does)."""
	parts = name.split(".")
	for i in range(len(parts), 0, -1):
		base = ROOT.joinpath(*parts[:i])
		module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
		if module.is_file():
			rest = parts[i:]
			if rest and rest[0] not in defined_in(module):
				return f"{name}: {module.relative_to(ROOT)} defines no {rest[0]}"
			return None
	return f"{name}: no such module"


# --- reading Markdown -----------------------------------------------------------------------------------------
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
ITALIC = re.compile(
	r"(?<![*\w\\])\*(?![*\s])([^*\n]+?)(?<![\s\\])\*(?![*\w])|(?<![\w\\])_(?![_\s])([^_\n]+?)(?<!\s)_(?!\w)"
)
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)|(?:src|href)=\"([^\"]+)\"")
COMMAND = re.compile(r"(?:^|[\s;(&|])(?:sudo\s+)?bench\s+(?:--site\s+\S+\s+)?([A-Za-z][\w-]*)")
DOTTED = re.compile(r"\bkdf_app(?:\.\w+)+")


def guides() -> list[pathlib.Path]:
	return [README, *sorted((ROOT / "docs").rglob("*.md"))]


def parts(text: str):
	"""Per line: (line number, prose without code, [code in it]). Fenced blocks are code; HTML comments go."""
	text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
	fence = None
	for number, line in enumerate(text.splitlines(), 1):
		stripped = line.strip()
		if fence:
			if stripped.startswith(fence):
				fence = None
			else:
				yield number, "", [line]
			continue
		opening = re.match(r"(`{3,}|~{3,})", stripped)
		if opening:
			fence = opening.group(1)
			continue
		if (
			line.startswith(("    ", "\t"))
			and stripped
			and not stripped.startswith(("-", "*", "|", "<", "!"))
		):
			yield number, "", [line]  # an indented code block (inside a list it is prose, so lists are left)
			continue
		code = [m.group(2) for m in INLINE_CODE.finditer(line)]
		yield number, INLINE_CODE.sub(" ", line), code


def slug(heading: str) -> str:
	"""GitHub's anchor for a heading."""
	text = re.sub(r"[`*_]|!?\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip().lower())
	return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: pathlib.Path) -> set[str]:
	found, seen = set(), {}
	for _number, prose, _code in parts(path.read_text(encoding="utf-8")):
		heading = re.match(r"#{1,6}\s+(.*)", prose)
		if heading:
			base = slug(heading.group(1))
			count = seen.get(base, 0)
			seen[base] = count + 1
			found.add(base if not count else f"{base}-{count}")
	return found


# --- the checks -----------------------------------------------------------------------------------------------
def italic_problem(name: str, names: set[str], paths: dict[str, set[str]], bench: dict | None) -> str | None:
	"""Why an italic name is not one the system knows (None when it is)."""
	if ARROW not in name:
		return None if name in names else f"*{name}* is not a name of kdf_app or of the platform list"
	head, *rest = name.split(ARROW)
	if head in paths:
		missing = [p for p in rest if p not in paths[head]]
		return f"*{name}*: {head} has no {', '.join(missing)}" if missing else None
	if head in PLATFORM["DocType"]:
		if bench is None:
			return None
		missing = [p for p in rest if p not in bench.get(head, set())]
		return f"*{name}*: {head} (in the bench) has no {', '.join(missing)}" if missing else None
	return f"*{name}*: {head} is no doctype or workspace"


def code_problems(code: str, commands: set[str], templates: set[str]) -> list[str]:
	problems = []
	for m in COMMAND.finditer(code):
		if m.group(1) not in commands | BENCH_COMMANDS:
			problems.append(f"bench {m.group(1)}: no such command")
	for token in re.split(r"[\s,;()\[\]'\"=]+", code):
		token = token.rstrip(".:")
		if re.fullmatch(r"kdf-[a-z0-9-]+", token) and token not in commands | templates:
			problems.append(f"{token}: neither a command nor an e-mail template")
		for pattern, base in CHECKED_PATHS:
			if pattern.match(token) and "*" not in token and not (base / token).exists():
				problems.append(f"{token}: no such file or folder")
	return problems


def link_problem(path: pathlib.Path, target: str) -> str | None:
	if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", target):
		return None  # http(s), mailto: not ours to check
	file, _, anchor = target.partition("#")
	where = (path.parent / file).resolve() if file else path
	if not where.exists():
		return f"link to {target}: no such file"
	if anchor and where.suffix == ".md" and anchor not in anchors(where):
		return f"link to {target}: {where.name} has no heading #{anchor}"
	return None


def problems_in(path: pathlib.Path, text: str, bench: dict | None = None) -> list[str]:
	names, paths = known_names()
	commands, templates = app_commands(), email_templates()
	found = []
	for number, prose, code in parts(text):
		where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}"
		for m in ITALIC.finditer(prose):
			problem = italic_problem((m.group(1) or m.group(2)).strip(), names, paths, bench)
			if problem:
				found.append(f"{where}: {problem}")
		for m in LINK.finditer(prose):
			problem = link_problem(path, m.group(1) or m.group(2))
			if problem:
				found.append(f"{where}: {problem}")
		for c in code:
			found += [f"{where}: {p}" for p in code_problems(c, commands, templates)]
		for m in DOTTED.finditer(" ".join([prose, *code])):
			problem = dotted_problem(m.group(0))
			if problem:
				found.append(f"{where}: {problem}")
	return found


def bench_apps() -> pathlib.Path | None:
	apps = pathlib.Path(os.environ.get("FRAPPE_BENCH", pathlib.Path.home() / "frappe-bench")) / "apps"
	return apps if (apps / "frappe").is_dir() and (apps / "erpnext").is_dir() else None


def bench_doctypes(apps: pathlib.Path) -> dict[str, set[str]]:
	found = {}
	for app in ("frappe", "erpnext"):
		for path in (apps / app).glob(f"{app}/*/doctype/*/*.json"):
			if path.stem != path.parent.name:
				continue
			data = json.loads(path.read_text(encoding="utf-8"))
			if isinstance(data, dict) and data.get("doctype") == "DocType":
				found[data["name"]] = _labels(data)
	return found


# --- the tests ------------------------------------------------------------------------------------------------
def test_the_readme_is_one_screen():
	lines = README.read_text(encoding="utf-8").splitlines()
	assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines, at most {README_MAX_LINES}"


def test_the_readme_links_every_guide():
	readme = README.read_text(encoding="utf-8")
	missing = [p.name for p in sorted((ROOT / "docs").glob("*.md")) if f"docs/{p.name}" not in readme]
	assert not missing, f"guides the README does not link: {missing}"


@pytest.mark.parametrize("path", guides(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_guide_names_only_what_exists(path):
	apps = bench_apps()
	problems = problems_in(path, path.read_text(encoding="utf-8"), bench_doctypes(apps) if apps else None)
	assert not problems, "\n".join(problems)


def test_the_names_are_read_from_the_app():
	names, paths = known_names()
	# one of each kind, so a glob that stops finding the app's JSON (after a move) fails here, not silently
	for name in ("Member", "Tenure and Turnover", "Deltakerliste", "KDF", "Active Members", "Next Sessions"):
		assert name in names
	assert "Hours to Confirm an Open-Session Registration" in paths["KDF Settings"]
	assert {
		"KDF Sekretariat",
		"KDF Medlem",
		"KDF Saksbehandler",
		"KDF Mentor",
		"KDF Forskningsuttrekk",
	} <= app_roles()
	assert {"kdf-demo", "kdf-rotate-case-key"} <= app_commands()
	assert "kdf-member-invitation" in email_templates()
	assert dotted_problem("kdf_app.api.registration.register_guest") is None


@pytest.mark.parametrize(
	"text,problem",
	[
		("Open *Member Turnovers*.", "*Member Turnovers* is not a name"),
		("Set *KDF Settings → Hours to Confirm*.", "KDF Settings has no Hours to Confirm"),
		("Open *KDF → Members → Bank*.", "KDF has no Bank"),
		("*Nobody → Field*", "Nobody is no doctype or workspace"),
		("Run `bench --site x kdf-demos`.", "bench kdf-demos: no such command"),
		("```\nbench --site your.site migrat\n```", "bench migrat: no such command"),
		("Calls `kdf_app.api.registration.register_guests`.", "registration.py defines no register_guests"),
		("Calls kdf_app.nothing.x.", "kdf_app.nothing.x: kdf_app/__init__.py defines no nothing"),
		("Read `kdf_advice/core/nothing.py`.", "kdf_advice/core/nothing.py: no such file"),
		("Template `kdf-member-invite`.", "neither a command nor an e-mail template"),
		("Run `python e2e/no_such_walk.py`.", "e2e/no_such_walk.py: no such file"),
		("![x](screenshots/none.png)", "no such file"),
		("See [the guide](secretariat.md#no-such-heading).", "has no heading #no-such-heading"),
	],
)
def test_the_checker_finds_a_wrong_name(text, problem):
	found = problems_in(ROOT / "docs" / "example.md", text)
	assert any(problem in p for p in found), found


@pytest.mark.parametrize(
	"text",
	[
		"Open *Member*, *KDF Settings → Cancellations → Late Cancellation Charge* and *KDF → Setup*.",
		"Press **Create Invoices** («Lag fakturaer»); the status is «Bekreftet».",
		"`bench --site your.site kdf-demo`, `kdf_app.api.registration.register_guest`, `kdf-member-invitation`",
		"Code is not checked for italics: `*nothing*`, and a list:\n* item\n- item",
	],
)
def test_the_checker_passes_right_names(text):
	assert problems_in(ROOT / "docs" / "example.md", text) == []


def test_platform_names_exist_in_the_bench():
	apps = bench_apps()
	if apps is None:
		pytest.skip("no bench with frappe and erpnext at $FRAPPE_BENCH or ~/frappe-bench")
	doctypes = bench_doctypes(apps)
	missing = sorted(PLATFORM["DocType"] - set(doctypes))
	sources = {
		"Report": [
			p.stem for app in ("frappe", "erpnext") for p in (apps / app).glob(f"{app}/*/report/*/*.json")
		],
	}
	for kind, stems in sources.items():
		missing += [n for n in PLATFORM[kind] if n.lower().replace(" ", "_") not in stems]
	text = " ".join(
		p.read_text(encoding="utf-8", errors="ignore")
		for app in ("frappe", "erpnext")
		for p in (apps / app).glob(f"{app}/*/doctype/*/*.json")
	)
	missing += [r for r in PLATFORM["Role"] if f'"role": "{r}"' not in text]
	assert not missing, f"not in the bench's Frappe/ERPNext: {missing}"
