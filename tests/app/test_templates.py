"""Every value a portal template prints is escaped: a secretariat- or member-entered string must never
become markup in a member's browser (attribute or tag injection)."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2] / "kdf_app"
TEMPLATES = sorted(
	[
		*ROOT.glob("www/**/*.html"),
		*ROOT.glob("templates/**/*.html"),
		*ROOT.glob("*/doctype/*/templates/*.html"),
	]
)
EXPRESSION = re.compile(r"{{(.*?)}}", re.S)

# Safe by construction: translations of our own strings, Frappe's formatters (numbers and dates) and our own
# format_nok (digits, comma and no-break spaces) and format_date_no (digits and month names), JSON for
# scripts, and Text Editor fields, which Frappe sanitises on save (bleach) — listed by name, nothing else.
SAFE = (
	re.compile(r"^_\((\"[^\"]*\"|'[^']*')\)(\.format\((.*)\))?$", re.S),
	re.compile(
		r"^(frappe\.(format|utils\.format_datetime|utils\.formatdate|utils\.fmt_money)|format_nok|format_date_no)\("
	),
	# our own macros, whose insides this test checks too (templates/includes/kdf_session_state.html)
	re.compile(r"^(state_badge|state_text)\("),
	re.compile(r"\|\s*tojson$"),
	re.compile(r"\|\s*e$"),
)
SANITISED_HTML = {"session.introduction", "session.practical_information"}


def _unsafe_arguments(args: str) -> bool:
	"""In ``_("…").format(a, b)`` every argument must itself be escaped or a formatter."""
	return any(
		a.strip()
		and not any(p.search(a.strip()) for p in SAFE[1:])
		and not re.match(r"^[\w.]+\|e$", a.strip())
		and not re.match(r"^_\(", a.strip())
		and not re.match(r"^[\w.]+\.(waitlist_position|free_seats|capacity)", a.strip())
		for a in re.split(r",(?![^(]*\))", args)
	)


def unescaped(text: str) -> list[str]:
	found = []
	for m in EXPRESSION.finditer(text):
		expr = m.group(1).strip()
		if expr in SANITISED_HTML:
			continue
		translated = SAFE[0].match(expr)
		if translated:
			if translated.group(3) and _unsafe_arguments(translated.group(3)):
				found.append(expr)
			continue
		if any(p.search(expr) for p in SAFE[1:]):
			continue
		if re.fullmatch(r"\(?i\.time.*", expr):  # a Time value sliced to HH:MM cannot carry markup
			continue
		found.append(expr)
	return found


def test_templates_are_found():
	assert len(TEMPLATES) >= 4


def test_every_value_in_a_portal_template_is_escaped():
	problems = {str(t.relative_to(ROOT)): unescaped(t.read_text()) for t in TEMPLATES}
	assert {k: v for k, v in problems.items() if v} == {}


def test_the_checker_catches_an_unescaped_value():
	assert unescaped('<input value="{{ default_reference }}">') == ["default_reference"]
	assert unescaped('{{ _("Hi {0}").format(member.name) }}') == ['_("Hi {0}").format(member.name)']
	assert unescaped('{{ _("Hi {0}").format(member.name|e) }}{{ x|e }}') == []


def test_the_portal_writes_dates_and_amounts_one_way():
	"""Dates as 2. desember 2026 and amounts as kr 12 200,00 on every portal page: through format_date_no
	and format_nok, never the site's own date or number format (dd-mm-yyyy, kr 12.200,00)."""
	offenders = [
		f"{path.relative_to(ROOT)}: {m.group(0)}"
		for path in TEMPLATES
		for m in re.finditer(
			r"frappe\.(utils\.)?(fmt_money|formatdate|format_datetime|format_date|format)\(", path.read_text()
		)
	]
	assert offenders == []
