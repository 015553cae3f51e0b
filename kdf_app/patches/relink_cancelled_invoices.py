"""Registrations invoiced before cancelled invoices released them: each points to its invoice in force (the
submitted amendment of a cancelled invoice), or to none, so it can be invoiced again."""

from kdf_app.kdf_billing.services.invoice_links import relink_existing


def execute():
	relink_existing()
