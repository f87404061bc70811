"""``data fetch bwt``: CBP's feed polled with conditional requests into the monthly snapshot
archives ``kpi import-bwt`` reads, new snapshots imported, failures written nowhere."""

from __future__ import annotations

import gzip
import json
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kpi_testdata import feed_xml, sy_passenger
from recorded_server import HTML_PORTAL, BwtFeed, RecordedServer, Reply, recorded_server
from typer.testing import CliRunner

from conftest import shared_path
from smartborder.cli import app as cli_app
from smartborder.kpi import FetchFailed, http_client, import_bwt, poll_bwt
from smartborder.kpi.bwt_poll import STATE_FILE
from smartborder.store import kpi as kpi_store

FEED_1 = feed_xml([sy_passenger("At 1:00 pm PDT", 30)], at="16:5:0")
FEED_2 = feed_xml([sy_passenger("At 2:00 pm PDT", 45)], at="17:5:0")
T1 = datetime(2025, 7, 1, 20, 5, tzinfo=UTC)
T2 = datetime(2025, 7, 1, 21, 5, tzinfo=UTC)


@pytest.fixture
def feed() -> Iterator[tuple[RecordedServer, BwtFeed]]:
    with recorded_server() as server:
        f = BwtFeed(FEED_1)
        f.install(server)
        yield server, f


def members(tar: Path) -> list[str]:
    with tarfile.open(tar) as tf:
        return tf.getnames()


def test_a_real_snapshot_is_archived_imported_and_a_304_costs_nothing(
    tmp_path: Path, sessions
) -> None:  # type: ignore[no-untyped-def]
    archive = shared_path("data", "bwt", "bwt-feed-2025-04.tar")
    with tarfile.open(archive) as tf:
        first = sorted(m for m in tf.getnames() if m.endswith(".xml.gz"))[0]
        real = gzip.decompress(tf.extractfile(first).read())  # type: ignore[union-attr]
    with recorded_server() as server, http_client(timeout_s=5) as client:
        BwtFeed(real).install(server)
        got = poll_bwt(tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T1)
        before = (tmp_path / "bwt-feed-2025-07.tar").read_bytes()
        again = poll_bwt(
            tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T2
        )
    assert got.status == "new" and got.report is not None and got.report.rows_imported > 20
    assert members(tmp_path / "bwt-feed-2025-07.tar") == ["2025-07/bwt-2025-07-01_20-05-00.xml.gz"]
    assert again.status == "unchanged" and again.report is None
    assert server.seen[-1].headers["If-None-Match"] == '"v1"'
    assert (tmp_path / "bwt-feed-2025-07.tar").read_bytes() == before
    with sessions() as s:
        assert kpi_store.count_readings(s) == got.report.rows_imported


def test_each_new_feed_becomes_one_member_and_importing_the_archive_later_skips_them(
    feed: tuple[RecordedServer, BwtFeed], tmp_path: Path, sessions
) -> None:  # type: ignore[no-untyped-def]
    server, f = feed
    with http_client(timeout_s=5) as client:
        poll_bwt(tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T1)
        f.publish(FEED_2, '"v2"')
        second = poll_bwt(
            tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T2
        )
    assert second.status == "new" and second.report and second.report.rows_imported == 1
    tar = tmp_path / "bwt-feed-2025-07.tar"
    assert members(tar) == [
        "2025-07/bwt-2025-07-01_20-05-00.xml.gz",
        "2025-07/bwt-2025-07-01_21-05-00.xml.gz",
    ]
    with tarfile.open(tar) as tf:
        assert gzip.decompress(tf.extractfile(members(tar)[1]).read()) == FEED_2  # type: ignore[union-attr]
    later = import_bwt(sessions, [tmp_path])  # the whole folder, as `kpi import-bwt DIR` reads it
    assert later.snapshots_seen == later.snapshots_already_imported == 2
    assert later.rows_imported == 0


def test_a_server_without_validators_sending_the_same_feed_writes_nothing(
    tmp_path: Path,
) -> None:
    with recorded_server() as server, http_client(timeout_s=5) as client:
        server.routes["/xml/bwt.xml"] = lambda seen: Reply(body=FEED_1)
        first = poll_bwt(tmp_path, base_url=server.base_url, client=client, now=T1)
        second = poll_bwt(tmp_path, base_url=server.base_url, client=client, now=T2)
    assert (first.status, second.status) == ("new", "same_content")
    assert len(members(tmp_path / "bwt-feed-2025-07.tar")) == 1


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(body=HTML_PORTAL, headers={"Content-Type": "text/html"}), "not_data"),
        (Reply(body=b"<?xml version='1.0'?><rss><channel/></rss>"), "not_data"),
        (Reply(status=500, body=b"oops"), "http_status"),
        (Reply(body=FEED_2, cut_at=len(FEED_2) // 2), "truncated"),
        (Reply(body=FEED_2[: len(FEED_2) // 2]), "truncated"),  # whole body, but half a feed
        (Reply(body=b""), "truncated"),
        (Reply(body=FEED_2, delay_s=1.5), "timeout"),
    ],
    ids=["html", "other-xml", "500", "cut", "half-a-feed", "empty", "timeout"],
)
def test_a_bad_answer_writes_and_imports_nothing(
    feed: tuple[RecordedServer, BwtFeed], tmp_path: Path, sessions, reply: Reply, reason: str
) -> None:  # type: ignore[no-untyped-def]
    server, f = feed
    with http_client(timeout_s=0.5) as client:
        poll_bwt(tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T1)
        tar_before = (tmp_path / "bwt-feed-2025-07.tar").read_bytes()
        state_before = (tmp_path / STATE_FILE).read_bytes()
        f.next = reply
        with pytest.raises(FetchFailed) as failed:
            poll_bwt(tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T2)
    err = failed.value
    assert err.extra["reason"] == reason and err.extra["source"] == "bwt"
    assert f"{server.base_url}/xml/bwt.xml" in err.message.en
    assert "CBP Border Wait Times" in err.message.en and "CBP" in err.message.es
    assert (tmp_path / "bwt-feed-2025-07.tar").read_bytes() == tar_before
    assert (tmp_path / STATE_FILE).read_bytes() == state_before
    with sessions() as s:
        assert kpi_store.count_readings(s) == 1  # the first snapshot's only


def test_an_append_cut_short_by_a_crash_is_dropped_and_the_archive_stays_readable(
    feed: tuple[RecordedServer, BwtFeed], tmp_path: Path
) -> None:
    server, f = feed
    with http_client(timeout_s=5) as client:
        poll_bwt(tmp_path, base_url=server.base_url, client=client, now=T1)
        tar = tmp_path / "bwt-feed-2025-07.tar"
        good = members(tar)
        state = json.loads((tmp_path / STATE_FILE).read_bytes())
        info = tarfile.TarInfo("2025-07/bwt-crashed.xml.gz")
        info.size = 5000
        with open(tar, "r+b") as fh:  # half a member where the end marker was, as a crash leaves it
            fh.seek(state["tar_end"])
            fh.write(info.tobuf(tarfile.USTAR_FORMAT) + b"x" * 1000)
            fh.truncate()
        f.publish(FEED_2, '"v2"')
        poll_bwt(tmp_path, base_url=server.base_url, client=client, now=T2)
    assert members(tar) == [*good, "2025-07/bwt-2025-07-01_21-05-00.xml.gz"]


def test_cli_once_fails_with_exit_1_and_a_bilingual_message_on_a_dns_failure(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTBORDER_FETCH_TIMEOUT_S", "3")  # .invalid never resolves (RFC 6761)
    out = CliRunner().invoke(
        cli_app, ["data", "fetch", "bwt", "--once", "--base-url", "http://feed.invalid"]
    )
    assert out.exit_code == 1
    assert "http://feed.invalid/xml/bwt.xml" in out.stderr
    assert "cannot connect" in out.stderr and "no se puede conectar" in out.stderr


def test_cli_scheduled_polls_carry_on_after_a_failure_and_import(
    feed: tuple[RecordedServer, BwtFeed], home: Path
) -> None:
    server, f = feed
    f.next = Reply(status=503, body=b"busy")
    out = CliRunner().invoke(
        cli_app,
        ["data", "fetch", "bwt", "--every", "1s", "--polls", "3", "--base-url", server.base_url],
    )
    assert out.exit_code == 0, out.output
    assert "HTTP 503" in out.stderr and "el servidor respondió HTTP 503" in out.stderr
    assert "readings 1 imported" in out.stdout and "unchanged (304)" in out.stdout
    assert len(list((home / "data" / "bwt").glob("bwt-feed-*.tar"))) == 1
    shown = CliRunner().invoke(cli_app, ["kpi", "show"])
    assert "BWT readings:      1" in shown.output


@pytest.mark.parametrize("every", ["-1m", "0s", "soon", "5d"])
def test_cli_a_bad_period_is_a_usage_error(home: Path, every: str) -> None:
    args = ["data", "fetch", "bwt", "--every", every, "--base-url", "http://feed.invalid"]
    out = CliRunner().invoke(cli_app, args)
    assert out.exit_code == 2
    assert "--every" in out.stderr and "30s, 5m or 1h" in out.stderr


def test_a_snapshot_whose_import_did_not_finish_is_imported_at_the_next_poll(
    feed: tuple[RecordedServer, BwtFeed],
    tmp_path: Path,
    sessions,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import smartborder.kpi.bwt_poll as bwt_poll

    server, _ = feed
    real_import = bwt_poll.import_bwt_snapshots

    def store_down(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("database is locked")

    with http_client(timeout_s=5) as client:
        monkeypatch.setattr(bwt_poll, "import_bwt_snapshots", store_down)
        with pytest.raises(OSError):
            poll_bwt(tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T1)
        monkeypatch.setattr(bwt_poll, "import_bwt_snapshots", real_import)
        later = poll_bwt(
            tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T2
        )
        again = poll_bwt(
            tmp_path, base_url=server.base_url, client=client, sessions=sessions, now=T2
        )
    assert later.status == "unchanged" and later.report and later.report.rows_imported == 1
    assert again.report is None
    with sessions() as s:
        assert kpi_store.count_readings(s) == 1
    assert len(members(tmp_path / "bwt-feed-2025-07.tar")) == 1
