from datetime import date

import pytest

from kdf_app.kdf_advice.core.cases import (
	MentorCandidate,
	check_request,
	check_transition,
	due_for_anonymisation,
	match,
)
from kdf_app.shared.core.i18n import DomainError


def mentor(
	name, orgs=(), region="Vestland", capacity=2, active=0, types=("Mentorordning", "Veiledning"), member=None
):
	return MentorCandidate(name, member, frozenset(orgs), region, capacity, active, frozenset(types))


def test_matching_excludes_conflicts_of_interest_and_full_mentors():
	candidates = [
		mentor("A", orgs=["Bergen"]),  # the member's current employer
		mentor("B", orgs=["Voss", "Askøy"]),  # Askøy is a former employer of the member
		mentor("C", active=2),  # at capacity
		mentor("D", types=["Juridisk bistand"]),  # does not offer mentoring
		mentor("E", member="M1"),  # the member themself
		mentor("F", orgs=["Molde"], region="Møre og Romsdal", capacity=3, active=0),
		mentor("G", orgs=["Florø"], capacity=4, active=1),
		mentor("H", orgs=["Førde"], capacity=2, active=1),
	]
	ok, excluded = match(candidates, "Mentorordning", "M1", ["Bergen", "Askøy"], "Vestland")
	assert [s.mentor for s in ok] == ["G", "H", "F"]  # same region first, then most free capacity
	reasons = {e.mentor: e.reasons for e in excluded}
	assert set(reasons) == {"A", "B", "C", "D", "E"}
	assert "same organisation" in reasons["A"][0] and "same organisation" in reasons["B"][0]
	assert reasons["C"] == ("at capacity",)
	assert "does not offer" in reasons["D"][0]
	assert reasons["E"] == ("is the member",)


def test_status_transitions():
	check_transition(None, "Mottatt")
	check_transition("Mottatt", "Under vurdering")
	check_transition("Tildelt", "Aktiv")
	for old, new in [
		("Mottatt", "Aktiv"),
		("Avsluttet", "Aktiv"),
		("Avvist", "Mottatt"),
		("Aktiv", "Ukjent"),
	]:
		with pytest.raises(DomainError):
			check_transition(old, new)


def test_retention():
	assert due_for_anonymisation(date(2020, 3, 1), date(2025, 3, 1), 5)
	assert not due_for_anonymisation(date(2020, 3, 1), date(2025, 2, 28), 5)
	assert due_for_anonymisation(date(2020, 2, 29), date(2025, 2, 28), 5)
	assert not due_for_anonymisation(None, date(2030, 1, 1), 5)
	assert not due_for_anonymisation(date(2000, 1, 1), date(2030, 1, 1), 0)


def test_dates_follow_the_status():
	from kdf_app.kdf_advice.core.cases import status_dates

	today = date(2026, 5, 1)
	assert status_dates("Tildelt", None, None, today) == (None, None)
	assert status_dates("Aktiv", None, None, today) == (today, None)
	assert status_dates("Avsluttet", date(2026, 1, 1), None, today) == (date(2026, 1, 1), today)
	assert status_dates("Avvist", None, date(2026, 2, 2), today) == (None, date(2026, 2, 2))


def test_a_request_needs_a_known_type_and_some_text_free_of_markup():
	assert check_request("Juridisk bistand", "  Konflikt med <b>ordfører</b> ") == "Konflikt med ordfører"
	with pytest.raises(DomainError) as e:
		check_request("Noe annet", "hjelp")
	assert e.value.field == "case_type"
	for empty in ("", "   ", "<script>x</script>", None):
		with pytest.raises(DomainError) as e:
			check_request("Veiledning", empty)
		assert e.value.field == "request"
