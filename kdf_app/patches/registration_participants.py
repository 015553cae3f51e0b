"""Registrations made before non-member participants: each is a member's own (participant type Medlem), with
the participant's name, title, e-mail and mobile copied from the member."""

import frappe


def execute():
	frappe.reload_doc("kdf_app", "doctype", "registration")
	frappe.db.sql(
		"""update `tabRegistration` r join `tabMember` m on m.name = r.member
		set r.participant_type = 'Medlem',
			r.participant_name = coalesce(nullif(r.participant_name, ''), m.member_name),
			r.participant_title = coalesce(nullif(r.participant_title, ''), m.title),
			r.participant_email = coalesce(nullif(r.participant_email, ''), m.email),
			r.participant_mobile = coalesce(nullif(r.participant_mobile, ''), m.mobile)
		where ifnull(r.participant_type, '') in ('', 'Medlem')"""
	)
