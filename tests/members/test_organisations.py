from kdf_app.kdf_members.core.organisations import Organisation, make_organisation, parse_rows, plan_import


def test_the_official_list_parses_completely(organisation_rows):
	accepted, rejected = parse_rows(organisation_rows)
	assert rejected == []
	assert len(accepted) == len(organisation_rows) == 371
	kinds = {o.kind for o in accepted}
	assert kinds == {"Kommune", "Fylkeskommune"}
	assert sum(o.kind == "Kommune" for o in accepted) == 357
	oslo = next(o for o in accepted if o.number == "0301")
	assert oslo.line == 2 and oslo.display_name == "Oslo kommune"
	assert next(o for o in accepted if o.kind == "Fylkeskommune").display_name.endswith(" fylkeskommune")
	assert (oslo.name, oslo.org_number, oslo.county, oslo.send_ehf) == ("Oslo", "958935420", "Oslo", True)


def test_rejected_rows_carry_line_and_reason():
	rows = [
		{"type": "Kommune", "number": "0301", "name": "Oslo", "orgnr": "958935420", "county": "Oslo"},
		{"type": "Kommune", "number": "4601", "name": "Bergen", "orgnr": "964338532", "county": "Vestland"},
		{"type": "Kommune", "number": "5001", "name": "", "orgnr": "942110464", "county": "Trøndelag"},
		{"type": "Kommune", "number": "0301", "name": "Oslo igjen", "orgnr": "964338531", "county": "Oslo"},
		{"type": "Fylkeskommune", "number": "46", "name": "Vestland", "orgnr": "958935420", "county": ""},
		{"type": "Sogn", "number": "1", "name": "X", "orgnr": "942110464", "county": ""},
		{
			"type": "Kommune",
			"number": "5001",
			"name": "Trondheim",
			"orgnr": "942110464",
			"county": "Trøndelag",
		},
	]
	accepted, rejected = parse_rows(rows)
	assert [o.name for o in accepted] == ["Oslo", "Trondheim"]
	reasons = {r.line: r.reason for r in rejected}
	assert set(reasons) == {3, 4, 5, 6, 7}
	assert "MOD11" in reasons[3]
	assert "name" in reasons[4]
	assert "0301 already appears on line 2" in reasons[5]
	assert "958935420 already appears on line 2" in reasons[6]
	assert "Unknown organisation type Sogn" in reasons[7]


def test_plan_import_is_idempotent_and_detects_changes():
	oslo = make_organisation("Kommune", "Oslo", "958935420", "0301", "Oslo")
	bergen = make_organisation("Kommune", "Bergen", "964338531", "4601", "Vestland")
	existing = {
		"958935420": {
			"id": "Oslo kommune",
			"kind": "Kommune",
			"display_name": "Oslo kommune",
			"number": "0301",
			"county": "Oslo",
		},
		"964338531": {
			"id": "Bergen",
			"kind": "Kommune",
			"display_name": "Bergen kommune",
			"number": "4601",
			"county": "Hordaland",
		},
	}
	plan = plan_import(
		[oslo, bergen, make_organisation("Fylkeskommune", "Agder", "921707134", "42")], existing
	)
	assert [(a.action, a.existing, a.changes) for a in plan] == [
		("unchanged", "Oslo kommune", ()),
		("update", "Bergen", ("county",)),
		("create", None, ()),
	]


def test_only_public_bodies_default_to_ehf():
	assert Organisation("Bydel", "Bydel Frogner", "874778702", "030105").send_ehf
	assert not Organisation("Annen", "KS", "971032146").send_ehf
