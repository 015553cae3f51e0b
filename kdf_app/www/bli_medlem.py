import frappe
from frappe import _

from kdf_app.kdf_members.core.membership import (
	APPLICANT_TITLES,
	PRIVACY_NOTICE_DATE,
	PRIVACY_NOTICE_VERSION,
)
from kdf_app.kdf_members.core.organisations import OFFICIAL_KINDS
from kdf_app.kdf_members.services.membership import official_organisations

no_cache = 1


def get_context(context):
	"""Public: the membership application (Bli medlem). The organisation list is the official one only."""
	context.title = _("Become a member")
	context.no_breadcrumbs = True
	context.logged_in = frappe.session.user != "Guest"
	organisations = official_organisations()
	context.groups = [(kind, [o for o in organisations if o["kind"] == kind]) for kind in OFFICIAL_KINDS]
	context.titles = APPLICANT_TITLES
	context.privacy_version = PRIVACY_NOTICE_VERSION
	context.privacy_date = PRIVACY_NOTICE_DATE
