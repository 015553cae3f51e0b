"""Delivery of an invoice (EHF through an access point, or PDF by e-mail): its status and when a failed
send is tried again.

A send that fails for a reason that may pass (the access point is down, times out, answers 5xx or 429) is
tried again after 5 minutes, 30 minutes, 2 hours and 12 hours; after the last try it stays *Feilet* until
the secretariat resends it. A refusal that will not pass by waiting (4xx: a bad key, a rejected document)
is *Feilet* at once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from kdf_app.shared.core.i18n import _

READY, SENT, RETRYING, FAILED = "Klar", "Sendt", "Nytt forsøk", "Feilet"
STATUSES = (READY, SENT, RETRYING, FAILED)

BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1


def retriable_http_status(code: int) -> bool:
	"""Worth trying again later: server errors, timeouts and rate limits; not other refusals (4xx)."""
	return code >= 500 or code in (408, 425, 429)


@dataclass(frozen=True)
class Outcome:
	status: str
	attempts: int
	next_try: datetime | None
	message: str  # an English template with {0}-style slots, see ``params``
	params: tuple = ()


def after_failure(attempts_before: int, now: datetime, retriable: bool = True) -> Outcome:
	"""The status after a failed attempt: another try after the next backoff step, or failed for good."""
	attempts = attempts_before + 1
	if retriable and attempts < MAX_ATTEMPTS:
		when = now + BACKOFF[attempts - 1]
		return Outcome(
			RETRYING,
			attempts,
			when,
			_("Attempt {0} of {1} failed; next try at {2}."),
			(attempts, MAX_ATTEMPTS, when),
		)
	if retriable:
		return Outcome(
			FAILED,
			attempts,
			None,
			_("Attempt {0} of {1} failed; no more tries. Fix the cause and press Resend."),
			(attempts, MAX_ATTEMPTS),
		)
	return Outcome(
		FAILED,
		attempts,
		None,
		_("Attempt {0} was refused; trying again will not help. Fix the cause and press Resend."),
		(attempts,),
	)
