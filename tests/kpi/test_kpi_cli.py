"""``smartborder kpi``: import, query and show on the local store, with reports people can act on."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from kpi_testdata import feed_xml, otay_commercial, sy_passenger
from typer.testing import CliRunner

from smartborder.cli import app as cli_app

BTS = (
    "Port Name,State,Port Code,Border,Date,Measure,Value\n"
    "San Ysidro,California,2504,US-Mexico Border,Jan 2024,Pedestrians,600000\n"
    "San Ysidro,California,2504,US-Mexico Border,Feb 2024,Pedestrians,nope\n"
)


def test_import_query_and_show(home: Path) -> None:
    runner = CliRunner()
    (home / "bts.csv").write_text(BTS)
    out = runner.invoke(cli_app, ["kpi", "import-bts", str(home / "bts.csv")])
    assert out.exit_code == 0, out.output
    assert "bad_value 1" in out.output and "bts.csv:3" in out.output
    feed = home / "feed"
    feed.mkdir()
    for i, delay in enumerate([15, 45]):
        (feed / f"s{i}.xml").write_bytes(
            feed_xml([sy_passenger(f"At {i + 1}:00 pm PDT", delay)], at=f"{16 + i}:5:0")
        )
    out = runner.invoke(cli_app, ["kpi", "import-bwt", str(feed), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rows_imported"] == 2
    out = runner.invoke(cli_app, ["kpi", "import-bwt", str(feed)])
    assert "2 already imported" in out.output
    out = runner.invoke(
        cli_app,
        ["kpi", "query", "waits", "--by", "crossing", "--grain", "none", "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)[0]["wait_mean_min"] == 30
    target = home / "v.parquet"
    out = runner.invoke(
        cli_app, ["kpi", "query", "volumes", "--format", "parquet", "--out", str(target)]
    )
    assert out.exit_code == 0 and pq.read_table(target).column("crossings").to_pylist() == [600000]
    out = runner.invoke(cli_app, ["kpi", "show"])
    assert "BWT readings:      2" in out.output


def test_bad_input_exits_1_with_a_bilingual_message(home: Path) -> None:
    (home / "x.csv").write_text("a,b\n1,2\n")
    out = CliRunner().invoke(cli_app, ["kpi", "import-bts", str(home / "x.csv")])
    assert out.exit_code == 1
    out = CliRunner().invoke(cli_app, ["kpi", "query", "planets"])
    assert out.exit_code == 1


def test_a_filter_no_data_could_match_is_refused_not_an_empty_table(home: Path) -> None:
    for args, word in (
        (["--port", "abc"], "4-digit"),
        (["--border", "mars"], "mars"),
    ):
        out = CliRunner().invoke(cli_app, ["kpi", "query", "waits", *args])
        assert out.exit_code != 0, out.output
        assert word in out.output


def test_query_latest_takes_the_port_filter(home: Path) -> None:
    runner = CliRunner()
    feed = home / "feed"
    feed.mkdir()
    otay = otay_commercial("At 3:00 pm PDT", "60", "8")
    (feed / "s.xml").write_bytes(feed_xml([sy_passenger("At 1:00 pm PDT", 15), otay]))
    out = runner.invoke(cli_app, ["kpi", "import-bwt", str(feed)])
    assert out.exit_code == 0, out.output
    assert "0 unreadable" in out.output
    out = runner.invoke(cli_app, ["kpi", "query", "latest", "--port", "2506", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert rows and {r["port_code"] for r in rows} == {"2506"}
