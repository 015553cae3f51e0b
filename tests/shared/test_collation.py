from kdf_app.shared.core.collation import field_key, sort_key, sort_norwegian


def test_the_alphabet_ends_with_ae_oe_aa():
	names = ["Åfjord", "Ål", "Ålesund", "Alstahaug", "Øygarden", "Ærø", "Zeta", "Vågå", "Våler", "Vaksdal"]
	assert sort_norwegian(names) == [
		"Alstahaug", "Vaksdal", "Vågå", "Våler", "Zeta", "Ærø", "Øygarden", "Åfjord", "Ål", "Ålesund",
	]  # fmt: skip


def test_python_and_the_database_collation_get_it_wrong():
	# code point order puts Å before Æ and capitals before small letters (the database's unicode_ci files Å
	# as A: the integration tests show that one)
	assert sorted(["ål", "Bø", "Alta"]) == ["Alta", "Bø", "ål"]
	assert sort_norwegian(["ål", "Bø", "alta"]) == ["alta", "Bø", "ål"]
	assert sorted(["ål", "Bø", "alta"]) == ["Bø", "alta", "ål"]
	assert sorted(["Øst", "Ås", "Ærø"]) == ["Ås", "Ærø", "Øst"]
	assert sort_norwegian(["Øst", "Ås", "Ærø"]) == ["Ærø", "Øst", "Ås"]


def test_case_and_accents_do_not_decide():
	assert sort_norwegian(["berg", "Bakken", "André", "Andersen", "Ana"]) == [
		"Ana", "Andersen", "André", "Bakken", "berg",
	]  # fmt: skip
	assert sort_norwegian(["Éide", "eide", "Eide"]) == ["eide", "Eide", "Éide"]


def test_aa_files_as_aa_ring_and_the_nordic_variants():
	assert sort_norwegian(["Aasen", "Øyen", "Zahl", "Andersen"]) == ["Andersen", "Zahl", "Øyen", "Aasen"]
	assert sort_norwegian(["Haakon", "Håvard", "Hagen"]) == ["Hagen", "Haakon", "Håvard"]
	# ä as æ, ö as ø, ü as y
	assert sort_norwegian(["Östberg", "Ødegård", "Øberg"]) == ["Øberg", "Ødegård", "Östberg"]
	assert sort_norwegian(["Bäcker", "Bøe", "Bæk", "Bye"]) == ["Bye", "Bäcker", "Bæk", "Bøe"]
	assert sort_norwegian(["Müller", "Myhre", "Mørk"]) == ["Myhre", "Müller", "Mørk"]


def test_punctuation_and_space_before_letters_digits_before_letters():
	assert sort_norwegian(["Nordkapp", "Nord-Fron", "Nord Aurdal", "Nordre Land"]) == [
		"Nord Aurdal", "Nord-Fron", "Nordkapp", "Nordre Land",
	]  # fmt: skip
	assert sort_norwegian(["Bydel 2", "Bydel 10", "Bydel A"]) == ["Bydel 10", "Bydel 2", "Bydel A"]


def test_empty_and_none_first_and_the_order_is_total():
	assert sort_norwegian([None, "b", "", "a"])[2:] == ["a", "b"]
	assert sort_norwegian(["b", None, "a"]) == [None, "a", "b"]
	assert sort_key("Ål") != sort_key("ål")


def test_rows_by_fields():
	rows = [
		{"org": "Ål", "name": "Berit"},
		{"org": "Alta", "name": "Øyvind"},
		{"org": "Alta", "name": "Anne"},
	]
	assert [(r["org"], r["name"]) for r in sorted(rows, key=field_key("org", "name"))] == [
		("Alta", "Anne"), ("Alta", "Øyvind"), ("Ål", "Berit"),
	]  # fmt: skip
	assert sort_norwegian(rows, key=lambda r: r["name"], reverse=True)[0]["name"] == "Øyvind"
