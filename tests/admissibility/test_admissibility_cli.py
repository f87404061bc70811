"""``smartborder policy``: check, publish, list, show, eval and impact from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartborder.cli import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("SMARTBORDER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SMARTBORDER_DATABASE_URL", raising=False)
    return CliRunner()


def test_publish_list_show_and_eval(runner: CliRunner, tmp_path: Path) -> None:
    out = runner.invoke(app, ["policy", "publish", "sentri-first-sd-tj", "--by", "tester"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["version"] == "sentri-first-sd-tj@1"
    listed = runner.invoke(app, ["policy", "list", "--json"])
    assert [v["version"] for v in json.loads(listed.output)["versions"]] == ["sentri-first-sd-tj@1"]
    cedar = runner.invoke(app, ["policy", "show", "sentri-first-sd-tj@1", "--cedar"])
    assert '@id("sentri-first-sd-tj/phase-1")' in cedar.output
    traveler = tmp_path / "t.json"
    traveler.write_text(
        json.dumps(
            {
                "nationality": "MEX",
                "age": 33,
                "purpose": "tourism",
                "trusted_traveler": ["SENTRI"],
                "documents": ["border_crossing_card"],
                "destination_distance_miles": 10,
                "stay_days": 2,
            }
        )
    )
    res = runner.invoke(
        app,
        [
            "policy",
            "eval",
            "--plan",
            "sentri-first-sd-tj@1",
            "--port",
            "2504",
            "--at",
            "2021-04-01T09:00:00-07:00",
            "--traveler",
            str(traveler),
        ],
    )
    assert res.exit_code == 0, res.output
    decision = json.loads(res.output)
    assert decision["decision"] == "admit"
    assert decision["version"] == "sentri-first-sd-tj@1"
    assert decision["reasons"][0]["es"].startswith("desde el 2021-03-01")


def test_eval_refuses_an_unknown_program_listing_the_allowed_ones(
    runner: CliRunner, tmp_path: Path
) -> None:
    traveler = tmp_path / "t.json"
    traveler.write_text(json.dumps({"nationality": "MEX", "trusted_traveler_declared": ["SENTRY"]}))
    args = ["policy", "eval", "--port", "2504", "--at", "2026-12-10T10:00:00-08:00"]
    res = runner.invoke(app, [*args, "--traveler", str(traveler)])
    assert res.exit_code != 0
    assert "SENTRY" in res.output and "FAST, GLOBAL_ENTRY, NEXUS, SENTRI" in res.output
    # The default plan is the baseline: a Guatemalan tourist with only a passport is refused.
    traveler.write_text(
        json.dumps({"nationality": "GTM", "purpose": "tourism", "documents": ["passport"]})
    )
    denied = json.loads(runner.invoke(app, [*args, "--traveler", str(traveler)]).output)
    assert denied["decision"] == "deny"
    assert denied["policies"] == ["baseline-us-mx/usa-visa-or-bcc"]
    assert denied["version"].startswith("baseline-us-mx@")


def test_check_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["policy", "check", "covid-us-land-2020"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ntitle: {en: b, es: b}\npolicies:\n  - 'permit(principal, action, resource) when { principal.x };'\n"
    )
    res = runner.invoke(app, ["policy", "check", str(bad), "--json"])
    assert res.exit_code == 1
    assert json.loads(res.output)["findings"][0]["code"] == "admissibility.cedar_schema"


def test_impact_table_json_and_chart(runner: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "impact.png"
    args = [
        "policy",
        "impact",
        "--plan",
        "sentri-first-sd-tj",
        "--baseline",
        "covid-us-land-2020",
        "--generate",
        "20",
        "--ports",
        "2504,2304",
        "--from",
        "2021-06-01",
        "--to",
        "2021-06-02",
        "--chart",
        str(png),
    ]
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["total"] == 80
    assert png.stat().st_size > 1000
    table = runner.invoke(app, args)
    assert "outcomes change" in table.output
