"""Run ISO Schematron rules with queryBinding xslt2 (the official EN 16931 and Peppol BIS 3 rules).

The .sch file is compiled to an XSLT 3.0 stylesheet (one mode per pattern, one template per rule, the first
matching rule of a pattern wins, as in the ISO skeleton) and run by SaxonC-HE (``saxonche``). No framework."""

import hashlib
import tempfile
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"


@dataclass(frozen=True)
class Finding:
	rule_id: str
	flag: str  # fatal | warning | information
	location: str
	text: str


def compile_schematron(sch_path: str | Path) -> bytes:
	"""Return the XSLT 3.0 stylesheet for a Schematron schema (no includes or abstract patterns)."""
	schema = etree.parse(str(sch_path)).getroot()
	nsmap = {"xsl": XSL, "svrl": SVRL}
	for ns in schema.iter(f"{{{SCH}}}ns"):
		nsmap[ns.get("prefix")] = ns.get("uri")
	root = etree.Element(f"{{{XSL}}}stylesheet", nsmap=nsmap, version="3.0")
	etree.SubElement(root, f"{{{XSL}}}output", method="xml", indent="no")
	for child in schema:
		if isinstance(child.tag, str) and etree.QName(child).namespace == XSL:
			root.append(deepcopy(child))  # xsl:function and friends
	patterns = schema.findall(f"{{{SCH}}}pattern")
	# schema- and pattern-level lets are global variables (as in the ISO skeleton)
	for let in [*schema.findall(f"{{{SCH}}}let"), *(x for p in patterns for x in p.findall(f"{{{SCH}}}let"))]:
		etree.SubElement(root, f"{{{XSL}}}variable", name=let.get("name"), select=let.get("value"))
	main = etree.SubElement(root, f"{{{XSL}}}template", match="/")
	out = etree.SubElement(main, f"{{{SVRL}}}schematron-output")
	for i, _ in enumerate(patterns):
		etree.SubElement(out, f"{{{XSL}}}apply-templates", select="/", mode=f"M{i}")
	for i, pattern in enumerate(patterns):
		mode = f"M{i}"
		rules = pattern.findall(f"{{{SCH}}}rule")
		for j, rule in enumerate(rules):
			t = etree.SubElement(
				root,
				f"{{{XSL}}}template",
				match=rule.get("context"),
				mode=mode,
				priority=str(1000 + len(rules) - j),
			)
			for let in rule.findall(f"{{{SCH}}}let"):
				etree.SubElement(t, f"{{{XSL}}}variable", name=let.get("name"), select=let.get("value"))
			for kind in ("assert", "report"):
				for a in rule.findall(f"{{{SCH}}}{kind}"):
					test = a.get("test") if kind == "report" else f"not({a.get('test')})"
					cond = etree.SubElement(t, f"{{{XSL}}}if", test=test)
					fa = etree.SubElement(
						cond, f"{{{SVRL}}}failed-assert", id=a.get("id") or "", flag=a.get("flag") or "fatal"
					)
					loc = etree.SubElement(fa, f"{{{XSL}}}attribute", name="location")
					etree.SubElement(loc, f"{{{XSL}}}value-of", select="path()")
					etree.SubElement(fa, f"{{{SVRL}}}text").text = " ".join("".join(a.itertext()).split())
			etree.SubElement(t, f"{{{XSL}}}apply-templates", select="@*|node()", mode=mode)
		etree.SubElement(root, f"{{{XSL}}}template", match="text()", mode=mode, priority="-1")
		rest = etree.SubElement(root, f"{{{XSL}}}template", match="@*|node()", mode=mode, priority="-2")
		etree.SubElement(rest, f"{{{XSL}}}apply-templates", select="@*|node()", mode=mode)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class Validator:
	"""Compiled rules, ready to check many documents."""

	def __init__(self, sch_paths):
		from saxonche import PySaxonProcessor

		self._proc = PySaxonProcessor(license=False)
		self._xslt = self._proc.new_xslt30_processor()
		self._executables = [
			self._xslt.compile_stylesheet(stylesheet_file=str(_compiled(Path(p)))) for p in sch_paths
		]

	def validate(self, xml: bytes | str) -> list[Finding]:
		text = xml.decode("utf-8") if isinstance(xml, bytes) else xml
		node = self._proc.parse_xml(xml_text=text)
		findings = []
		for executable in self._executables:
			executable.set_global_context_item(xdm_item=node)
			report = executable.transform_to_string(xdm_node=node)
			for fa in etree.fromstring(report.encode("utf-8")).iter(f"{{{SVRL}}}failed-assert"):
				findings.append(
					Finding(
						fa.get("id"), fa.get("flag"), fa.get("location"), fa.findtext(f"{{{SVRL}}}text") or ""
					)
				)
		return findings


def _compiled(sch: Path) -> Path:
	digest = hashlib.sha256(sch.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]
	target = Path(tempfile.gettempdir()) / f"kdf-schematron-{sch.stem}-{digest}.xsl"
	if not target.exists():
		target.write_bytes(compile_schematron(sch))
	return target


@lru_cache(maxsize=4)
def peppol_validator(rules_dir: str) -> Validator:
	"""CEN EN 16931 (UBL) + Peppol BIS Billing 3.0 (incl. the Norwegian NO-R rules)."""
	base = Path(rules_dir)
	return Validator([base / "CEN-EN16931-UBL.sch", base / "PEPPOL-EN16931-UBL.sch"])


def fatal(findings: list[Finding]) -> list[Finding]:
	return [f for f in findings if f.flag == "fatal"]
