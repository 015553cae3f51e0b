"""What goes on a participant's invoice: lines with their VAT category, from a registration's choices."""

from dataclasses import dataclass
from decimal import Decimal

from kdf_app.kdf_members.core.members import TITLES
from kdf_app.kdf_programmes.core.sessions import money, split_package
from kdf_app.shared.core.i18n import DomainError, _

OU_TEXT = "Deltakeravgiften er forhåndsgodkjent for OU-midler (KS). Kost, losji og mva dekkes ikke."

ACCOMMODATION_RATE, FOOD_RATE, STANDARD_RATE = Decimal(12), Decimal(25), Decimal(25)

# A session's invoicing status (Topplederprogram Session.invoicing_status; empty before the first run)
INVOICING_STATUSES = QUEUED, RUNNING, DONE, STOPPED = ("Queued", "Running", "Done", "Stopped")


@dataclass(frozen=True)
class VatSetup:
	registered: bool = False
	fee_taxable: bool = False  # registered only: fee at 25 % instead of exempt

	def category(self, kind: str) -> tuple[str, Decimal]:
		"""(category, percent) for a kind of line: fee, accommodation or food."""
		if not self.registered:
			return "O", Decimal(0)
		if kind == "fee":
			return ("S", STANDARD_RATE) if self.fee_taxable else ("E", Decimal(0))
		if kind == "accommodation":
			return "S", ACCOMMODATION_RATE
		if kind == "food":
			return "S", FOOD_RATE
		raise DomainError(_("Unknown kind of line {0}."), kind)


@dataclass(frozen=True)
class InvoiceLine:
	kind: str  # fee | accommodation | food | extra_night
	item: str
	description: str
	rate: Decimal
	vat_category: str
	vat_percent: Decimal
	discount: Decimal = Decimal(0)
	discount_reason: str | None = None

	@property
	def net_amount(self) -> Decimal:
		return money(self.rate) - money(self.discount)


@dataclass(frozen=True)
class Participation:
	participant: str  # name
	title: str
	session: str  # the session's title
	dates: str  # e.g. "6.–7. september 2023"
	fee: Decimal
	fee_item: str
	package: str | None = None
	package_price: Decimal = Decimal(0)
	package_item: str | None = None
	accommodation_share: Decimal = Decimal(0)
	discount: Decimal = Decimal(0)
	extra_night_price: Decimal = Decimal(0)
	extra_night_item: str | None = None


def invoice_lines(p: Participation, vat: VatSetup) -> list[InvoiceLine]:
	"""Participant fee; the stay package split by VAT rate (accommodation / food) with the combination
	discount as a line allowance shared by the same split; the extra night (accommodation)."""
	who = f"{p.participant}, {p.title} – {p.session} {p.dates}"
	lines = [InvoiceLine("fee", p.fee_item, f"Deltakeravgift: {who}", money(p.fee), *vat.category("fee"))]
	if p.package:
		accommodation, food = split_package(p.package_price, p.accommodation_share)
		discount = min(money(p.discount), money(p.package_price))
		d_acc, d_food = split_package(discount, p.accommodation_share)
		reason = "Fradrag ved deltakelse på både Topplederprogram og Topplederkonferanse"
		parts = [("accommodation", "overnatting", accommodation, d_acc), ("food", "kost", food, d_food)]
		for kind, label, amount, disc in parts:
			if amount:
				lines.append(
					InvoiceLine(
						kind,
						p.package_item,
						f"{p.package} ({label}): {who}",
						amount,
						*vat.category(kind),
						discount=disc,
						discount_reason=reason if disc else None,
					)
				)
	if p.extra_night_price:
		lines.append(
			InvoiceLine(
				"extra_night",
				p.extra_night_item,
				f"Ekstra overnatting før samlingen: {who}",
				money(p.extra_night_price),
				*vat.category("accommodation"),
			)
		)
	return lines


def ou_eligible_amount(lines: list[InvoiceLine]) -> Decimal:
	"""What the municipality can reclaim from KS: the participant fee only, never board, lodging or VAT."""
	return sum((line.net_amount for line in lines if line.kind == "fee"), Decimal(0))


# Every KDF title is a top manager; listed explicitly so a new non-manager title is not refunded by accident.
OU_MANAGER_TITLES = frozenset(TITLES)


def ou_refundable(
	session_ou_approved: bool,
	title: str | None,
	line_kind: str,
	credited: bool,
	leadership_team: bool = False,
) -> bool:
	"""KS refunds the participant fee of managers on OU-approved courses, unless it was credited. A member's
	title says they are a top manager; a non-member registered by their director as part of the leadership
	team (``leadership_team``) is a manager by that registration, whatever their title."""
	manager = title in OU_MANAGER_TITLES or bool(leadership_team)
	return bool(session_ou_approved) and manager and line_kind == "fee" and not credited


def vat_of_line(stored_category: str | None, registered: bool, rates: list[Decimal]) -> tuple[str, Decimal]:
	"""(category, percent) of an invoice line: as stored by KDF, else inferred from the seller's VAT status
	and the item's tax rates (outside VAT when not registered; standard rate when taxed, else exempt)."""
	taxed = [r for r in rates if r]
	category = stored_category or ("O" if not registered else ("S" if taxed else "E"))
	return category, (taxed[0] if category == "S" and taxed else Decimal(0))
