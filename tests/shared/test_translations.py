"""Every user-facing message marked for translation has a Norwegian (bokmål) translation."""

import ast
import csv
import json
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "kdf_app"
PY = re.compile(r"""(?<![\w.])_\(\s*(?P<q>["'])(?P<msg>(?:\\.|(?!(?P=q)).)+)(?P=q)\s*[,)]""")
JS = re.compile(r"""__\(\s*(?P<q>["'])(?P<msg>(?:\\.|(?!(?P=q)).)+)(?P=q)\s*[,)]""")


def messages():
	found = {}
	for path in APP.rglob("*"):
		if path.suffix not in (".py", ".js", ".html") or "test" in path.name:
			continue
		text = path.read_text(encoding="utf-8")
		for rx in (PY, JS) if path.suffix != ".py" else (PY,):
			for m in rx.finditer(text):
				found.setdefault(m.group("msg").replace("\\'", "'").replace('\\"', '"'), path.name)
	for path in APP.glob("*/*/*/*.json"):
		doc = json.loads(path.read_text(encoding="utf-8"))
		if doc.get("doctype") not in ("DocType", "Report", "Workspace"):
			continue
		found.setdefault(doc["name"], path.name)
		for f in doc.get("fields", []):
			for key in ("label", "description"):
				if f.get(key):
					found.setdefault(f[key], path.name)
		for link in doc.get("links", []) + doc.get("shortcuts", []):
			# workspace links and shortcuts carry a label; a doctype's connections a group
			for key in ("label", "group"):
				if link.get(key):
					found.setdefault(link[key], path.name)
	# labels of the custom fields kdf_app adds to ERPNext's doctypes (dict literals in kdf_app/setup/)
	for path in sorted((APP / "setup").glob("*.py")):
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if isinstance(node, ast.Dict):
				for key, value in zip(node.keys, node.values, strict=True):
					if getattr(key, "value", None) in ("label", "description") and isinstance(
						value, ast.Constant
					):
						found.setdefault(value.value, f"setup/{path.name}")
	return found


def translations(lang):
	with (APP / "translations" / f"{lang}.csv").open(encoding="utf-8") as f:
		return {row[0]: row[1] for row in csv.reader(f) if row}


def test_every_marked_message_has_a_bokmal_translation():
	nb = translations("nb")
	missing = {msg: where for msg, where in messages().items() if not nb.get(msg)}
	assert not missing, f"{len(missing)} messages lack an nb translation: {missing}"
	assert len(messages()) > 20  # the scan itself found the messages


def test_translations_keep_their_placeholders():
	for source, target in translations("nb").items():
		assert sorted(re.findall(r"\{\d\}", source)) == sorted(re.findall(r"\{\d\}", target)), source


def test_frappe_norwegian_code_points_to_the_same_file():
	assert translations("no") == translations("nb")
