"""Our Email Templates used to be fixtures, re-imported (and overwritten) on every migrate. From now on they
are created once from kdf_app/data/email_templates.json: this creates the missing ones (an existing one, maybe
reworded by the secretariat, is never touched) and chooses ours in KDF Settings where nothing is chosen."""

from kdf_app.shared.services.mail import choose_missing_templates, create_missing_templates


def execute():
	create_missing_templates()
	choose_missing_templates()
