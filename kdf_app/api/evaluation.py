"""Evaluation endpoints: the participant's answer (by link key, no login, or as the logged-in member) and the
secretariat's "send the evaluation now" button."""

import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit

from kdf_app.kdf_programmes.services import evaluation as service
from kdf_app.permissions import require_roles


def _scores(scores: str | dict | None) -> dict:
	if isinstance(scores, dict):
		return scores
	try:
		value = json.loads(scores or "{}")
	except ValueError:
		value = None
	if not isinstance(value, dict):
		frappe.throw(_("The scores could not be read. Please try again."), title=_("Evaluation"))
	return value


@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=30, seconds=60)
def submit(
	key: str | None = None,
	registration: str | None = None,
	overall: str | int | None = None,
	scores: str | dict | None = None,
	comments: str | None = None,
	takeaway: str | None = None,
) -> dict:
	"""Answer the evaluation once: with the key from the e-mail (no login) or, logged in, for one's own
	registration. A second answer is refused with a message."""
	name = service.resolve(key, registration)
	if not name:
		# the same answer for an unknown key and someone else's registration
		frappe.throw(_("This evaluation link is not valid."), frappe.DoesNotExistError)
	service.submit(name, overall, _scores(scores), comments, takeaway)
	return {"ok": True, "message": _("Thank you for your answer!")}


@frappe.whitelist(methods=["POST"])
def send_now(session: str) -> dict:
	"""Desk button: e-mail the evaluation link now to those who attended and have not had it yet."""
	require_roles()
	frappe.get_doc("Topplederprogram Session", session).check_permission("write")
	sent = service.send_invitations(session)
	return {"sent": len(sent)}
