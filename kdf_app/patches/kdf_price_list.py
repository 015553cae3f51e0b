"""KDF invoices use KDF's own NOK selling price list (named in KDF Settings), not the site's default."""

from kdf_app.setup.defaults import ensure_price_list


def execute():
	ensure_price_list()
