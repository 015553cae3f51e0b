"""Status values exist once, in kdf_app.core: the doctypes' Select options are exactly the core constants, and
every status literal left in desk scripts and templates is one of them (a renamed status breaks this test)."""

import json
import pathlib
import re

from kdf_app.kdf_advice.core import cases
from kdf_app.kdf_members.core import members
from kdf_app.kdf_programmes.core import cancellation, sessions

ROOT = pathlib.Path(__file__).resolve().parents[1] / "kdf_app"


def doctype_json(doctype: str) -> pathlib.Path:
	"""A doctype's JSON in whichever module (kdf_app/<module>/doctype/<folder>/) it lives."""
	folder = doctype.lower().replace(" ", "_")
	(path,) = ROOT.glob(f"*/doctype/{folder}/{folder}.json")
	return path


def options(doctype: str, field: str) -> list[str]:
	meta = json.loads(doctype_json(doctype).read_text(encoding="utf-8"))
	(df,) = [f for f in meta["fields"] if f["fieldname"] == field]
	return [o for o in (df.get("options") or "").split("\n") if o]


def test_select_options_are_the_core_constants():
	assert options("Registration", "status") == list(sessions.REGISTRATION_STATUSES)
	assert options("Topplederprogram Session", "status") == list(sessions.SESSION_STATUSES)
	assert options("Topplederprogram Session", "kind") == list(sessions.KINDS)
	assert options("Mentoring Case", "status") == list(cases.STATUSES)
	assert options("Member", "membership_status") == list(members.STATUSES)
	assert options("Mentoring Case", "case_type") == list(cases.CASE_TYPES)
	assert options("KDF Settings", "member_cancellation_cutoff") == list(cancellation.CUTOFF_RULES)
	assert options("KDF Settings", "late_cancellation_charge") == list(cancellation.CHARGES)
	assert set(options("Registration", "late_charge")) == {
		cancellation.CHARGE_FULL,
		cancellation.CHARGE_PACKAGE,
	}


def test_defaults_are_core_constants():
	path = doctype_json("Topplederprogram Session")
	(status,) = [f for f in json.loads(path.read_text())["fields"] if f["fieldname"] == "status"]
	assert status["default"] == sessions.DRAFT


KNOWN = (
	set(sessions.REGISTRATION_STATUSES)
	| set(sessions.SESSION_STATUSES)
	| set(cases.STATUSES)
	| set(members.STATUSES)
)
# Norwegian status-like words that would be a status typed by hand if they appeared in quotes
SUSPECT = re.compile(
	r"[\"'](Bekreftet|Venteliste|Avmeldt|Deltok|Ikke møtt|Utkast|Åpen for påmelding|Full|"
	r"Påmelding stengt|Gjennomført|Avlyst|Mottatt|Under vurdering|Tildelt|Aktiv|Avsluttet|Avvist|Utmeldt)[\"']"
)


def test_status_literals_in_python_live_in_core_only():
	offenders = []
	for path in ROOT.rglob("*.py"):
		rel = path.relative_to(ROOT)
		if {"core", "tests", "patches"} & set(rel.parts[:-1]) or path.name.startswith("test_"):
			continue
		offenders += [f"{rel}: {m.group(0)}" for m in SUSPECT.finditer(path.read_text(encoding="utf-8"))]
	assert offenders == []


def test_status_literals_in_scripts_and_templates_are_known():
	for path in [*ROOT.rglob("*.js"), *ROOT.rglob("*.html")]:
		for m in SUSPECT.finditer(path.read_text(encoding="utf-8")):
			assert m.group(1) in KNOWN, f"{path}: {m.group(0)}"
