"""A promoted model decides: after a promotion the node's trucks are decided by the model
(``rule_versions.risk`` ``model:ID``, reasons naming the features that pushed the score up,
in English and Spanish with stable codes), with cut-offs that inspect the agency's rate; a
demotion returns to the weight set. Running workers pick either up without a restart."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from model_fixtures import later_lines, model, read

from smartborder.config import Settings
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.risk import (
    Cutoffs,
    DecidingModel,
    ModelSlots,
    calibrate,
    load_rules,
    register,
    replay,
    train,
)
from smartborder.risk.model.deciding import _LABELS, LABELLED
from smartborder.store import transaction

ClientFor = Callable[..., TestClient]
pytestmark = pytest.mark.slow  # each test trains or replays thousands of declarations


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # outcomes sent inline are a few MB (each line carries its declaration)
    return Settings(home=tmp_path / "home", database_url=database_url, max_body_bytes=16 << 20)


def _register(app: FastAPI, learned: Any) -> str:
    with transaction(app.state.ctx.sessions) as session:
        register(session, learned, now=datetime.now(UTC))
    return str(learned.id)


def _later() -> list[Any]:
    return [orjson.loads(x) for x in later_lines()[:1200]]


def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait for a background reload (polled every second) to make ``condition`` true."""
    deadline = time.monotonic() + 15
    while not condition():
        assert time.monotonic() < deadline, f"no worker reload: {what}"
        time.sleep(0.05)


def _trucks(n: int, seed: int) -> list[dict[str, Any]]:
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    return generate_trucks("2304", tomorrow, n, rng=np.random.default_rng(seed))


def test_a_promoted_model_decides_and_a_demotion_returns_to_the_weight_set(
    app: FastAPI, client_for: ClientFor
) -> None:
    ctx = app.state.ctx
    model_id = _register(app, model())
    _until(lambda: ctx.models.shadow is not None, "the registered model in the shadow slot")
    carrier, cbp = client_for("carrier"), client_for("cbp")
    weights = load_rules().version

    r = cbp.post(
        f"/risk/models/{model_id}/promote", json={"outcomes": _later(), "inspection_rate": 0.5}
    )
    assert r.status_code == 200, r.text
    cutoffs = r.json()["cutoffs"]
    assert cutoffs["documentary_review"] <= cutoffs["inspect"]
    _until(lambda: ctx.models.deciding is not None, "the promotion")
    assert ctx.models.shadow is None  # the promoted model left the shadow slot

    decided = []
    for payload in _trucks(12, seed=11):
        r = carrier.post("/declarations/trucks", json=payload)
        assert r.status_code == 201, r.text
        decided.append(r.json()["decision"])
    assert {d["rule_versions"]["risk"] for d in decided} == {f"model:{model_id}"}
    flagged = [d for d in decided if d["risk_score"] >= cutoffs["documentary_review"]]
    assert flagged, [(d["risk_score"], d["outcome"]) for d in decided]
    for d in flagged:
        model_reasons = [x for x in d["reasons"] if x["stage"] == "risk"]
        assert model_reasons and all(x["code"].startswith("risk.model.") for x in model_reasons)
        assert all(x["message_en"] and x["message_es"] for x in model_reasons)
        assert all(f"model:{model_id}" in x["message_es"] for x in model_reasons)
        assert d["outcome"] in ("documentary_review", "inspect", "hold")
    # a traveler is still scored by the weight set
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    traveler = generate_travelers("2304", tomorrow, 1, rng=np.random.default_rng(1))[0]
    r = carrier.post("/declarations/travelers", json=traveler)
    assert r.status_code == 201, r.text
    assert r.json()["decision"]["rule_versions"]["risk"] == weights

    deciding = cbp.get("/risk/deciding").json()
    assert deciding["risk_version"] == f"model:{model_id}"
    assert deciding["changes"][0]["action"] == "promote"

    assert client_for("carrier").post(f"/risk/models/{model_id}/demote").status_code == 403
    r = client_for("anam").post(f"/risk/models/{model_id}/demote")
    assert r.status_code == 200, r.text
    assert r.json()["risk_version"] == weights
    _until(lambda: ctx.models.deciding is None, "the demotion")
    r = carrier.post("/declarations/trucks", json=_trucks(1, seed=12)[0])
    assert r.status_code == 201, r.text
    assert r.json()["decision"]["rule_versions"]["risk"] == weights
    changes = cbp.get("/risk/deciding").json()["changes"]
    assert [c["action"] for c in changes] == ["demote", "promote"]
    assert changes[0]["by"].startswith("org-anam/") and changes[0]["at"]
    listed = {m["id"]: m for m in cbp.get("/risk/models").json()}
    assert listed[model_id]["status"] == "demoted" and not listed[model_id]["deciding"]
    # demoting again: nothing decides by that model any more
    assert client_for("admin").post(f"/risk/models/{model_id}/demote").status_code == 409


def test_a_role_that_may_not_promote_gets_403_and_nothing_changes(
    app: FastAPI, client_for: ClientFor
) -> None:
    model_id = _register(app, model())
    for role in ("carrier", "public"):
        r = client_for(role).post(f"/risk/models/{model_id}/promote", json={"outcomes": _later()})
        assert r.status_code == 403, r.text
    assert app.state.ctx.models.deciding is None


def test_a_newly_registered_model_is_scored_in_shadow_without_a_restart(
    app: FastAPI, client_for: ClientFor
) -> None:
    ctx = app.state.ctx
    assert ctx.models.shadow is None
    model_id = _register(app, model())
    _until(lambda: ctx.models.shadow is not None, "the registration")
    assert ctx.models.shadow.model_id == model_id
    r = client_for("carrier").post("/declarations/trucks", json=_trucks(1, seed=5)[0])
    record = r.json()["record"]["id"]
    scores = client_for("cbp").get(f"/declarations/{record}/shadow").json()["scores"]
    assert [s["model_id"] for s in scores] == [model_id]


def test_cutoffs_inspect_the_agency_rate_of_the_judged_period() -> None:
    rules = load_rules()
    later = replay(read(later_lines()), rules)
    learned = model()
    cut = calibrate(learned, later, rate=0.05, rules=rules)
    scores = learned.predict(learned.space.encode(later.rows))
    inspected = float(np.mean(scores >= cut.inspect))
    assert 0.05 <= inspected < 0.06  # ties at the cut can only add a few
    assert cut.explore <= cut.inspect and cut.documentary_review <= cut.inspect
    assert Cutoffs.from_json(orjson.loads(orjson.dumps(cut.to_json()))) == cut


def test_the_deciding_model_scores_as_it_was_judged() -> None:
    rules = load_rules()
    later = replay(read(later_lines()), rules)
    learned = model()
    deciding = DecidingModel(learned, calibrate(learned, later, rate=0.05, rules=rules))
    vectors = [deciding.encode(r) for r in later.rows[:50]]
    np.testing.assert_allclose(
        [deciding.score(v) for v in vectors], learned.predict(np.array(vectors))
    )


def test_a_fixed_slot_pipeline_decides_without_a_store() -> None:
    slots = ModelSlots()
    assert slots.view == (None, None) and slots.reload() is False


def test_every_feature_has_a_bilingual_label() -> None:
    assert set(_LABELS) == set(LABELLED)
    assert all(en and es for en, es in _LABELS.values())


def _decided_by_model(cutoffs: Cutoffs, **pipeline: Any) -> tuple[list[Any], list[Any]]:
    from smartborder.preclearance import Pipeline
    from smartborder.risk import InMemoryPartyHistory

    trucks = _trucks(60, seed=21)
    now = datetime.now(UTC)
    slots = ModelSlots(deciding=DecidingModel(model(), cutoffs))
    pipe = Pipeline.default(history=InMemoryPartyHistory(), models=slots, **pipeline)
    plain = Pipeline.default(history=InMemoryPartyHistory(), models=slots)
    return [plain.decide(t, now=now) for t in trucks], [pipe.decide(t, now=now) for t in trucks]


def _median_cutoffs() -> Cutoffs:
    """Cut-offs around the median score of the test trucks: both sides are populated."""
    from smartborder.preclearance import Pipeline
    from smartborder.risk import InMemoryPartyHistory

    everything = Cutoffs(0.0, 0.0, 0.0, 1.0, 1.0, 1)
    now = datetime.now(UTC)
    slots = ModelSlots(deciding=DecidingModel(model(), everything))
    pipe = Pipeline.default(history=InMemoryPartyHistory(), models=slots)
    scores = sorted(pipe.decide(t, now=now).risk_score for t in _trucks(60, seed=21))
    return Cutoffs(scores[45], scores[30], scores[15], 0.25, 0.5, 60)


def test_exploration_draws_under_the_models_inspection_cutoff_and_says_so() -> None:
    from smartborder.risk import Exploration

    cut = _median_cutoffs()
    plain, explored = _decided_by_model(cut, exploration=Exploration(rate=1.0, band=1.0))
    uncertain = [cut.explore <= d.risk_score < cut.inspect for d in plain]
    assert any(uncertain) and not all(uncertain)
    for before, after, near in zip(plain, explored, uncertain, strict=True):
        codes = [r.code for r in after.reasons]
        assert ("risk.exploration" in codes) == near
        assert after.risk_score == before.risk_score
        if near:
            assert after.outcome == "inspect"


def test_the_random_control_sample_draws_while_a_model_decides() -> None:
    from smartborder.risk import RandomSample

    cut = _median_cutoffs()
    plain, sampled = _decided_by_model(cut, random_sample=RandomSample(1.0, unchecked=True))
    released = [i for i, d in enumerate(plain) if d.outcome in ("release", "documentary_review")]
    assert released
    for i in released:
        assert sampled[i].random_selection and sampled[i].outcome == "inspect"
        assert sampled[i].rule_versions["risk"] == f"model:{model().id}"


def test_a_model_that_no_longer_loads_leaves_the_weight_set_deciding(app: FastAPI) -> None:
    ctx = app.state.ctx
    model_id = _register(app, model())
    with transaction(ctx.sessions) as session:
        from smartborder.store import risk as repo
        from smartborder.store.tables.risk import RiskModelRow

        repo.add_deciding(
            session,
            {
                "at": datetime.now(UTC),
                "by": "test",
                "action": "promote",
                "model_id": model_id,
                "cutoffs": orjson.dumps(Cutoffs(0.5, 0.4, 0.3, 0.05, 0.1, 1).to_json()).decode(),
            },
        )
        row = session.get(RiskModelRow, model_id)
        assert row is not None
        body = orjson.loads(row.body)
        body["features"] = ["another", "feature", "list"]
        row.body = orjson.dumps(body).decode()
    fresh = ModelSlots(ctx.sessions)  # a worker starting now
    assert fresh.deciding is None and fresh.shadow is None
    from smartborder.preclearance import Pipeline

    decision = Pipeline.default(models=fresh).decide(_trucks(1, seed=3)[0], now=datetime.now(UTC))
    assert decision.rule_versions["risk"] == load_rules().version


def test_cli_promotes_then_demotes_recording_who(home: Path, tmp_path: Path) -> None:
    import json

    from model_fixtures import train_lines
    from typer.testing import CliRunner

    from smartborder import cli

    def run(*args: str) -> Any:
        r = CliRunner().invoke(cli.app, ["risk", *args])
        assert r.exit_code == 0, r.output
        return json.loads(r.output) if "--json" in args else r.output

    train_file, later_file = tmp_path / "train.jsonl", tmp_path / "later.jsonl"
    train_file.write_bytes(b"\n".join(train_lines()) + b"\n")
    later_file.write_bytes(b"\n".join(later_lines()[:1200]) + b"\n")
    model_id = run("train", "--outcomes", str(train_file), "--json")["id"]
    promoted = run("promote", model_id, "--outcomes", str(later_file), "--by", "ana", "--json")
    assert promoted["risk_version"] == f"model:{model_id}" and promoted["cutoffs"]["inspect"]
    assert run("models", "--json")["deciding"]["risk_version"] == f"model:{model_id}"
    run("demote", model_id, "--by", "luis", "--json")
    deciding = run("models", "--json")["deciding"]
    assert deciding["risk_version"] == load_rules().version
    assert [(c["action"], c["by"]) for c in deciding["changes"]] == [
        ("demote", "luis"),
        ("promote", "ana"),
    ]
    r = CliRunner().invoke(cli.app, ["risk", "demote", model_id])
    assert r.exit_code != 0 and "risk.model.not_deciding" in r.output


def test_after_a_promotion_the_shadow_slot_scores_the_next_registered_candidate(
    app: FastAPI,
) -> None:
    from model_fixtures import train_lines

    from smartborder.risk import record_promotion

    ctx = app.state.ctx
    first = _register(app, model())
    figures = {"cutoffs": Cutoffs(0.5, 0.4, 0.3, 0.05, 0.1, 1).to_json()}
    with transaction(ctx.sessions) as session:
        record_promotion(session, first, figures, by="test", now=datetime.now(UTC))
    candidate = train(
        replay(read(train_lines()), load_rules()),
        now=datetime.now(UTC),
        rounds=20,
        early_stopping=False,
    )
    second = _register(app, candidate)
    assert second != first
    slots = ModelSlots(ctx.sessions)
    assert slots.deciding is not None and slots.deciding.version == f"model:{first}"
    assert slots.shadow is not None and slots.shadow.model_id == second
