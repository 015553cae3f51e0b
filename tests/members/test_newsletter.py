from kdf_app.kdf_members.core.newsletter import Change, plan


def test_active_member_is_added():
	assert plan("Aktiv", "A@x.no", None, {}) == [Change("add", "a@x.no")]


def test_active_member_already_in_group_changes_nothing():
	assert plan("Aktiv", "a@x.no", None, {"a@x.no": False}) == []


def test_leaving_member_is_removed():
	assert plan("Utmeldt", "a@x.no", None, {"a@x.no": False}) == [Change("remove", "a@x.no")]
	assert plan("Avsluttet", "a@x.no", None, {"a@x.no": False}) == [Change("remove", "a@x.no")]


def test_inactive_member_not_in_group_changes_nothing():
	assert plan("Utmeldt", "a@x.no", None, {}) == []


def test_unsubscribed_row_is_kept_and_never_resubscribed():
	assert plan("Aktiv", "a@x.no", None, {"a@x.no": True}) == []
	assert plan("Utmeldt", "a@x.no", None, {"a@x.no": True}) == []


def test_email_unsubscribe_outside_the_group_is_respected():
	assert plan("Aktiv", "a@x.no", None, {}, {"A@x.no"}) == []


def test_changed_email_moves_the_row():
	assert plan("Aktiv", "b@x.no", "a@x.no", {"a@x.no": False}) == [Change("rename", "a@x.no", "b@x.no")]


def test_changed_email_keeps_the_opt_out():
	# the row moves with its unsubscribed flag (the services layer renames, never resets it)
	assert plan("Aktiv", "b@x.no", "a@x.no", {"a@x.no": True}) == [Change("rename", "a@x.no", "b@x.no")]


def test_changed_email_when_new_address_already_in_group():
	assert plan("Aktiv", "b@x.no", "a@x.no", {"a@x.no": False, "b@x.no": False}) == [
		Change("remove", "a@x.no")
	]


def test_leaver_with_changed_email():
	assert plan("Utmeldt", "b@x.no", "a@x.no", {"a@x.no": False}) == [Change("remove", "a@x.no")]


def test_no_email_only_removes_previous():
	assert plan("Aktiv", None, "a@x.no", {"a@x.no": False}) == [Change("remove", "a@x.no")]
	assert plan("Aktiv", "", None, {}) == []


def test_without_newsletter_consent_an_active_member_is_not_in_the_group():
	from kdf_app.kdf_members.core.newsletter import Change, plan

	assert plan("Aktiv", "a@kdf.no", None, {}, consent=False) == []
	assert plan("Aktiv", "a@kdf.no", None, {"a@kdf.no": False}, consent=False) == [
		Change("remove", "a@kdf.no")
	]
	# an unsubscribed row stays (the opt-out is remembered)
	assert plan("Aktiv", "a@kdf.no", None, {"a@kdf.no": True}, consent=False) == []
	assert plan("Aktiv", "a@kdf.no", None, {}, consent=True) == [Change("add", "a@kdf.no")]


def test_template_code_in_a_newsletter_is_found():
	from kdf_app.kdf_members.core.newsletter import template_code_in

	assert template_code_in({"subject": "Hei", "message": "<p>Landsmøtet</p>"}) == []
	assert template_code_in({"message": "{{ frappe.db.sql('x') }}"}) == ["message"]
	assert template_code_in({"message_html": "{% if 1 %}", "subject": "{# c #}"}) == [
		"subject",
		"message_html",
	]
	assert template_code_in({"message_md": None}) == []


def test_template_code_escaped_for_markdown_is_found():
	from kdf_app.kdf_members.core.newsletter import has_template_code, template_code_in

	# Markdown turns \{\{ into {{ before Frappe renders the newsletter
	assert has_template_code(r"Hei \{\{ frappe.get_all('Mentoring Case') \}\}")
	assert has_template_code(r"\{% if 1 %\}")
	assert template_code_in({"message_md": r"\{\{ 7*7 \}\}"}) == ["message_md"]
	assert not has_template_code(r"Pris { 100 } kr \ per deltaker")


def test_other_rendered_texts_are_guarded():
	from kdf_app.kdf_members.core.newsletter import TEMPLATE_TEXT_FIELDS, template_code_in

	assert template_code_in(
		{"terms": "{{ frappe.db.sql('x') }}"}, TEMPLATE_TEXT_FIELDS["Terms and Conditions"]
	) == ["terms"]
	assert (
		template_code_in({"terms": "Betaling innen 14 dager"}, TEMPLATE_TEXT_FIELDS["Terms and Conditions"])
		== []
	)
	assert template_code_in(
		{"body": "{% for x in y %}", "subject": "Kontoutskrift"},
		TEMPLATE_TEXT_FIELDS["Process Statement Of Accounts"],
	) == ["body"]
