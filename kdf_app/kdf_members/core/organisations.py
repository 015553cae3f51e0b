"""The paying organisations: kommuner, fylkeskommuner, bydeler and others.

Parses the official list (CSV with columns ``type,number,name,orgnr,county``) and plans an idempotent
import against what already exists, without touching any database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace

from kdf_app.shared.core.i18n import DomainError, _
from kdf_app.shared.core.numbers import validate_area_number, validate_org_number

# the organisations on the official list (ERPNext Customer groups), in the order lists show them
OFFICIAL_KINDS = ("Kommune", "Fylkeskommune", "Bydel")
KINDS = (*OFFICIAL_KINDS, "Annen")
PUBLIC_KINDS = frozenset(OFFICIAL_KINDS)
CSV_COLUMNS = ("type", "number", "name", "orgnr", "county")


@dataclass(frozen=True)
class Organisation:
	kind: str
	name: str
	org_number: str
	number: str | None = None
	county: str | None = None
	line: int | None = field(default=None, compare=False)  # where it stood in the imported file

	@property
	def display_name(self) -> str:
		"""The customer name: "Oslo kommune", "Agder fylkeskommune"; others as given."""
		suffix = {"Kommune": "kommune", "Fylkeskommune": "fylkeskommune"}.get(self.kind)
		if suffix and not self.name.lower().endswith(suffix):
			return f"{self.name} {suffix}"
		return self.name

	@property
	def send_ehf(self) -> bool:
		"""Public bodies must receive EHF (lov om offentlige anskaffelser); others default to e-mail."""
		return default_send_ehf(self.kind)

	def as_dict(self) -> dict:
		return asdict(self)


@dataclass(frozen=True)
class RejectedRow:
	line: int
	row: Mapping[str, str]
	error: DomainError

	@property
	def reason(self) -> str:
		return self.error.render()


def default_send_ehf(kind: str) -> bool:
	return kind in PUBLIC_KINDS


def make_organisation(kind, name, org_number, number=None, county=None) -> Organisation:
	"""Validate one organisation; raise DomainError on the first problem found."""
	kind = (kind or "").strip()
	if kind not in KINDS:
		raise DomainError(_("Unknown organisation type {0}; expected one of {1}."), kind, ", ".join(KINDS))
	name = (name or "").strip()
	if not name:
		raise DomainError(_("Organisation name is missing."), field="name")
	return Organisation(
		kind=kind,
		name=name,
		org_number=validate_org_number(org_number),
		number=validate_area_number(kind, number),
		county=(county or "").strip() or None,
	)


def parse_rows(rows: Iterable[Mapping[str, str]]) -> tuple[list[Organisation], list[RejectedRow]]:
	"""Validate CSV rows (dicts). Line numbers count the header as line 1.

	Rows with errors and later duplicates (same org number, or same type and number) are rejected
	with a reason; the first occurrence wins."""
	accepted: list[Organisation] = []
	rejected: list[RejectedRow] = []
	seen_orgnr: dict[str, int] = {}
	seen_number: dict[tuple[str, str], int] = {}
	for line, row in enumerate(rows, start=2):
		try:
			missing = [c for c in ("type", "name", "orgnr") if not (row.get(c) or "").strip()]
			if missing:
				raise DomainError(_("Missing value in column(s): {0}."), ", ".join(missing))
			org = make_organisation(
				row.get("type"), row.get("name"), row.get("orgnr"), row.get("number"), row.get("county")
			)
			if org.org_number in seen_orgnr:
				raise DomainError(
					_("Organisation number {0} already appears on line {1}."),
					org.org_number,
					seen_orgnr[org.org_number],
				)
			key = (org.kind, org.number or "")
			if org.number and key in seen_number:
				raise DomainError(
					_("{0} number {1} already appears on line {2}."), org.kind, org.number, seen_number[key]
				)
		except DomainError as e:
			rejected.append(RejectedRow(line, dict(row), e))
			continue
		seen_orgnr[org.org_number] = line
		if org.number:
			seen_number[key] = line
		accepted.append(replace(org, line=line))
	return accepted, rejected


@dataclass(frozen=True)
class ImportAction:
	action: str  # "create" | "update" | "unchanged"
	organisation: Organisation
	existing: str | None = None  # the existing record's id when updating
	changes: tuple[str, ...] = ()


# What the importer owns on an existing record. "send_ehf" and the invoice reference are the
# secretariat's choice once a record exists, so an update never overwrites them.
IMPORT_FIELDS = ("kind", "display_name", "number", "county")


def plan_import(
	organisations: Iterable[Organisation], existing: Mapping[str, Mapping[str, object]]
) -> list[ImportAction]:
	"""Compare parsed organisations with existing records keyed by org number.

	``existing`` maps org number -> {"id", "kind", "display_name", "number", "county"}."""
	plan = []
	for org in organisations:
		current = existing.get(org.org_number)
		if current is None:
			plan.append(ImportAction("create", org))
			continue
		changes = tuple(f for f in IMPORT_FIELDS if (current.get(f) or None) != (getattr(org, f) or None))
		plan.append(ImportAction("update" if changes else "unchanged", org, str(current.get("id")), changes))
	return plan
