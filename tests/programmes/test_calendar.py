from datetime import datetime

import pytest

from kdf_app.kdf_programmes.core.calendar import CANCEL, REQUEST, Event, build_ics, escape, fold, unfold, utc

OSLO = "Europe/Oslo"
EVENT = Event(
	uid="PAM-2026-00001@kdf.example",
	start=datetime(2023, 9, 6, 10, 0),
	end=datetime(2023, 9, 7, 15, 0),
	summary="Topplederprogram: Kommunedirektøren, myndighet; og rolle",
	location="Grand Hotel, Oslo",
	organizer_email="post@kommunedirektor.no",
	organizer_name="Norsk Kommunedirektørforum",
	attendee_email="leder@example.no",
	attendee_name='Kari "K" Nordmann',
)
STAMP = datetime(2023, 8, 1, 12, 0)


def props(text):
	out = {}
	for line in unfold(text):
		key, _, value = line.partition(":")
		out.setdefault(key.split(";")[0], value)
	return out


def test_request_has_the_event_in_utc():
	text = build_ics(EVENT, REQUEST, OSLO, STAMP)
	p = props(text)
	assert p["METHOD"] == "REQUEST"
	assert p["UID"] == "PAM-2026-00001@kdf.example"
	assert p["SEQUENCE"] == "0"
	# September: Oslo is UTC+2
	assert p["DTSTART"] == "20230906T080000Z"
	assert p["DTEND"] == "20230907T130000Z"
	assert p["DTSTAMP"] == "20230801T100000Z"
	assert p["LOCATION"] == "Grand Hotel\\, Oslo"
	assert p["SUMMARY"] == "Topplederprogram: Kommunedirektøren\\, myndighet\\; og rolle"
	assert p["STATUS"] == "CONFIRMED"
	assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
	assert "\n" not in text.replace("\r\n", "")  # only CRLF line ends


def test_cancel_has_the_same_uid_and_a_higher_sequence():
	request, cancel = (
		props(build_ics(EVENT, REQUEST, OSLO, STAMP)),
		props(build_ics(EVENT, CANCEL, OSLO, STAMP)),
	)
	assert cancel["METHOD"] == "CANCEL"
	assert cancel["UID"] == request["UID"]
	assert int(cancel["SEQUENCE"]) > int(request["SEQUENCE"])
	assert cancel["STATUS"] == "CANCELLED"


def test_winter_time_is_utc_plus_one():
	assert utc(datetime(2024, 1, 15, 9, 0), OSLO) == "20240115T080000Z"


def test_escaping():
	assert escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
	assert escape(None) == ""
	assert escape("x\r\ny") == "x\\ny"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
	line = "DESCRIPTION:" + "æøå" * 60
	folded = fold(line)
	parts = folded.split("\r\n")
	assert len(parts) > 1
	assert all(len(p.encode("utf-8")) <= 75 for p in parts)
	assert all(p.startswith(" ") for p in parts[1:])
	assert unfold(folded + "\r\n") == [line]


def test_every_line_of_a_long_event_is_at_most_75_octets():
	event = Event(uid="u@x", start=EVENT.start, end=EVENT.end, summary="Å" * 200, location="ø" * 100)
	text = build_ics(event, REQUEST, OSLO, STAMP)
	assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
	assert props(text)["SUMMARY"] == "Å" * 200


def test_attendee_name_is_quoted_and_cannot_break_the_line():
	text = build_ics(EVENT, REQUEST, OSLO, STAMP)
	attendee = next(line for line in unfold(text) if line.startswith("ATTENDEE"))
	assert attendee == "ATTENDEE;CN=\"Kari 'K' Nordmann\";ROLE=REQ-PARTICIPANT:mailto:leder@example.no"
	evil = Event(
		uid="u",
		start=EVENT.start,
		end=EVENT.end,
		summary="s\r\nMETHOD:PUBLISH",
		attendee_name="a\r\nX:y",
		attendee_email="a@b.no",
	)
	lines = unfold(build_ics(evil, REQUEST, OSLO, STAMP))
	assert not any(line.startswith(("X:", "METHOD:PUBLISH")) for line in lines)


def test_refuses_unknown_method_and_backwards_event():
	with pytest.raises(ValueError):
		build_ics(EVENT, "PUBLISH", OSLO, STAMP)
	with pytest.raises(ValueError):
		build_ics(Event(uid="u", start=EVENT.end, end=EVENT.start, summary="s"), REQUEST, OSLO, STAMP)
