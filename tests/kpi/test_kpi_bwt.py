"""The BWT parser reads what the real feed does: placeholders, local times, misspellings,
broken documents — keeping every good reading and reporting the rest."""

from __future__ import annotations

import gzip
import json
import tarfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from kpi_testdata import feed_xml, lane, port_xml, sy_passenger

from conftest import shared_path
from smartborder.kpi import parse_bwt, parse_update_time


def test_update_time_is_read_in_the_ports_zone() -> None:
    snap = parse_bwt(feed_xml([sy_passenger("At 4:00 pm PDT", 115)]), source="t")
    (r,) = snap.readings
    assert r.updated_at == datetime(2025, 7, 1, 23, 0, tzinfo=UTC)  # 4 pm PDT = UTC-7
    assert (r.port_number, r.mode, r.lane_type, r.delay_min, r.lanes_open) == (
        "250401",
        "passenger",
        "standard",
        115,
        5,
    )
    assert snap.taken_at == datetime(2025, 7, 2, 0, 5, tzinfo=UTC)  # 20:05 EDT header


def test_noon_midnight_and_hour_zero() -> None:
    zone = ZoneInfo("America/Chicago")
    day = date(2025, 7, 1)
    assert parse_update_time("At Noon CDT", local_date=day, zone=zone) == datetime(
        2025, 7, 1, 17, 0, tzinfo=UTC
    )
    assert parse_update_time("At Midnight CDT", local_date=day, zone=zone) == datetime(
        2025, 7, 1, 5, 0, tzinfo=UTC
    )
    # The real feed prints "At 0:08 am EDT" for 12:08 am.
    assert parse_update_time("At 0:08 am CDT", local_date=day, zone=zone) == datetime(
        2025, 7, 1, 5, 8, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        parse_update_time("At 13:00 pm CDT", local_date=day, zone=zone)
    with pytest.raises(ValueError):
        parse_update_time("soon", local_date=day, zone=zone)


def test_reading_from_before_midnight_seen_after_it_moves_back_a_day() -> None:
    # Snapshot at 00:10 EDT on 7/2 (04:10 UTC); San Ysidro's date is already 7/2 but its
    # last reading was at 11 pm PDT on 7/1.
    doc = feed_xml(
        [sy_passenger("At 11:00 pm PDT", 30, date="7/2/2025")], updated="2025-7-2", at="0:10:0"
    )
    (r,) = parse_bwt(doc, source="t").readings
    assert r.updated_at == datetime(2025, 7, 2, 6, 0, tzinfo=UTC)


def test_abbreviation_picks_the_repeated_hour_at_dst_fall_back() -> None:
    zone = ZoneInfo("America/Los_Angeles")
    day = date(2025, 11, 2)
    pdt = parse_update_time("At 1:30 am PDT", local_date=day, zone=zone)
    pst = parse_update_time("At 1:30 am PST", local_date=day, zone=zone)
    assert (pdt, pst) == (
        datetime(2025, 11, 2, 8, 30, tzinfo=UTC),
        datetime(2025, 11, 2, 9, 30, tzinfo=UTC),
    )


def test_placeholders_are_not_readings_but_are_counted() -> None:
    lanes = {
        ("passenger_vehicle_lanes", "standard_lanes"): lane("", "Update Pending"),
        ("passenger_vehicle_lanes", "NEXUS_SENTRI_lanes"): lane("", "Lanes Closed"),
        ("passenger_vehicle_lanes", "ready_lanes"): lane("At 4:00 pm PDT", "no delay", "0", "3"),
        ("pedestrian_lanes", "standard_lanes"): lane("", ""),
        ("pedestrian_lanes", "ready_lanes"): lane("N/A", "N/A"),  # seen in June 2025 at 240201
    }
    snap = parse_bwt(
        feed_xml([port_xml(lanes=lanes, max_lanes={"commercial_vehicle_lanes": "N/A"})]), source="t"
    )
    assert [(r.lane_type, r.status, r.delay_min) for r in snap.readings] == [
        ("ready", "no_delay", 0)
    ]
    assert (
        snap.statuses["pending"] == 1
        and snap.statuses["closed"] == 1
        and snap.statuses["empty"] == 1
    )
    assert snap.statuses["n_a"] == 3  # commercial standard and FAST, pedestrian ready
    assert snap.ports[0].max_lanes["commercial"] is None
    assert snap.problems == []


def test_both_spellings_of_pedestrian_automation_are_read() -> None:
    for misspelt in (True, False):
        snap = parse_bwt(feed_xml([port_xml(misspelt=misspelt)]), source="t")
        assert snap.ports[0].automation["pedestrian"] == "Manual"


def test_truncated_xml_keeps_the_complete_ports_before_the_break() -> None:
    ports = [
        sy_passenger("At 4:00 pm PDT", 10),
        port_xml(
            "250601",
            name="Otay Mesa",
            lanes={
                ("passenger_vehicle_lanes", "standard_lanes"): lane(
                    "At 4:00 pm PDT", "delay", "40", "6"
                )
            },
        ),
    ]
    doc = feed_xml(ports)
    cut = doc[: doc.index(b"250601") + 40]
    snap = parse_bwt(cut, source="snap-1.xml")
    assert [r.port_number for r in snap.readings] == ["250401"]
    assert not snap.complete
    (p,) = snap.problems
    assert p.reason == "truncated" and p.source == "snap-1.xml" and p.line == 1


def test_truncated_gzip_keeps_what_decompresses() -> None:
    doc = feed_xml(
        [sy_passenger("At 4:00 pm PDT", 10)] + [port_xml("250601", name="Otay Mesa")] * 30
    )
    gz = gzip.compress(doc)
    snap = parse_bwt(gz[:-60], source="s.xml.gz")
    assert [r.port_number for r in snap.readings] == ["250401"]
    assert 1 <= len(snap.ports) < 31
    assert {p.reason for p in snap.problems} == {"truncated"}


def test_latin1_bytes_declared_as_utf8_are_reread_not_lost() -> None:
    doc = feed_xml(
        [port_xml(crossing="Peñitas"), sy_passenger("At 4:00 pm PDT", 10)], encoding="UTF-8"
    )
    doc = doc.replace("Peñitas".encode(), "Peñitas".encode("latin-1"))
    snap = parse_bwt(doc, source="t")
    assert [p.reason for p in snap.problems] == ["encoding"]
    assert snap.ports[0].crossing_name == "Peñitas"
    assert len(snap.readings) == 1


def test_a_latin1_byte_after_complete_ports_rereads_the_whole_document() -> None:
    ports = [port_xml("250601", name="Otay Mesa")] * 67
    ports += [port_xml(name="San Ysidró"), sy_passenger("At 4:00 pm PDT", 10)]
    ports += [port_xml("250601", name="Otay Mesa")] * 11
    doc = feed_xml(ports, encoding="UTF-8").replace("ó".encode(), "ó".encode("latin-1"))
    snap = parse_bwt(doc, source="t")
    assert [p.reason for p in snap.problems] == ["encoding"]
    assert snap.complete and len(snap.ports) == 80
    assert snap.ports[67].port_name == "San Ysidró"
    assert len(snap.readings) == 1


def test_iso_8859_1_as_served() -> None:
    doc = feed_xml([port_xml(crossing="Señor Bridge")])
    assert "Señor".encode("latin-1") in doc
    assert parse_bwt(doc, source="t").ports[0].crossing_name == "Señor Bridge"


def test_unknown_ports_and_placeholder_listings_are_skipped_and_reported() -> None:
    ports = [
        port_xml("999999"),  # on the Mexican border but no such crossing
        port_xml("240207"),  # CBP's placeholder for Bridge of the Americas
        port_xml("L01901", border="Canadian Border"),
        port_xml("250401", border="Atlantis Border"),
        sy_passenger("At 4:00 pm PDT", 10),
    ]
    snap = parse_bwt(feed_xml(ports), source="t")
    reasons = [(p.port_number, p.reason) for p in snap.problems]
    assert reasons == [
        ("999999", "unknown_port"),
        ("240207", "excluded_listing"),
        ("L01901", "unknown_port"),
        ("250401", "unknown_port"),
    ]
    assert len(snap.readings) == 1


def test_fort_hancock_feed_number_is_a_known_crossing() -> None:
    doc = port_xml(
        "l24501",
        name="Fort Hancock",
        lanes={
            ("passenger_vehicle_lanes", "standard_lanes"): lane(
                "At 2:00 pm MDT", "no delay", "0", "1"
            )
        },
    )
    (r,) = parse_bwt(feed_xml([doc]), source="t").readings
    assert r.updated_at == datetime(2025, 7, 1, 20, 0, tzinfo=UTC)


def test_canadian_crossing_uses_the_feeds_abbreviation() -> None:
    doc = port_xml(
        "090104",
        border="Canadian Border",
        name="Buffalo",
        lanes={
            ("commercial_vehicle_lanes", "standard_lanes"): lane(
                "At 1:17 pm EDT", "no delay", "3", "2"
            )
        },
    )
    (r,) = parse_bwt(feed_xml([doc]), source="t").readings
    assert (r.border, r.updated_at) == ("canada", datetime(2025, 7, 1, 17, 17, tzinfo=UTC))


def test_bad_numbers_and_times_skip_only_that_lane() -> None:
    lanes = {
        ("passenger_vehicle_lanes", "standard_lanes"): lane("At 4:00 pm PDT", "delay", "ten", "5"),
        ("passenger_vehicle_lanes", "NEXUS_SENTRI_lanes"): lane(
            "At 25:00 pm PDT", "delay", "10", "5"
        ),
        ("passenger_vehicle_lanes", "ready_lanes"): lane("At 4:00 pm PDT", "delay", "20", "4"),
    }
    snap = parse_bwt(feed_xml([port_xml(lanes=lanes)]), source="t")
    assert [r.lane_type for r in snap.readings] == ["ready"]
    assert sorted(p.reason for p in snap.problems) == ["bad_number", "bad_time"]


def test_rss_and_garbage_are_reported_not_raised() -> None:
    rss = parse_bwt(
        b"<?xml version='1.0'?><rss version='2.0'><channel></channel></rss>", source="r"
    )
    assert not rss.supported and rss.problems[0].reason == "unsupported_format"
    junk = parse_bwt(b"\x00\x01 not xml at all", source="j")
    assert junk.readings == [] and junk.problems[0].reason == "malformed"
    html = parse_bwt(
        b"<HTML><HEAD><TITLE>Error</TITLE></HEAD><BODY>Service Unavailable<BR></BODY></HTML>",
        source="h",
    )
    assert not html.supported and "HTML page" in html.problems[0].detail
    empty = parse_bwt(b"", source="e")
    assert empty.readings == [] and empty.problems


def test_json_api_form() -> None:
    doc = [
        {
            "port_number": "250401", "border": "Mexican Border", "port_name": "San Ysidro",
            "crossing_name": "", "hours": "24 hrs/day", "date": "7/1/2025", "time": "16:25:16",
            "port_status": "Open",
            "passenger_vehicle_lanes": {
                "maximum_lanes": "34", "pv_automation_type": "Manual",
                "standard_lanes": {"update_time": "At 4:00 pm PDT", "operational_status": "delay", "delay_minutes": "95", "lanes_open": "20"},
                "NEXUS_SENTRI_lanes": {"update_time": "", "operational_status": "Update Pending", "delay_minutes": "", "lanes_open": ""},
            },
            "pedestrian_lanes": {"maximum_lanes": "N/A", "ped_automation_type": "Manual", "standard_lanes": {"update_time": "", "operational_status": "N/A", "delay_minutes": "", "lanes_open": ""}},
        }
    ]  # fmt: skip
    snap = parse_bwt(json.dumps(doc).encode(), source="bwt.json")
    (r,) = snap.readings
    assert (r.delay_min, r.lanes_open, r.max_lanes) == (95, 20, 34)
    assert r.updated_at == datetime(2025, 7, 1, 23, 0, tzinfo=UTC)
    assert snap.ports[0].automation["passenger"] == "Manual"
    assert snap.statuses == {"pending": 1, "n_a": 1}


def test_real_snapshot() -> None:
    tar = shared_path("data", "bwt", "bwt-feed-2025-03.tar")
    with tarfile.open(tar) as tf:
        member = max((m for m in tf.getmembers() if m.isfile()), key=lambda m: m.name)
        data = tf.extractfile(member).read()  # type: ignore[union-attr]
    snap = parse_bwt(data, source=member.name)
    assert snap.supported and snap.complete and snap.taken_at is not None
    mexico = {r.port_number for r in snap.readings if r.border == "mexico"}
    assert {"250401", "250601"} <= mexico  # San Ysidro and Otay Mesa report hourly
    # Every reading is from before the snapshot (no reading placed a day ahead).
    assert all(r.updated_at <= snap.taken_at + timedelta(hours=1) for r in snap.readings)
    assert min(r.updated_at for r in snap.readings) > snap.taken_at - timedelta(days=1)
