"""Sites made before case content was sealed: a key beside the site, every case's request, summary, meeting
notes and attachments sealed, the cases' versions removed, their Deleted Document copies sealed
(kdf_app.kdf_advice.services.case_vault.seal_existing)."""


def execute():
	from kdf_app.kdf_advice.services.case_vault import seal_existing

	seal_existing()
