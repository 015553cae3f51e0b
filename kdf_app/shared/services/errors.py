"""Turn domain errors from the pure rules (any module's core/) into translated Frappe messages."""

import frappe
from frappe import _

from kdf_app.shared.core.i18n import DomainError


def render(error: DomainError) -> str:
	return error.render(_)


def throw(error: DomainError, title: str | None = None):
	frappe.throw(render(error), exc=frappe.ValidationError, title=title or _("Not valid"))
