"""``data fetch bts``: BTS counts through Socrata's API, paged, resumable, checksummed, atomic, and
never imported in part — against a local server answering recorded responses."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from recorded_server import (
    HTML_PORTAL,
    RecordedServer,
    Reply,
    Socrata,
    recorded_server,
    soda_csv,
    soda_rows_from_bts_csv,
)
from typer.testing import CliRunner

from conftest import shared_path
from smartborder.cli import app as cli_app
from smartborder.kpi import FetchFailed, fetch_bts, http_client, import_bts, import_fetched_bts
from smartborder.kpi.bts_fetch import FILE_NAME
from smartborder.store import kpi as kpi_store

ROWS = [
    ["San Ysidro", "California", "2504", "US-Mexico Border", f"2024-{m:02d}-01T00:00:00.000", measure, str(1000 * m + i)]
    for m in range(1, 6)
    for i, measure in enumerate(("Pedestrians", "Trucks", "Buses", "Personal Vehicles", "Trains"))
]  # fmt: skip  # 25 rows


@pytest.fixture
def soda() -> Iterator[tuple[RecordedServer, Socrata]]:
    with recorded_server() as server:
        data = Socrata(list(ROWS))
        data.install(server)
        yield server, data


def offsets(server: RecordedServer) -> list[int]:
    return [int(q["$offset"]) for q in server.queries("/resource/keg4-3bc2.csv")]


def test_fetch_bts_pages_the_real_san_ysidro_extract_and_imports_what_kpi_import_bts_does(
    home: Path, tmp_path: Path, sessions
) -> None:  # type: ignore[no-untyped-def]
    original = shared_path("data", "bts", "san_ysidro_Border_Crossing_Entry_Data.csv")
    rows = soda_rows_from_bts_csv(original.read_text())
    with recorded_server() as server:
        Socrata(rows).install(server)
        out = CliRunner().invoke(
            cli_app,
            [
                "data",
                "fetch",
                "bts",
                "--base-url",
                server.base_url,
                "--page-rows",
                "1000",
                "--json",
            ],
        )
    assert out.exit_code == 0, out.output
    assert offsets(server) == list(range(0, len(rows) // 1000 * 1000 + 1, 1000))
    fetched = home / "data" / "bts" / FILE_NAME
    assert fetched.read_bytes() == soda_csv(rows)
    assert (home / "data" / "bts" / f"{FILE_NAME}.sha256").exists()
    assert not list((home / "data" / "bts").glob("*.part*"))
    report = json.loads(out.stdout)  # progress and summary go to stderr
    direct = import_bts(sessions, original)  # the published file, imported as it is
    assert report["rows_imported"] == direct.rows_imported > 3000
    assert report["layout"] == "minimal"


def test_a_cut_connection_fails_imports_nothing_and_the_next_run_resumes_at_the_next_page(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path, sessions
) -> None:  # type: ignore[no-untyped-def]
    server, data = soda
    full = soda_csv(ROWS)
    page_two = soda_csv(ROWS[10:20])
    data.misbehave[10] = Reply(body=page_two, cut_at=len(page_two) // 2)
    with http_client(timeout_s=5) as client, pytest.raises(FetchFailed) as failed:
        fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    assert failed.value.extra["reason"] == "truncated"
    assert not (tmp_path / FILE_NAME).exists()  # nothing to import
    with sessions() as s:
        assert kpi_store.count_bts(s) == 0
    server.seen.clear()
    with http_client(timeout_s=5) as client:
        got = fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    assert got.resumed_at_row == 10 and offsets(server) == [10, 20]
    assert (tmp_path / FILE_NAME).read_bytes() == full
    report = import_fetched_bts(sessions, got.path, url=got.url)
    assert report.rows_imported == 25


def test_a_damaged_partial_download_is_started_over_not_resumed(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path
) -> None:
    server, data = soda
    data.misbehave[20] = Reply(status=503)
    with http_client(timeout_s=5) as client, pytest.raises(FetchFailed):
        fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    part = tmp_path / f"{FILE_NAME}.part"
    part.write_bytes(part.read_bytes().replace(b"Trucks", b"Trackz"))
    server.seen.clear()
    with http_client(timeout_s=5) as client:
        got = fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    assert got.resumed_at_row == 0 and offsets(server) == [0, 10, 20]
    assert got.path.read_bytes() == soda_csv(ROWS)


def test_a_dataset_republished_mid_download_is_fetched_again_from_the_start(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path
) -> None:
    server, data = soda
    first_page = data.page

    def republish_after_first(seen):  # type: ignore[no-untyped-def]
        reply = first_page(seen)
        if seen.query["$offset"] == "0":
            data.truth = "Wed, 02 Dec 2026 00:00:00 GMT"
        return reply

    server.routes["/resource/keg4-3bc2.csv"] = republish_after_first
    with http_client(timeout_s=5) as client:
        got = fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    assert offsets(server) == [0, 10, 0, 10, 20]
    assert got.path.read_bytes() == soda_csv(ROWS)


def test_a_file_that_no_longer_matches_its_checksum_is_not_imported(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path, sessions
) -> None:  # type: ignore[no-untyped-def]
    server, _ = soda
    with http_client(timeout_s=5) as client:
        got = fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    got.path.write_bytes(got.path.read_bytes().replace(b"1001", b"9001"))
    with pytest.raises(FetchFailed) as failed:
        import_fetched_bts(sessions, got.path, url=got.url)
    assert failed.value.extra["reason"] == "checksum"
    with sessions() as s:
        assert kpi_store.count_bts(s) == 0


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(body=HTML_PORTAL, headers={"Content-Type": "text/html"}), "not_data"),
        (Reply(body=HTML_PORTAL, headers={"Content-Type": "text/csv"}), "not_data"),
        (Reply(status=500, body=b"oops"), "http_status"),
        (Reply(body=b'"a","b"\n"1","2"\n'), "not_data"),
        (Reply(body=soda_csv(ROWS[:10])[:-1]), "truncated"),  # no final newline
        (Reply(body=b""), "truncated"),
        (Reply(body=soda_csv(ROWS[:10]), delay_s=1.5), "timeout"),
    ],
    ids=["html", "html-labelled-csv", "500", "other-csv", "no-final-newline", "empty", "timeout"],
)
def test_a_bad_answer_is_a_fetch_failed_naming_the_source_and_url_in_both_languages(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path, reply: Reply, reason: str
) -> None:
    server, data = soda
    data.misbehave[0] = reply
    with http_client(timeout_s=0.5) as client, pytest.raises(FetchFailed) as failed:
        fetch_bts(tmp_path, base_url=server.base_url, client=client, page_rows=10)
    err = failed.value
    assert err.extra["reason"] == reason and err.code == "kpi.fetch_failed"
    assert "BTS Border Crossing Entry Data" in err.message.en and server.base_url in err.message.en
    assert "BTS" in err.message.es and "No se importó nada" in err.message.es
    assert not (tmp_path / FILE_NAME).exists()


def test_offline_is_a_clear_bilingual_error_and_exit_1(home: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = CliRunner().invoke(
        cli_app, ["data", "fetch", "bts", "--base-url", f"http://127.0.0.1:{port}"]
    )
    assert out.exit_code == 1
    assert "kpi.fetch_failed" in out.stderr and "cannot connect" in out.stderr
    assert "no se puede conectar" in out.stderr and f"127.0.0.1:{port}" in out.stderr


def test_a_site_that_will_not_count_rows_still_serves_the_download(
    soda: tuple[RecordedServer, Socrata], tmp_path: Path
) -> None:
    server, _ = soda
    server.routes["/resource/keg4-3bc2.json"] = lambda seen: Reply(400, b'{"error": true}')
    seen: list[tuple[int, int | None]] = []
    with http_client(timeout_s=5) as client:
        got = fetch_bts(
            tmp_path,
            base_url=server.base_url,
            client=client,
            page_rows=10,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    assert got.rows == 25 and seen[0] == (0, None) and seen[-1] == (25, 25)


def test_cli_cut_download_exits_1_imports_nothing_and_the_rerun_resumes(
    soda: tuple[RecordedServer, Socrata], home: Path
) -> None:
    server, data = soda
    page_two = soda_csv(ROWS[10:20])
    data.misbehave[10] = Reply(body=page_two, cut_at=100)
    args = ["data", "fetch", "bts", "--base-url", server.base_url, "--page-rows", "10"]
    out = CliRunner().invoke(cli_app, args)
    assert out.exit_code == 1
    assert "the body was cut short" in out.stderr and "el cuerpo llegó incompleto" in out.stderr
    assert "BTS counts:        0" in CliRunner().invoke(cli_app, ["kpi", "show"]).output
    out = CliRunner().invoke(cli_app, args)
    assert out.exit_code == 0, out.output
    assert "resumed at row 10" in out.stderr and "25 imported" in out.stdout
