"""The core commands: clients, db upgrade, submit (exit codes 0/1/2) and the demo day."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from smartborder.api import create_app
from smartborder.cli import app
from smartborder.config import Settings
from smartborder.demo import DEMO_ORGS, run_demo
from smartborder.demo.synthetic import generate_travelers, generate_trucks

runner = CliRunner()
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()


def test_clients_create_prints_secret_once_and_list_hides_it(home: Path) -> None:
    r = runner.invoke(
        app, ["clients", "create", "--org", "Aduana Demo", "--role", "anam", "--json"]
    )
    assert r.exit_code == 0, r.output
    made = json.loads(r.output)
    assert made["role"] == "anam" and made["client_secret"]
    listed = runner.invoke(app, ["clients", "list"])
    assert made["client_id"] in listed.output
    assert made["client_secret"] not in listed.output


def test_clients_create_unknown_role_is_exit_1_bilingual(home: Path) -> None:
    r = runner.invoke(app, ["clients", "create", "--org", "X", "--role", "pirate"])
    assert r.exit_code == 1
    assert "auth.unknown_role" in r.output or "auth.unknown_role" in (r.stderr or "")


def test_db_upgrade_creates_the_database(home: Path) -> None:
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    assert (home / "smartborder.db").exists()


def test_submit_folder_prints_decisions_and_exit_0(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    trucks = generate_trucks("2506", TOMORROW, 3, rng=np.random.default_rng(5))
    (folder / "trucks.json").write_text(json.dumps(trucks))
    traveler = generate_travelers("2504", TOMORROW, 1, rng=np.random.default_rng(6))[0]
    (folder / "one-traveler.json").write_text(json.dumps(traveler))
    r = runner.invoke(app, ["submit", str(folder), "--json"])
    assert r.exit_code == 0, r.output
    results = json.loads(r.output)
    assert len(results) == 4
    assert all(item["created"] and item["decision"]["outcome"] for item in results)


def test_submit_with_a_bad_file_exits_1_and_keeps_the_good_ones(home: Path, tmp_path: Path) -> None:
    good = generate_trucks("2304", TOMORROW, 1, rng=np.random.default_rng(7))[0]
    bad = dict(good, port_code="9999", idempotency_key="other")
    (tmp_path / "a.json").write_text(json.dumps([good, bad]))
    (tmp_path / "b.json").write_text("{not json")
    r = runner.invoke(app, ["submit", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--json"])
    assert r.exit_code == 1
    results = json.loads(r.output)
    assert [bool(x["error"]) for x in results] == [False, True, True]
    again = runner.invoke(app, ["submit", str(tmp_path / "a.json"), "--json"])
    assert json.loads(again.output)[0]["created"] is False  # stored the first time


def test_submit_usage_error_is_exit_2(home: Path) -> None:
    assert runner.invoke(app, ["submit"]).exit_code == 2
    assert runner.invoke(app, ["submit", "x.json", "--role", "cbp"]).exit_code == 2


def test_demo_day_creates_clients_traffic_and_landing_page(home: Path) -> None:
    settings = Settings(home=home)
    now = datetime.now(UTC)
    report = run_demo(settings, scale=0.01, now=now)
    assert report.rejected == 0
    assert report.created == report.declarations > 0
    clients = json.loads((home / "demo-clients.json").read_text())
    assert {c["role"] for c in clients} == {role.value for _, role in DEMO_ORGS}
    assert set(clients[0]) == {"org", "role", "client_id", "client_secret"}
    again = run_demo(settings, scale=0.01, now=now)  # idempotent: same clients, no new records
    assert again.created == 0
    assert json.loads((home / "demo-clients.json").read_text()) == clients

    api = TestClient(create_app(settings))
    page = api.get("/", headers={"Accept-Language": "es-MX"})
    assert page.status_code == 200
    assert "Decisiones de hoy" in page.text and "San Ysidro" in page.text
    assert "Liberación" in page.text
    english = api.get("/?lang=en").text
    links = re.findall(r'href="(/[^"?]*)"', english)
    assert {"/docs", "/dashboard", "/twin/compare", "/kpi/bwt.xml"} <= set(links)
    assert all(api.get(link).status_code == 200 for link in links), "a dead link on the landing"
    assert "Today&#39;s decisions" in english and "World Trade Bridge" in english
    cbp = next(c for c in clients if c["role"] == "cbp")
    tok = api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(cbp["client_id"], cbp["client_secret"]),
    ).json()["access_token"]
    seen = api.get(
        "/decisions", params={"port": "2304"}, headers={"Authorization": f"Bearer {tok}"}
    )
    assert seen.status_code == 200 and seen.json()
    assert all(d["agencies"] == ["cbp"] for d in seen.json())
    # a few trucks were filed inside the ACE deadline: their decisions say so
    late = [d for d in seen.json() if "validate.filing.late" in {r["code"] for r in d["reasons"]}]
    assert late and all(d["outcome"] != "release" for d in late)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SMARTBORDER_STATUS_TTL_S", "five"),
        ("SMARTBORDER_PEERS", "ftp://anam.example.org"),
        ("SMARTBORDER_VERIFY_DID_WEB", "sometimes"),
    ],
)
def test_an_invalid_setting_is_a_usage_error_naming_the_variable(
    home: Path, variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTBORDER_HOME", str(home))
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, ["demo", "--scale", "0.001"])
    assert result.exit_code == 2, result.output
    assert variable in result.output and "config.invalid" in result.output
    assert "Traceback" not in result.output
    assert not (home / "smartborder.db").exists(), "nothing is written"
