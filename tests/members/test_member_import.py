"""The member list from a spreadsheet (kdf_app.kdf_members.core.member_import): rows checked, grouped per member, refused
with a reason; a member goes in with all their rows or not at all."""

from datetime import date

import pytest

from kdf_app.kdf_members.core.member_import import (
	AMBIGUOUS,
	COLUMNS,
	EXAMPLE_ROWS,
	column_key,
	organisation_index,
	organisation_key,
	parse_date,
	plan_import,
)
from kdf_app.kdf_members.core.members import Position
from kdf_app.shared.core.i18n import DomainError

ORGS = organisation_index(
	[
		{"name": "Alta kommune", "customer_name": "Alta kommune", "org_number": "944588132"},
		{"name": "Bodø kommune", "customer_name": "Bodø kommune", "org_number": "972418013"},
		{"name": "Eksempel kommune", "customer_name": "Eksempel kommune", "org_number": "123456785"},
		{"name": "Annen kommune", "customer_name": "Annen kommune", "org_number": None},
		{"name": "Herøy kommune", "customer_name": "Herøy kommune", "org_number": "964978840"},
		{"name": "Herøy kommune-1", "customer_name": "Herøy kommune", "org_number": "964978204"},
	]
)


def row(**values):
	base = {
		"first_name": "Kari",
		"last_name": "Nordmann",
		"email": "kari@example.no",
		"mobile": "",
		"organisation": "Alta kommune",
		"title": "Kommunedirektør",
		"from_date": "2020-01-01",
		"to_date": "",
		"reason": "",
		"member_since": "",
	}
	base.update(values)
	return base


def reasons(plan):
	return [(r.line, r.error.render()) for r in plan.rejected]


def test_headings_and_organisations_are_found_as_a_secretariat_writes_them():
	assert column_key("E-post") == "email" and column_key(" Fra dato ") == "from_date"
	assert column_key("first_name") == "first_name" and column_key("First Name") == "first_name"
	assert column_key("noe annet") == ""
	assert organisation_key("944 588 132") == "944588132" == organisation_key("944.588.132")
	assert ORGS[organisation_key("alta  KOMMUNE")] == "Alta kommune"
	assert ORGS[organisation_key("964978204")] == "Herøy kommune-1"
	assert ORGS[organisation_key("Herøy kommune")] == AMBIGUOUS


def test_dates_as_written_in_norway_and_by_a_spreadsheet():
	assert parse_date("2024-08-01", "f") == date(2024, 8, 1)
	assert parse_date("1.8.2024", "f") == parse_date("01.08.2024", "f") == parse_date("1/8/2024", "f")
	assert parse_date("", "f") is None
	assert parse_date(date(2024, 8, 1), "f") == date(2024, 8, 1)
	for bad in ("31.2.2024", "august 2024", "2024-13-01"):
		with pytest.raises(DomainError):
			parse_date(bad, "f")


def test_a_member_with_a_history_by_number_and_name():
	plan = plan_import(
		[
			row(organisation="944 588 132", mobile="+47 412 34 567", member_since="1.3.2015"),
			row(
				organisation="Bodø kommune",
				title="assisterende kommunedirektør",
				from_date="2015-03-01",
				to_date="31.12.2019",
				reason="konflikt",
			),
		],
		ORGS,
	)
	assert plan.rejected == []
	(kari,) = plan.members
	assert (kari.email, kari.mobile, kari.member_since, kari.lines) == (
		"kari@example.no",
		"+47 412 34 567",
		date(2015, 3, 1),
		(2, 3),
	)
	assert kari.positions == (
		Position(
			"Bodø kommune", "Assisterende kommunedirektør", date(2015, 3, 1), date(2019, 12, 31), "Konflikt"
		),
		Position("Alta kommune", "Kommunedirektør", date(2020, 1, 1)),
	)
	assert kari.current(date(2024, 1, 1)) == kari.positions[1]


def test_every_refused_row_has_its_reason_and_takes_the_members_other_rows_with_it():
	plan = plan_import(
		[
			row(),  # 2: fine, but line 3 is Kari's too
			row(from_date="2015-01-01", to_date="2019-12-31", reason="Pensjon", organisation="Nowhere"),  # 3
			row(email="ikke-en-adresse", first_name="Ola"),  # 4
			row(email="per@example.no", title="Ordfører"),  # 5
			row(email="liv@example.no", from_date="1.1.2020", to_date="1.1.2019"),  # 6
			row(email="siri@example.no", reason="Pensjon"),  # 7: a reason without an end
			row(email="anne@example.no", organisation="Herøy kommune"),  # 8: ambiguous name
			row(email="nils@example.no", from_date="2019-01-01"),  # 9: two open rows
			row(email="nils@example.no", from_date="2021-01-01"),  # 10
			row(email="tor@example.no", to_date="2021-01-01"),  # 11: no current position
			row(email="eva@example.no", first_name="Eva"),  # 12: the first names differ
			row(email="eva@example.no", first_name="Evy", from_date="2010-01-01", to_date="2019-12-31"),  # 13
			row(email="kjent@example.no"),  # 14: already a member
			row(email="mob@example.no", mobile="12"),  # 15
			row(email="ok@example.no"),  # 16: fine
			{k: "" for k in COLUMNS},  # 17: empty, skipped
			row(
				email="overlap@example.no", from_date="2019-01-01", to_date="2020-06-30"
			),  # 18: overlaps line 19
			row(email="overlap@example.no", from_date="2020-01-01"),  # 19
		],
		ORGS,
		existing=lambda email: "KDF-M-00007" if email == "kjent@example.no" else None,
	)
	assert [m.email for m in plan.members] == ["ok@example.no"]
	got = dict(reasons(plan))
	assert got[2] == "Not imported: another row of the same member (line 3) was refused."
	assert got[3] == "No organisation with the organisation number or name Nowhere in the register."
	assert got[4] == "ikke-en-adresse is not a valid e-mail address."
	assert got[5].startswith("Unknown title Ordfører; use one of Kommunedirektør,")
	assert got[6] == "Position at Alta kommune ends (2019-01-01) before it starts (2020-01-01)."
	assert got[7] == "A reason for leaving needs an end date (to_date)."
	assert got[8] == "More than one organisation is called Herøy kommune; write its organisation number."
	assert got[9] == got[10] == "Only one position can be current; close the position at Alta kommune first."
	assert got[11] == "tor@example.no has no current position: one row needs an empty end date (to_date)."
	assert got[12] == got[13] == "The rows of eva@example.no give different values for first_name: Eva, Evy."
	assert (
		got[14]
		== "kjent@example.no is already in the register (KDF-M-00007); change that member in the form."
	)
	assert got[15].startswith("12 is not a mobile number")
	assert got[18] == got[19] == "Positions at Alta kommune and Alta kommune overlap."
	assert 16 not in got and 17 not in got


def test_the_templates_example_rows_import_as_two_members():
	plan = plan_import(list(EXAMPLE_ROWS), ORGS)
	assert plan.rejected == []
	assert [(m.email, len(m.positions)) for m in plan.members] == [
		("kari.nordmann@example.no", 2),
		("ola.hansen@example.no", 1),
	]
