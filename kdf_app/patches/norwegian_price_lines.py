"""Price lines stored in the acting user's language (an English-speaking secretariat registering in the desk)
are written as members read them: Norwegian (kdf_app.shared.services.language). Only the three labels KDF writes;
a stay package's line carries the package's name and is left alone."""

import frappe

from kdf_app.kdf_programmes.core.sessions import PRICE_LABELS
from kdf_app.shared.services.language import for_members


def execute():
	for label in PRICE_LABELS:
		norwegian = for_members(label)
		if norwegian != label:
			frappe.db.sql(
				"update `tabRegistration Price Line` set description = %s where description = %s",
				(norwegian, label),
			)
