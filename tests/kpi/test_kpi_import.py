"""Importing BWT archives: folders and tars of .xml/.xml.gz/.json, deduplicated, resumable,
with every skip reported by snapshot — on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import io
import tarfile
from pathlib import Path

import pytest
from kpi_testdata import feed_xml, port_xml, sy_passenger

from conftest import shared_path
from smartborder.kpi import ImportSourceInvalid, import_bwt
from smartborder.store import kpi as kpi_store


def _archive(folder: Path) -> None:
    folder.mkdir()
    # Two hourly snapshots; the second repeats the 4 pm reading (CBP updates hourly).
    (folder / "a-1600.xml").write_bytes(feed_xml([sy_passenger("At 4:00 pm PDT", 60)], at="19:5:0"))
    (folder / "a-1700.xml.gz").write_bytes(
        gzip.compress(feed_xml([sy_passenger("At 4:00 pm PDT", 60)], at="19:35:0"))
    )
    (folder / "a-1800.xml.gz").write_bytes(
        gzip.compress(feed_xml([sy_passenger("At 5:00 pm PDT", 45)], at="20:5:0"))
    )
    # Broken ones: truncated XML that still holds one good port, garbage, a per-port RSS.
    doc = feed_xml(
        [sy_passenger("At 6:00 pm PDT", 30), port_xml("250601", name="Otay Mesa")], at="21:5:0"
    )
    (folder / "a-1900.xml").write_bytes(doc[: doc.index(b"250601") + 20])
    (folder / "b-junk.xml").write_bytes(b"\xff\xfe garbage")
    (folder / "c-rss.xml").write_bytes(b"<?xml version='1.0'?><rss><channel/></rss>")
    (folder / "notes.txt").write_text("not a snapshot")


def test_folder_import_dedupes_reports_and_resumes(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    _archive(tmp_path / "arch")
    report = import_bwt(sessions, [tmp_path / "arch"])
    assert report.snapshots_seen == 6 and report.snapshots_imported == 4
    assert (report.rows_read, report.rows_imported, report.rows_duplicate) == (4, 3, 1)
    assert report.snapshots_unsupported == 1 and report.snapshots_unreadable == 1
    assert report.snapshots_incomplete == 1  # a-1900, cut short; b-junk is unreadable
    by_source = {(Path(s.source).name, s.reason) for s in report.skipped}
    assert {
        ("a-1900.xml", "truncated"),
        ("b-junk.xml", "malformed"),
        ("c-rss.xml", "unsupported_format"),
    } <= by_source
    with sessions() as s:
        assert kpi_store.count_readings(s) == 3
    again = import_bwt(sessions, [tmp_path / "arch"])
    assert (again.snapshots_already_imported, again.snapshots_imported, again.rows_imported) == (
        6,
        0,
        0,
    )


def test_snapshot_counts_add_up(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "empty.xml").write_bytes(b"")
    (folder / "garbage.xml").write_bytes(b"this is not xml at all <<<")
    (folder / "random.xml.gz").write_bytes(bytes(range(256)) * 4)
    (folder / "wrong.json").write_bytes(b'{"hello": "world"}')
    for i in range(4):
        (folder / f"ok-{i}.xml").write_bytes(
            feed_xml([sy_passenger(f"At {1 + i}:00 pm PDT", 10 * i)], at=f"{16 + i}:10:0")
        )
    report = import_bwt(sessions, [folder])
    counts = (
        report.snapshots_seen,
        report.snapshots_imported,
        report.snapshots_already_imported,
        report.snapshots_unsupported,
        report.snapshots_unreadable,
        report.snapshots_incomplete,
    )
    assert counts == (8, 4, 0, 1, 3, 0)
    assert report.rows_imported == 4
    again = import_bwt(sessions, [folder])
    assert (again.snapshots_seen, again.snapshots_imported) == (8, 0)
    assert again.snapshots_seen == (
        again.snapshots_imported
        + again.snapshots_already_imported
        + again.snapshots_unsupported
        + again.snapshots_unreadable
    )


def test_interrupted_import_resumes_where_it_stopped(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    _archive(tmp_path / "arch")
    first = import_bwt(sessions, [tmp_path / "arch" / "a-1600.xml"])
    assert first.snapshots_imported == 1
    rest = import_bwt(sessions, [tmp_path / "arch"], batch_snapshots=2)
    assert (rest.snapshots_already_imported, rest.snapshots_imported) == (1, 3)
    with sessions() as s:
        assert kpi_store.count_readings(s) == 3


def test_tar_of_gzipped_snapshots(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    tar_path = tmp_path / "feed.tar"
    with tarfile.open(tar_path, "w") as tf:
        for i, (when, delay) in enumerate([("At 4:00 pm PDT", 60), ("At 5:00 pm PDT", 45)]):
            data = gzip.compress(feed_xml([sy_passenger(when, delay)], at=f"{19 + i}:5:0"))
            info = tarfile.TarInfo(f"2025-07/rss-{i}.xml.gz")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    report = import_bwt(sessions, [tar_path])
    assert (report.snapshots_imported, report.rows_imported) == (2, 2)
    assert report.skipped == []


def test_truncated_tar_reports_instead_of_crashing(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    tar_path = tmp_path / "feed.tar"
    with tarfile.open(tar_path, "w") as tf:
        for i in range(3):
            data = gzip.compress(
                feed_xml([sy_passenger(f"At {4 + i}:00 pm PDT", 10 * i)], at=f"{19 + i}:5:0")
            ) + bytes(3000)
            info = tarfile.TarInfo(f"s{i}.xml.gz")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    raw = tar_path.read_bytes()
    cut = tmp_path / "cut.tar"
    cut.write_bytes(raw[: len(raw) // 2])
    report = import_bwt(sessions, [cut])
    assert report.rows_imported >= 1
    assert report.skipped  # the broken member or archive is named in the report


def test_missing_path_is_an_input_error(tmp_path: Path, sessions) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportSourceInvalid):
        import_bwt(sessions, [tmp_path / "nope"])


def test_real_month_of_the_archive(sessions) -> None:  # type: ignore[no-untyped-def]
    tar = shared_path("data", "bwt", "bwt-feed-2025-03.tar")
    report = import_bwt(sessions, [tar])
    # 102 snapshots: 20 early ones are per-port RSS (El Paso), the rest bwt.xml.
    assert report.snapshots_seen == 102 and report.snapshots_unsupported == 20
    assert report.rows_imported > 5000
    assert set(report.skipped_by_reason) <= {
        "unsupported_format",
        "excluded_listing",
        "unknown_port",
    }
    assert report.lanes_without_reading["n_a"] > 0
    again = import_bwt(sessions, [tar])
    assert again.snapshots_already_imported == 102 and again.rows_imported == 0
