"""``smartborder ports``: the table, --json and --region."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from smartborder.cli import app

runner = CliRunner()


def test_table_lists_ports_crossings_lanes_and_aduanas() -> None:
    result = runner.invoke(app, ["ports"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for text in ("2504 San Ysidro", "250407 PedWest", "230404 World Trade Bridge", "40 Tijuana"):
        assert text in result.output
    assert "America/Phoenix" in result.output


def test_json_has_every_port_with_its_crossings() -> None:
    result = runner.invoke(app, ["ports", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 27
    laredo = next(p for p in data if p["code"] == "2304")
    wtb = next(c for c in laredo["crossings"] if c["bwt_number"] == "230404")
    assert wtb["aduana"] == {"code": "24", "name": "Nuevo Laredo"}
    assert wtb["modes"]["commercial"]["lane_types"] == ["general", "fast"]
    assert laredo["time_zone"] == "America/Chicago"


def test_region_filters_and_an_unknown_region_exits_1_in_both_languages() -> None:
    result = runner.invoke(app, ["ports", "--region", "laredo-nuevo-laredo", "--json"])
    assert result.exit_code == 0
    assert [p["code"] for p in json.loads(result.output)] == ["2304"]
    bad = runner.invoke(app, ["ports", "--region", "atlantis"])
    assert bad.exit_code == 1
    assert "Unknown region" in bad.output and "Región desconocida" in bad.output
