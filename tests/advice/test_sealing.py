"""Sealed case content: authenticated encryption, rotation, and refusal of anything that does not open."""

import pytest

from kdf_app.kdf_advice.core import sealing


@pytest.fixture
def keys():
	return [sealing.new_key()]


def test_a_sealed_value_holds_no_trace_of_the_text_and_opens_again(keys):
	text = "Konflikt med ordføreren om budsjettet — æøå"
	sealed = sealing.seal(text, keys)
	assert sealing.is_sealed(sealed)
	assert "ordføreren" not in sealed and "Konflikt" not in sealed
	assert sealing.open_value(sealed, keys) == text
	assert sealing.seal(text, keys) != sealed  # a fresh IV each time: equal texts do not look equal


def test_empty_stays_empty_and_sealing_twice_changes_nothing(keys):
	assert sealing.seal(None, keys) is None and sealing.seal("", keys) == ""
	assert sealing.open_value(None, keys) is None
	sealed = sealing.seal("x", keys)
	assert sealing.seal(sealed, keys) == sealed


def test_a_tampered_value_is_refused_never_shown(keys):
	sealed = sealing.seal("hemmelig", keys)
	body = sealed[len(sealing.PREFIX) :]
	tampered = sealing.PREFIX + body[:-6] + ("A" if body[-6] != "A" else "B") + body[-5:]
	with pytest.raises(sealing.SealBroken):
		sealing.open_value(tampered, keys)


def test_plain_text_in_a_sealed_field_is_refused(keys):
	with pytest.raises(sealing.SealBroken):
		sealing.open_value("skrevet rett i databasen", keys)


def test_another_key_does_not_open_it(keys):
	sealed = sealing.seal("hemmelig", keys)
	with pytest.raises(sealing.SealBroken):
		sealing.open_value(sealed, [sealing.new_key()])


def test_no_key_is_a_clear_error():
	with pytest.raises(sealing.NoKey):
		sealing.seal("x", [])
	with pytest.raises(sealing.NoKey):
		sealing.seal("x", ["not a key"])


def test_rotation_reseals_with_the_new_key_and_the_old_key_can_go(keys):
	sealed = sealing.seal("hemmelig", keys)
	rotated_keys = [sealing.new_key(), *keys]
	rotated = sealing.reseal(sealed, rotated_keys)
	assert rotated != sealed
	assert sealing.open_value(rotated, rotated_keys[:1]) == "hemmelig"
	with pytest.raises(sealing.SealBroken):
		sealing.open_value(sealed, rotated_keys[:1])
	with pytest.raises(sealing.SealBroken):
		sealing.reseal(sealed, [sealing.new_key()])


def test_attachments_are_sealed_as_bytes(keys):
	content = b"type,number\nKommune,1\n"
	sealed = sealing.seal_bytes(content, keys)
	assert b"Kommune" not in sealed
	assert sealing.open_bytes(sealed, keys) == content
	assert sealing.seal_bytes(sealed, keys) == sealed
	new = [sealing.new_key(), *keys]
	assert sealing.open_bytes(sealing.reseal_bytes(sealed, new), new[:1]) == content
	with pytest.raises(sealing.SealBroken):
		sealing.open_bytes(content, keys)
