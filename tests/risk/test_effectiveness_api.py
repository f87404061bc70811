"""GET /risk/effectiveness and `smartborder risk report`: who may read it, bad queries as
problems, "not enough data" for a period without labels, and the figures of trips filed,
drawn, inspected and concluded through the API."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import ClientFor, shared_path
from smartborder.cli import app as cli
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.inspections import facilities_of

PORT = "2304"
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()
URL = "/risk/effectiveness"
runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # the highest rate, so a dozen trips draw a few; contexts so concluding signs a report
    return Settings(
        home=tmp_path / "home",
        database_url=database_url,
        contexts_dir=shared_path("conformance", "contexts"),
        random_examination_rate=0.2,
    )


def _ok(resp: Any, status: int = 200) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    return body


@pytest.mark.parametrize("role", ["carrier", "broker", "public", "peer"])
def test_roles_other_than_the_agencies_get_403(client_for: ClientFor, role: str) -> None:
    r = client_for(role).get(URL)
    assert r.status_code == 403, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_no_token_is_401(api: TestClient) -> None:
    assert api.get(URL).status_code == 401


def test_an_agency_reads_its_own_report_only(client_for: ClientFor) -> None:
    cbp = client_for("cbp")
    assert _ok(cbp.get(URL))["agency"] == "cbp"
    assert _ok(cbp.get(URL, params={"agency": "cbp"}))["agency"] == "cbp"
    other = cbp.get(URL, params={"agency": "anam"})
    assert other.status_code == 403 and other.json()["code"] == "risk.report.forbidden"
    assert _ok(client_for("anam").get(URL))["agency"] == "anam"


def test_an_admin_names_the_agency(client_for: ClientFor) -> None:
    admin = client_for("admin")
    r = admin.get(URL)
    assert r.status_code == 400 and r.json()["code"] == "risk.report.invalid"
    assert _ok(admin.get(URL, params={"agency": "anam"}))["agency"] == "anam"
    assert admin.get(URL, params={"agency": "sat"}).status_code == 400


def test_a_period_without_labels_says_not_enough_data(client_for: ClientFor) -> None:
    body = _ok(client_for("cbp").get(URL, params={"from": "2020-01-01", "to": "2020-02-01"}))
    assert body["status"] == "not_enough_data"
    assert body["random_hit_rate"]["status"] == "not_enough_data"
    assert body["random_hit_rate"]["value"] is None and body["random_hit_rate"]["count"] == 0


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        (
            {"from": "2026-03-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"},
            400,
            "risk.report.invalid",
        ),
        (
            {"from": "2020-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
            400,
            "risk.report.invalid",
        ),
        ({"port": "9999"}, 400, "risk.report.invalid"),
        ({"port": "Laredo"}, 422, None),
        ({"direction": "eastbound"}, 422, None),
        ({"from": "yesterday"}, 422, None),
        ({"min_count": "0"}, 422, None),
    ],
)
def test_bad_queries_are_problems(
    client_for: ClientFor, params: dict[str, str], status: int, code: str | None
) -> None:
    r = client_for("cbp").get(URL, params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if code:
        assert r.json()["code"] == code
        es = client_for("cbp").get(URL, params=params, headers={"Accept-Language": "es"})
        assert es.json()["detail"] != r.json()["detail"]  # said in Spanish too


def _inspect(cbp: TestClient, trip: str, code: str, value: float | None) -> None:
    iid = _ok(cbp.post(f"/declarations/{trip}/inspections", json={"joint": False}), 201)["id"]
    when = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    _ok(
        cbp.post(
            f"/inspections/{iid}/schedule",
            json={"scheduled_for": when, "facility": facilities_of(PORT)[0]},
        )
    )
    _ok(cbp.post(f"/inspections/{iid}/start"))
    finding: dict[str, Any] = {"code": code}
    if value is not None:
        finding["value_usd"] = value
    _ok(cbp.post(f"/inspections/{iid}/findings", json={"findings": [finding]}))
    _ok(cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))


def test_trips_drawn_inspected_and_concluded_are_counted(client_for: ClientFor) -> None:
    carrier, cbp = client_for("carrier"), client_for("cbp")
    trucks = generate_trucks(PORT, TOMORROW, 16, rng=np.random.default_rng(11))
    decisions = []
    for record in trucks:
        body = _ok(carrier.post("/declarations/trucks", json=record), 201)
        decisions.append((body["record"]["id"], body["decision"]))
    streams: Counter[str] = Counter()
    for _, d in decisions:
        assert d["random_selection"] == any(
            r["code"] == "decision.random_selection" for r in d["reasons"]
        )
        streams[
            "random"
            if d["random_selection"]
            else "targeted"
            if d["outcome"] in ("inspect", "hold")
            else "released"
        ] += 1
    # every trip inspected: a violation worth 100 USD on every second one
    expected: Counter[str] = Counter()
    revenue: Counter[str] = Counter()
    for i, (trip, d) in enumerate(decisions):
        bad = i % 2 == 0
        _inspect(
            cbp, trip, "misdeclared_value" if bad else "no_discrepancy", 100.0 if bad else None
        )
        stream = (
            "random"
            if d["random_selection"]
            else "targeted"
            if d["outcome"] in ("inspect", "hold")
            else "released"
        )
        expected[stream] += bad
        revenue[stream] += 100 * bad
    body = _ok(cbp.get(URL, params={"port": PORT, "direction": "northbound", "min_count": "1"}))
    for name in ("targeted", "random"):
        s = body["streams"][name]
        assert s["decisions"] == streams[name] and s["examined"] == streams[name]
        assert s["violations"] == expected[name]
        assert s["revenue_recovered_usd"] == revenue[name]
    # examining a released, undrawn trip is an officer's own choice: not in the figures
    assert body["streams"]["released"]["decisions"] == streams["released"]
    assert body["streams"]["released"]["examined"] == 0
    if streams["random"]:
        rnd = body["random_hit_rate"]
        assert rnd["count"] == streams["random"] and rnd["hits"] == expected["random"]
        assert rnd["low"] <= rnd["value"] <= rnd["high"]
    assert set(body["by_weight_set"]) <= {"1.2"}
    # the anam report does not see cbp's decisions
    assert _ok(client_for("anam").get(URL))["streams"]["released"]["decisions"] == 0
    # at another port nothing
    other = _ok(cbp.get(URL, params={"port": "2506"}))
    assert other["status"] == "not_enough_data"


def test_the_openapi_document_describes_the_route(api: TestClient) -> None:
    op = api.get("/openapi.json").json()["paths"][URL]["get"]
    assert {"200", "400", "401", "403", "422"} <= set(op["responses"])
    examples = op["responses"]["200"]["content"]["application/json"]["examples"]
    assert {"report", "not_enough_data"} <= set(examples)
    assert {p["name"] for p in op["parameters"]} >= {"from", "to", "port", "direction", "agency"}


def test_cli_report_json_on_an_empty_store_says_not_enough_data(home: Path) -> None:
    r = runner.invoke(cli, ["risk", "report", "--agency", "cbp", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["status"] == "not_enough_data" and body["agency"] == "cbp"


def test_cli_report_table(home: Path) -> None:
    r = runner.invoke(cli, ["risk", "report", "--agency", "anam", "--port", "2304"])
    assert r.exit_code == 0, r.output
    assert "Not enough data" in r.output and "Datos insuficientes" in r.output
    assert "By rule" in r.output


def test_cli_bad_input(home: Path) -> None:
    no_agency = runner.invoke(cli, ["risk", "report"])
    assert no_agency.exit_code == 2 and "usage.agency_required" in no_agency.output
    bad_time = runner.invoke(cli, ["risk", "report", "--agency", "cbp", "--from", "soon"])
    assert bad_time.exit_code == 2 and "usage.invalid_time" in bad_time.output
    backwards = runner.invoke(
        cli, ["risk", "report", "--agency", "cbp", "--from", "2026-02-01", "--to", "2026-01-01"]
    )
    assert backwards.exit_code == 1 and "risk.report.invalid" in backwards.output
    port = runner.invoke(cli, ["risk", "report", "--agency", "cbp", "--port", "0000"])
    assert port.exit_code == 1 and "/port" in port.output
