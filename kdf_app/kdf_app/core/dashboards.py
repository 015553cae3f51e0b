"""Figures for the secretariat's KDF workspace: fill rates, money per session, the conflict share."""

from collections.abc import Iterable
from dataclasses import dataclass


def fill_rate(confirmed: int, capacity: int) -> float:
	"""Confirmed seats as a percentage of capacity (0 when the session has no capacity)."""
	if not capacity or capacity <= 0:
		return 0.0
	return round(100.0 * max(confirmed or 0, 0) / capacity, 1)


@dataclass(frozen=True)
class SessionMoney:
	session: str
	revenue: float
	outstanding: float


def money_per_session(invoices: Iterable[dict], order: list[str]) -> list[SessionMoney]:
	"""Revenue (net of VAT, credit notes subtracted) and what is still outstanding, per session.

	``invoices``: submitted Sales Invoices as dicts with kdf_session, net_total (negative on a credit note) and
	outstanding_amount; ``order``: the sessions to show, in this order (a session without invoices shows 0)."""
	revenue: dict[str, float] = dict.fromkeys(order, 0.0)
	outstanding: dict[str, float] = dict.fromkeys(order, 0.0)
	for inv in invoices:
		session = inv.get("kdf_session")
		if session not in revenue:
			continue
		revenue[session] += float(inv.get("net_total") or 0)
		outstanding[session] += max(float(inv.get("outstanding_amount") or 0), 0.0)
	return [SessionMoney(s, round(revenue[s], 2), round(outstanding[s], 2)) for s in order]


def conflict_share(rows: Iterable, reason: str = "Konflikt") -> float:
	"""Share (%) of the directors who left whose reason was a conflict, over ``rows`` of
	kdf_app.kdf_members.core.members.turnover (each with ``left`` and ``reasons``)."""
	left = conflict = 0
	for r in rows:
		left += r.left
		conflict += r.reasons.get(reason, 0)
	return round(100.0 * conflict / left, 1) if left else 0.0
