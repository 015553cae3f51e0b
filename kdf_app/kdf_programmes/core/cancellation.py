"""Changes of mind: who may cancel a registration when, what a late cancellation costs, when the waitlist
moves and when attendance can be recorded. Every date and policy comes in as data (KDF Settings)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from kdf_app.kdf_programmes.core.sessions import (
	ATTENDED,
	CONFIRMED,
	NO_SHOW,
	SEAT_HOLDING,
	WAITLISTED,
	format_date_no,
)
from kdf_app.shared.core.i18n import DomainError, _

# KDF Settings → member_cancellation_cutoff
AT_DEADLINE, DAYS_BEFORE = "Registration deadline", "Days before start"
CUTOFF_RULES = (AT_DEADLINE, DAYS_BEFORE)

# KDF Settings → late_cancellation_charge: what a late cancellation still costs
CHARGE_NOTHING, CHARGE_PACKAGE, CHARGE_FULL = "Nothing", "Package only", "Full fee"
CHARGES = (CHARGE_FULL, CHARGE_PACKAGE, CHARGE_NOTHING)

# the invoice line kinds each charge keeps (kdf_app.kdf_billing.core.invoicing.InvoiceLine.kind)
CHARGED_KINDS = {
	CHARGE_NOTHING: frozenset(),
	CHARGE_PACKAGE: frozenset({"accommodation", "food", "extra_night"}),
	CHARGE_FULL: frozenset({"fee", "accommodation", "food", "extra_night"}),
}


@dataclass(frozen=True)
class CancellationPolicy:
	rule: str = AT_DEADLINE
	days: int = 0
	charge: str = CHARGE_FULL

	def __post_init__(self):
		if self.rule not in CUTOFF_RULES:
			raise DomainError(
				_("Unknown cancellation rule {0}."), self.rule, field="member_cancellation_cutoff"
			)
		if self.charge not in CHARGES:
			raise DomainError(
				_("Unknown late cancellation charge {0}."), self.charge, field="late_cancellation_charge"
			)
		if self.rule == DAYS_BEFORE and (self.days or 0) < 0:
			raise DomainError(_("The number of days cannot be negative."), field="member_cancellation_days")


def cutoff(policy: CancellationPolicy, deadline: datetime | None, starts_on: datetime) -> datetime:
	"""Until when a member can cancel on the portal without asking the secretariat."""
	if policy.rule == DAYS_BEFORE or deadline is None:
		return starts_on - timedelta(days=policy.days or 0)
	return min(deadline, starts_on)


@dataclass(frozen=True)
class Cancellation:
	late: bool
	charge: str  # what is still invoiced (CHARGES)


def check_cancellation(
	status: str,
	policy: CancellationPolicy,
	deadline: datetime | None,
	starts_on: datetime,
	now: datetime,
	by_secretariat: bool,
) -> Cancellation:
	"""May this registration be cancelled now, by this person, and what does it still cost?

	- Only a confirmed or waitlisted registration can be cancelled, and only before the session starts (after
	  that the secretariat records attendance: Deltok / Ikke møtt).
	- A member cancels on the portal until the cut-off; after it only the secretariat can cancel, and a seat
	  cancelled late is charged as the policy says (a waitlist place never costs anything)."""
	if status not in (CONFIRMED, WAITLISTED):
		raise DomainError(_("Only confirmed or waitlisted registrations can be cancelled."), field="status")
	if now >= starts_on:
		raise DomainError(
			_(
				"The session has started, so the registration can no longer be cancelled. The secretariat "
				"records attendance instead (Deltok / Ikke møtt)."
			),
			field="status",
		)
	limit = cutoff(policy, deadline, starts_on)
	late = now > limit
	if late and not by_secretariat:
		raise DomainError(
			_(
				"The cancellation deadline ({0}) has passed. Contact the secretariat if you cannot attend; "
				"a late cancellation may still be invoiced."
			),
			format_date_no(limit, time=True),  # as every date on the portal: 21. august 2023 kl. 23:59
			field="status",
		)
	charge = policy.charge if late and status == CONFIRMED else CHARGE_NOTHING
	return Cancellation(late, charge)


def may_promote(now: datetime, starts_on: datetime) -> bool:
	"""Nobody is moved from the waitlist into a session that has started (nor told they have a seat)."""
	return now < starts_on


def check_attendance(status: str, now: datetime, starts_on: datetime) -> None:
	"""Attendance (Deltok / Ikke møtt) is recorded from the start of the session, for those with a seat."""
	if status not in SEAT_HOLDING:
		raise DomainError(
			_("Only confirmed participants can be marked as attended or absent."), field="status"
		)
	if now < starts_on:
		raise DomainError(
			_("Attendance can be recorded from the start of the session ({0})."),
			starts_on.strftime("%d.%m.%Y %H:%M"),
			field="status",
		)


def attendance_status(attended: bool) -> str:
	return ATTENDED if attended else NO_SHOW


def charged_kinds(charge: str | None) -> frozenset[str]:
	"""The invoice line kinds a (late-cancelled) registration is still invoiced for."""
	return CHARGED_KINDS.get(charge or CHARGE_NOTHING, frozenset())


def cancellation_notice(
	status: str, policy: CancellationPolicy, deadline: datetime | None, starts_on: datetime, now: datetime
) -> DomainError | None:
	"""For the member's page: why there is no cancel button (None when there is one)."""
	try:
		check_cancellation(status, policy, deadline, starts_on, now, by_secretariat=False)
	except DomainError as e:
		return e
	return None
