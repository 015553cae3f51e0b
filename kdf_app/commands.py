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


@click.command("kdf-rotate-case-key")
@pass_context
def kdf_rotate_case_key(context):
	"""Seal all case content with a new key and drop the old one (back up the new key file afterwards)."""
	import frappe

	from kdf_app.services.case_vault import key_path, rotate_key

	site = get_site(context)
	frappe.init(site=site)
	frappe.connect()
	try:
		count = rotate_key()
		path = key_path()
	finally:
		frappe.destroy()
	click.echo(f"re-sealed {count} values and files; the key is in {path}: back it up now")


commands = [kdf_demo, kdf_rotate_case_key]
