"""bench commands of kdf_app: ``bench --site SITE kdf-demo``."""

import click
from frappe.commands import get_site, pass_context


@click.command("kdf-demo")
@pass_context
def kdf_demo(context):
	"""Load the KDF demo data (organisations, members, the 2023 Topplederprogram)."""
	import frappe

	from kdf_app.demo import load

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		summary = load()
	finally:
		frappe.destroy()
	for key, value in summary.items():
		click.echo(f"{key}: {value}")


commands = [kdf_demo]
