"""What members and payers receive is Norwegian, whatever the language of the user who acted.

The secretariat or an Administrator may work in the desk in English; the price lines stored on a
registration (shown on the member's pages and in e-mails), the e-mails themselves (their dates are formatted
by Frappe in the current language) and what goes on an invoice or its EHF are still written in Norwegian.
``no`` is Frappe's Norwegian, the language members' logins get (kdf_app/translations/no.csv = nb.csv).
"""

from contextlib import contextmanager

import frappe

MEMBER_LANGUAGE = "no"


def for_members(message: str) -> str:
	"""``message`` (an English source text) as members and payers read it."""
	return frappe._(message, lang=MEMBER_LANGUAGE)


@contextmanager
def members_language():
	"""Render something for members in their language (Frappe's date formats and ``_`` follow
	``frappe.local.lang``); the acting user's language is back afterwards."""
	before = getattr(frappe.local, "lang", None)
	frappe.local.lang = MEMBER_LANGUAGE
	try:
		yield
	finally:
		frappe.local.lang = before
