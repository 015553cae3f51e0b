"""bench commands of kdf_app: ``bench --site SITE kdf-demo``, ``bench --site SITE kdf-rotate-case-key``."""

from contextlib import contextmanager

import click
from frappe.commands import get_site, pass_context


@contextmanager
def connected(context):
	"""Frappe initialised and connected to the command's site, and closed again afterwards."""
	import frappe

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		yield
	finally:
		frappe.destroy()


@click.command("kdf-demo")
@pass_context
def kdf_demo(context):
	"""Load the KDF demo data (organisations, members, the 2023 Topplederprogram)."""
	from kdf_app.demo.load import load

	with connected(context):
		summary = load()
	for key, value in summary.items():
		click.echo(f"{key}: {value}")


@click.command("kdf-rotate-case-key")
@pass_context
def kdf_rotate_case_key(context):
	"""Seal all case content with a new key and drop the old one (back up the new key file afterwards)."""
	from kdf_app.kdf_advice.services.case_vault import key_path, rotate_key

	with connected(context):
		count = rotate_key()
		path = key_path()
	click.echo(f"re-sealed {count} values and files; the key is in {path}: back it up now")


commands = [kdf_demo, kdf_rotate_case_key]
