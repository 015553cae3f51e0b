"""What the desk's scripts get at boot as ``frappe.boot.kdf`` (kdf_app.kdf_app.services.boot): every KDF role and
role group (kdf_app.shared.core.roles) and the status sets of the domains' core modules, so that no script spells
a role or a status itself. Frappe sends the boot with its keys sorted, so each set's core order comes apart, in
``status_order``."""

from kdf_app.kdf_advice.core import cases
from kdf_app.kdf_billing.core import delivery, invoicing, payments
from kdf_app.kdf_members.core import members, membership
from kdf_app.kdf_programmes.core import sessions
from kdf_app.shared.core import roles


def statuses() -> dict[str, dict[str, str]]:
	s = sessions
	return {
		"session": dict(
			draft=s.DRAFT, open=s.OPEN, full=s.FULL, closed=s.CLOSED, held=s.HELD, cancelled=s.CANCELLED
		),
		"registration": dict(
			confirmed=s.CONFIRMED,
			waitlisted=s.WAITLISTED,
			cancelled=s.CANCELLED_REG,
			attended=s.ATTENDED,
			no_show=s.NO_SHOW,
		),
		"participant_type": dict(member=s.MEMBER_PARTICIPANT, contact=s.CONTACT_PARTICIPANT),
		"member": dict(active=members.ACTIVE, resigned=members.RESIGNED, ended=members.ENDED),
		"change_request": dict(
			new=membership.NEW, confirmed=membership.CONFIRMED, rejected=membership.REJECTED
		),
		"application": dict(new=membership.NEW, approved=membership.APPROVED, rejected=membership.REJECTED),
		"case": dict(
			received=cases.RECEIVED,
			reviewing=cases.REVIEWING,
			assigned=cases.ASSIGNED,
			active=cases.ACTIVE,
			closed=cases.CLOSED,
			rejected=cases.REJECTED,
		),
		"invoicing": dict(
			queued=invoicing.QUEUED, running=invoicing.RUNNING, done=invoicing.DONE, stopped=invoicing.STOPPED
		),
		"bank_import": dict(
			queued=payments.QUEUED,
			running=payments.RUNNING,
			done=payments.DONE,
			refused=payments.REFUSED,
			failed=payments.FAILED,
		),
		"bank_row": dict(
			matched=payments.MATCHED,
			suggested=payments.SUGGESTED,
			unmatched=payments.UNMATCHED,
			confirmed=payments.CONFIRMED,
			already_imported=payments.ALREADY,
		),
		"delivery": dict(
			ready=delivery.READY, sent=delivery.SENT, retrying=delivery.RETRYING, failed=delivery.FAILED
		),
	}


def for_desk() -> dict:
	"""``frappe.boot.kdf``: ``roles`` (by key), ``role_groups`` (lists), ``statuses`` (sets by key) and
	``status_order`` (each set as a list, in its core order: a select's options, a filter's)."""
	sets = statuses()
	return {
		**roles.for_desk(),
		"statuses": sets,
		"status_order": {k: list(v.values()) for k, v in sets.items()},
	}
