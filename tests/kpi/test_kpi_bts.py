"""BTS Border Crossing Entry Data: both published layouts, renamed measures, bad rows reported
with their line, the real files."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import shared_path
from smartborder.kpi import ImportSourceInvalid, import_bts, parse_bts
from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.tables.kpi import BtsCountRow

OLDER = (
    "Port Name,State,Port Code,Border,Date,Measure,Value,Location\n"
    'El Paso,Texas,2402,US-Mexico Border,03/01/2019 12:00:00 AM,Truck Containers Full,41000,"POINT (-106.45 31.76)"\n'
    'El Paso,Texas,2402,US-Mexico Border,03/01/2019 12:00:00 AM,Personal Vehicles,900000,"POINT (-106.45 31.76)"\n'
)
NEWER = (
    "Port Name,State,Port Code,Border,Date,Measure,Value,Latitude,Longitude,Point\n"
    "San Ysidro,California,2504,US-Mexico Border,Jan 2024,Pedestrians,600000,32.54,-117.03,POINT (-117.03 32.54)\n"
    "Alexandria Bay,New York,708,US-Canada Border,Jan 2024,Truck Containers Loaded,12000,44.35,-75.98,POINT (-75.98 44.35)\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_older_layout_with_location_and_full_dates(tmp_path: Path) -> None:
    parsed = parse_bts(_write(tmp_path, "old.csv", OLDER))
    assert parsed.layout == "older" and parsed.problems == []
    first = parsed.records[0]
    assert (first.port_code, first.month, first.measure, first.value) == (
        "2402",
        date(2019, 3, 1),
        "Truck Containers Loaded",
        41000,
    )
    assert first.border == "mexico"


def test_newer_layout_with_month_names_and_zero_padded_codes(tmp_path: Path) -> None:
    parsed = parse_bts(_write(tmp_path, "new.csv", NEWER))
    assert parsed.layout == "newer"
    assert [(r.port_code, r.month, r.border) for r in parsed.records] == [
        ("2504", date(2024, 1, 1), "mexico"),
        ("0708", date(2024, 1, 1), "canada"),
    ]


def test_zip_is_read_like_its_csv(tmp_path: Path) -> None:
    z = tmp_path / "bts.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("Border_Crossing_Entry_Data.csv", NEWER)
    parsed = parse_bts(z)
    assert len(parsed.records) == 2 and parsed.source.endswith("!Border_Crossing_Entry_Data.csv")


def test_bad_rows_are_reported_with_their_line_and_good_rows_kept(tmp_path: Path) -> None:
    text = NEWER + (
        "Nogales,Arizona,2604,US-Mexico Border,Jan 2024,Trucks,not-a-number,0,0,x\n"  # line 4
        "Nogales,Arizona,26X4,US-Mexico Border,Jan 2024,Trucks,10,0,0,x\n"  # line 5
        "Nogales,Arizona,2604,US-Mexico Border,Smarch 2024,Trucks,10,0,0,x\n"  # line 6
        "Nogales,Arizona,2604,US-Mexico Border,Jan 2024,Hovercraft,10,0,0,x\n"  # line 7
        "Nogales,Arizona,2604\n"  # line 8
        "Nogales,Arizona,2604,Moon Border,Jan 2024,Trucks,10,0,0,x\n"  # line 9
        "Nogales,Arizona,2604,US-Mexico Border,Jan 2024,Trucks,30000,0,0,x\n"  # line 10: good
        "Nogales,Arizona,2604,US-Mexico Border,Jan 2024,Trucks,31000,0,0,x\n"  # line 11: duplicate
    )
    parsed = parse_bts(_write(tmp_path, "bad.csv", text))
    assert [(p.line, p.reason) for p in parsed.problems] == [
        (4, "bad_value"), (5, "unknown_port"), (6, "bad_date"), (7, "unknown_measure"),
        (8, "malformed"), (9, "unknown_border"), (11, "duplicate"),
    ]  # fmt: skip
    assert "kept line 10" in parsed.problems[-1].detail and "differs" in parsed.problems[-1].detail
    assert [r.value for r in parsed.records if r.port_code == "2604"] == [30000]
    assert len(parsed.records) == 3
    assert parsed.rows_read == 10  # every data row, the skipped ones too


def test_a_made_up_us_mexico_port_is_skipped_but_historical_bts_codes_are_kept(
    tmp_path: Path,
) -> None:
    text = NEWER + (
        "Nowhere,California,9999,US-Mexico Border,Dec 2021,Buses,5,0,0,x\n"  # line 4
        "Ysleta,Texas,2401,US-Mexico Border,Apr 2020,Trucks,7,0,0,x\n"  # in BTS's own extract
        "Somewhere,Maine,9999,US-Canada Border,Dec 2021,Buses,5,0,0,x\n"  # no Canada registry
    )
    parsed = parse_bts(_write(tmp_path, "made-up.csv", text))
    assert [(p.line, p.reason) for p in parsed.problems] == [(4, "unknown_port")]
    assert "9999" in parsed.problems[0].detail
    assert [(r.port_code, r.border) for r in parsed.records] == [
        ("2504", "mexico"), ("0708", "canada"), ("2401", "mexico"), ("9999", "canada"),
    ]  # fmt: skip
    assert parsed.rows_read == 5


def test_windows_1252_file_is_read_and_noted(tmp_path: Path) -> None:
    text = NEWER.replace("San Ysidro", "San Ysídro")
    parsed = parse_bts(_write(tmp_path, "w.csv", text, encoding="cp1252"))
    assert parsed.records[0].port_name == "San Ysídro"
    assert [p.reason for p in parsed.problems] == ["encoding"]


def test_a_file_that_is_not_bts_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceInvalid):
        parse_bts(_write(tmp_path, "x.csv", "a,b,c\n1,2,3\n"))
    with pytest.raises(ImportSourceInvalid):
        parse_bts(tmp_path / "missing.csv")


def test_import_is_idempotent_and_a_new_release_replaces_counts(
    tmp_path: Path, database_url: str
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        path = _write(tmp_path, "new.csv", NEWER)
        import_bts(sessions, path)
        import_bts(sessions, path)
        revised = _write(tmp_path, "rev.csv", NEWER.replace("600000", "600123"))
        report = import_bts(sessions, revised)
        assert report.rows_imported == 2
        with sessions() as s:
            rows = s.scalars(select(BtsCountRow).order_by(BtsCountRow.port_code)).all()
        assert [(r.port_code, r.value) for r in rows] == [("0708", 12000), ("2504", 600123)]
    finally:
        engine.dispose()


def test_real_san_ysidro_file_imports(database_url: str) -> None:
    path = shared_path("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv")
    engine = make_engine(database_url)
    upgrade(engine)
    try:
        report = import_bts(session_factory(engine), path)
        assert (report.rows_read, report.rows_imported, report.skipped_by_reason) == (
            3285,
            3285,
            {},
        )
    finally:
        engine.dispose()


def test_real_full_extract_parses_with_its_known_duplicates() -> None:
    parsed = parse_bts(shared_path("data", "bts", "Border_Crossing_Entry_Data.zip"))
    # 375,612 data rows; 11 repeat a (port, month, measure) key already seen.
    assert parsed.rows_read == 375_612
    assert parsed.problem_counts == {"duplicate": 11}
    assert len(parsed.records) == 375_601
    assert {r.border for r in parsed.records} == {"mexico", "canada"}
