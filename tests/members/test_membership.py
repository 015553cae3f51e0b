"""Joining and change rules (kdf_app.kdf_members.core.membership), without Frappe."""

from datetime import date

import pytest

from kdf_app.kdf_members.core import membership as m
from kdf_app.kdf_members.core.members import Position
from kdf_app.shared.core.i18n import DomainError

TODAY = date(2026, 11, 24)
OFFICIAL = {"Oslo kommune", "Vestland fylkeskommune"}


def values(**changes):
	v = {
		"first_name": "  Siri ",
		"last_name": "Søker  Hansen",
		"email": " Siri@Example.NO ",
		"mobile": "+47 912 34 567",
		"title": "Kommunedirektør",
		"organisation": "Oslo kommune",
		"start_date": "2026-09-01",
		"consent": 1,
	}
	v.update(changes)
	return v


def test_a_valid_application_is_tidied():
	app = m.clean_application(values(), OFFICIAL, TODAY)
	assert (app.first_name, app.last_name) == ("Siri", "Søker Hansen")
	assert app.email == "siri@example.no"
	assert app.mobile == "91234567"
	assert app.start_date == date(2026, 9, 1)
	assert app.consent is True


@pytest.mark.parametrize(
	"changes, field",
	[
		({"first_name": " "}, "first_name"),
		({"email": "ikke-en-adresse"}, "email"),
		({"email": "a@b"}, "email"),
		({"mobile": "12 34"}, "mobile"),
		({"title": "Ordfører"}, "title"),
		({"title": "Annen toppleder"}, "title"),
		({"organisation": "Privat AS"}, "organisation"),
		({"organisation": ""}, "organisation"),
		({"start_date": "i fjor"}, "start_date"),
		({"start_date": "1900-01-01"}, "start_date"),
		({"start_date": "2028-01-01"}, "start_date"),
		({"consent": 0}, "consent"),
		({"consent": "false"}, "consent"),
		({"consent": None}, "consent"),
	],
)
def test_bad_input_names_its_field(changes, field):
	with pytest.raises(DomainError) as e:
		m.clean_application(values(**changes), OFFICIAL, TODAY)
	assert e.value.field == field


def test_mobile_numbers():
	assert m.normalise_mobile("0047 41 23 45 67") == "41234567"
	assert m.normalise_mobile("") == ""
	assert m.normalise_mobile("+46 70 123 45 67") == "+46701234567"
	with pytest.raises(DomainError):
		m.normalise_mobile("22 33 44 55")  # a landline is not a mobile


def test_duplicates():
	app = m.clean_application(values(), OFFICIAL, TODAY)
	assert m.duplicate(app) is None
	assert "already a member" in m.duplicate(app, member_emails=["SIRI@example.no"]).render()
	assert "already a user" in m.duplicate(app, user_emails=["siri@example.no"]).render()
	assert (
		"already have an application"
		in m.duplicate(app, open_application_emails=["siri@example.no"]).render()
	)
	# the same person at the same organisation, whatever the spelling of case and spaces
	assert (
		"already a member"
		in m.duplicate(app, people_at_organisation=[("siri  SØKER hansen", "member")]).render()
	)
	assert (
		"already have an application"
		in m.duplicate(app, people_at_organisation=[("Siri Søker Hansen", "application")]).render()
	)
	assert m.duplicate(app, people_at_organisation=[("Siri Søker", "member")]) is None


def test_a_decision_is_made_once_and_a_rejection_has_a_reason():
	m.check_can_decide(m.NEW)
	for status in (m.APPROVED, m.REJECTED):
		with pytest.raises(DomainError):
			m.check_can_decide(status)
	with pytest.raises(DomainError):
		m.check_reason("  ")
	assert m.check_reason(" Ikke kommunedirektør ") == "Ikke kommunedirektør"


HISTORY = [
	Position("Bergen kommune", "Kommunedirektør", date(2015, 1, 1), date(2019, 12, 31), "Ny stilling"),
	Position("Oslo kommune", "Kommunedirektør", date(2020, 1, 1)),
]


def test_a_new_position_starts_after_the_current_one():
	ok = m.ChangeRequest(m.NEW_POSITION, date(2026, 12, 1), "Vestland fylkeskommune", "Fylkeskommunedirektør")
	m.check_change(ok, HISTORY, OFFICIAL)
	for start in (date(2020, 1, 1), date(2019, 6, 1)):
		with pytest.raises(DomainError) as e:
			m.check_change(
				m.ChangeRequest(m.NEW_POSITION, start, "Vestland fylkeskommune", "Kommunedirektør"),
				HISTORY,
				OFFICIAL,
			)
		assert e.value.field == "start_date"
		assert "2020-01-01" in e.value.render()
	with pytest.raises(DomainError) as e:
		m.check_change(
			m.ChangeRequest(m.NEW_POSITION, date(2026, 12, 1), "Privat AS", "Kommunedirektør"),
			HISTORY,
			OFFICIAL,
		)
	assert e.value.field == "organisation"
	with pytest.raises(DomainError):
		m.check_change(m.ChangeRequest("Forfremmet", date(2026, 12, 1)), HISTORY, OFFICIAL)


def test_leaving_needs_a_reason_and_a_date_in_the_current_position():
	m.check_change(m.ChangeRequest(m.LEAVING, date(2026, 12, 31), reason="Pensjon"), HISTORY)
	with pytest.raises(DomainError):
		m.check_change(m.ChangeRequest(m.LEAVING, date(2026, 12, 31)), HISTORY)
	with pytest.raises(DomainError):
		m.check_change(m.ChangeRequest(m.LEAVING, date(2019, 12, 31), reason="Pensjon"), HISTORY)
	with pytest.raises(DomainError):
		m.check_change(m.ChangeRequest(m.LEAVING, date(2026, 12, 31), reason="Pensjon"), HISTORY[:1])


def test_close_current():
	history = m.close_current(HISTORY, date(2026, 12, 31), "Pensjon")
	assert history[1] == Position(
		"Oslo kommune", "Kommunedirektør", date(2020, 1, 1), date(2026, 12, 31), "Pensjon"
	)
	assert HISTORY[1].to_date is None  # the input is not changed
	with pytest.raises(DomainError):
		m.close_current(HISTORY, date(2019, 1, 1), "Pensjon")


@pytest.mark.parametrize(
	"status, total, outstanding, expected",
	[
		("Unpaid", 6000, 6000, m.SENT),
		("Overdue", 6000, 6000, m.OVERDUE),
		("Partly Paid", 6000, 1000, m.PARTLY_PAID),
		("Paid", 6000, 0, m.PAID),
		("Credit Note Issued", 6000, 0, m.CREDITED),
		("Return", -6000, 0, m.PAID),
	],
)
def test_invoice_status(status, total, outstanding, expected):
	assert m.invoice_status(status, total, outstanding) == expected
