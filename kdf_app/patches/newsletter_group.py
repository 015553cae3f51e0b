"""Create the Email Group «KDF medlemmer» and fill it with the active members (existing sites)."""

from kdf_app.kdf_members.services.newsletter import sync_all


def execute():
	sync_all()
