"""Promotion over HTTP and the CLI: only an agency or an administrator may promote (403
otherwise), only a model that beats the weight set on later outcomes is promoted (409 with
the figures otherwise), and a period with no labels is "not enough data" (400)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from model_fixtures import CODES, later_lines, model, read, train_lines
from typer.testing import CliRunner

from smartborder import cli
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_trucks
from smartborder.risk import load_rules, register, replay, train
from smartborder.store import transaction

ClientFor = Callable[..., TestClient]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # outcomes sent inline are a few MB (each line carries its declaration)
    return Settings(home=tmp_path / "home", database_url=database_url, max_body_bytes=16 << 20)


pytestmark = pytest.mark.slow  # each test trains or replays thousands of declarations


def _register(app: FastAPI, learned: object) -> str:
    with transaction(app.state.ctx.sessions) as session:
        register(session, learned, now=datetime.now(UTC))  # type: ignore[arg-type]
    return learned.id  # type: ignore[attr-defined, no-any-return]


def _later() -> list[object]:
    return [orjson.loads(x) for x in later_lines()[:1200]]


def _noise_model() -> object:
    """A model trained on shuffled labels: it has learned nothing."""
    lines = [orjson.loads(x) for x in train_lines()]
    inspected = [o for o in lines if o["inspected"]]
    labels = [(o["findings"], o["violation"], o["value_usd"]) for o in inspected]
    random.Random(5).shuffle(labels)
    for o, (f, v, val) in zip(inspected, labels, strict=True):
        o["findings"], o["violation"], o["value_usd"] = f, v, val
    outs = read([orjson.dumps(o) for o in lines])
    return train(replay(outs, load_rules()), now=datetime.now(UTC))


def test_a_carrier_may_not_promote(app: FastAPI, client_for: ClientFor) -> None:
    model_id = _register(app, model())
    r = client_for("carrier").post(f"/risk/models/{model_id}/promote", json={"outcomes": []})
    assert r.status_code == 403, r.text
    r = client_for("public").get("/risk/models")
    assert r.status_code == 403, r.text


def test_an_agency_promotes_a_model_that_beats_the_weight_set(
    app: FastAPI, client_for: ClientFor
) -> None:
    model_id = _register(app, model())
    cbp = client_for("cbp")
    r = cbp.post(
        f"/risk/models/{model_id}/promote",
        json={"outcomes": _later(), "inspection_rate": 0.05},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["promoted"] and body["risk_version"] == f"model:{model_id}"
    assert body["model"]["precision"] > body["weight_set"]["precision"]
    listed = {m["id"]: m for m in cbp.get("/risk/models").json()}
    assert listed[model_id]["status"] == "promoted"
    assert listed[model_id]["evaluation"]["model"]["hits"] == body["model"]["hits"]


def test_a_model_that_learned_nothing_is_refused_with_the_figures(
    app: FastAPI, client_for: ClientFor
) -> None:
    model_id = _register(app, _noise_model())
    r = client_for("anam").post(
        f"/risk/models/{model_id}/promote", json={"outcomes": _later(), "inspection_rate": 0.05}
    )
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["code"] == "risk.model.promotion_refused"
    figures = problem["evaluation"] if "evaluation" in problem else problem["extra"]["evaluation"]
    assert figures["model"]["precision"] <= figures["weight_set"]["precision"]
    listed = {m["id"]: m for m in client_for("admin").get("/risk/models").json()}
    assert listed[model_id]["status"] == "shadow"  # nothing changed


def test_a_period_without_labels_in_the_store_is_not_enough_data(
    app: FastAPI, client_for: ClientFor
) -> None:
    model_id = _register(app, model())
    r = client_for("cbp").post(f"/risk/models/{model_id}/promote", json={"from": "2026-03-01"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "risk.model.not_enough_data"


def test_a_bad_outcomes_body_names_the_line(app: FastAPI, client_for: ClientFor) -> None:
    model_id = _register(app, model())
    bad = {**_later()[0], "findings": ["teleported"], "inspected": True, "violation": True}  # type: ignore[dict-item]
    r = client_for("cbp").post(f"/risk/models/{model_id}/promote", json={"outcomes": [bad]})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["pointer"] == "/lines/1/findings/0"


def test_shadow_scores_of_a_decision_with_their_top_features(
    app: FastAPI, client_for: ClientFor, settings: object
) -> None:
    _register(app, model())
    # the app's node read the registry when it opened: a new app sees the model
    from smartborder.api import create_app

    node_app = create_app(settings)  # type: ignore[arg-type]
    try:
        from conftest import bearer_client

        carrier = bearer_client(node_app, "carrier")
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
        payload = generate_trucks("2304", tomorrow, 1, rng=np.random.default_rng(3))[0]
        r = carrier.post("/declarations/trucks", json=payload)
        assert r.status_code == 201, r.text
        record = r.json()["record"]["id"]
        shadow = bearer_client(node_app, "cbp").get(f"/declarations/{record}/shadow")
        assert shadow.status_code == 200, shadow.text
        (score,) = shadow.json()["scores"]
        assert 0 < score["score"] < 1 and score["deciding"] is False
        assert score["top_features"] and {"feature", "value", "contribution"} <= set(
            score["top_features"][0]
        )
        assert carrier.get(f"/declarations/{record}/shadow").status_code == 403
    finally:
        node_app.state.ctx.close()


def _cli(home: Path, *args: str) -> object:
    entry = cli.Entry("smartborder.commands.risk_model", "app", "The learned risk model.")
    cli.COMMANDS["risk-model"] = entry
    try:
        return CliRunner().invoke(cli.app, ["risk-model", *args])
    finally:
        del cli.COMMANDS["risk-model"]


def test_cli_trains_evaluates_and_refuses_a_bad_file(home: Path, tmp_path: Path) -> None:
    train_file = tmp_path / "train.jsonl"
    train_file.write_bytes(b"\n".join(train_lines()) + b"\n")
    later_file = tmp_path / "later.jsonl"
    later_file.write_bytes(b"\n".join(later_lines()[:1200]) + b"\n")
    r = _cli(home, "train", "--outcomes", str(train_file), "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    summary = json.loads(r.output)  # type: ignore[attr-defined]
    assert Path(summary["file"]).is_file() and summary["registered_as_shadow"]
    assert summary["metrics"]["labelled"] > 200 and "features" in summary
    r = _cli(home, "evaluate", "--model", summary["id"], "--outcomes", str(later_file), "--json")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    figures = json.loads(r.output)  # type: ignore[attr-defined]
    assert figures["model"]["inspected"] == figures["weight_set"]["inspected"]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(train_lines()[0] + b"\n{not json\n")
    r = _cli(home, "train", "--outcomes", str(bad))
    assert r.exit_code == 1
    assert "/lines/2" in r.output and "risk.outcomes.malformed" in r.output  # type: ignore[attr-defined]
    assert CODES  # the finding codes the CLI checks against are the inspections'


def test_an_outcome_orjson_cannot_write_is_a_problem_naming_its_line_not_a_500(
    client_for: ClientFor,
) -> None:
    # schemathesis sent an integer beyond 64 bits: the route wrote the lines with orjson (500)
    admin = client_for("admin")
    r = admin.post("/risk/models/any/promote", json={"outcomes": [{"declaration_id": 2**70}]})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "risk.outcomes.invalid"
    assert r.json()["errors"][0]["pointer"].startswith("/lines/1")
