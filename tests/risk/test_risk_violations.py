"""Violations found by inspections raise the risk of the parties' next trips, for the weight
set's window only; a clean record lowers nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from smartborder.declarations import parse_declaration
from smartborder.demo.synthetic import generate_trucks
from smartborder.preclearance import Pipeline
from smartborder.risk import (
    InMemoryViolationHistory,
    RulesInvalid,
    StoreViolationHistory,
    load_rules,
    parse_rules,
    violation_parties,
)

ClientFor = Callable[..., TestClient]
NOW = datetime.now(UTC)
TOMORROW = (NOW + timedelta(days=1)).date()
RULE = "risk.truck.recent_violation_shipper"


def _truck(seed: int = 7) -> dict[str, Any]:
    return generate_trucks("2304", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


def _shippers(payload: dict[str, Any]) -> list[str]:
    return violation_parties(parse_declaration(payload, now=NOW))["shipper"]


def _decide(payload: dict[str, Any], history: InMemoryViolationHistory | None) -> Any:
    return Pipeline.default(violations=history).decide(payload, now=NOW)


def _codes(decision: Any) -> set[str]:
    return {r.code for r in decision.reasons}


def test_shipper_with_recent_undeclared_goods_scores_higher_with_a_reason_naming_the_rule() -> None:
    payload = _truck()
    history = InMemoryViolationHistory()
    for key in _shippers(payload):
        history.add(key, NOW - timedelta(days=30))
    clean = _decide(payload, InMemoryViolationHistory())
    flagged = _decide(payload, history)
    weight = next(
        r.weight for r in load_rules().rules["truck"] if r.id == "truck.recent_violation_shipper"
    )
    assert flagged.risk_score == pytest.approx(clean.risk_score + weight)
    assert RULE in _codes(flagged) and RULE not in _codes(clean)
    assert "recent trip of a shipper" in next(
        r.message_en for r in flagged.reasons if r.code == RULE
    )


def test_a_violation_older_than_the_window_does_not_count() -> None:
    payload = _truck()
    history = InMemoryViolationHistory()
    for key in _shippers(payload):
        history.add(key, NOW - timedelta(days=366))
    decision = _decide(payload, history)
    assert RULE not in _codes(decision)
    assert decision.risk_score == _decide(payload, None).risk_score


def test_a_clean_record_lowers_nothing() -> None:
    payload = _truck()
    assert (
        _decide(payload, InMemoryViolationHistory()).risk_score == _decide(payload, None).risk_score
    )


def test_the_window_comes_from_the_weight_set() -> None:
    document = yaml.safe_load(_packaged_rules().read_text(encoding="utf-8"))
    document["violation_window_days"] = 30
    short = parse_rules(document, source="short-window")
    assert short.violation_window_days == 30
    payload = _truck()
    history = InMemoryViolationHistory()
    for key in _shippers(payload):
        history.add(key, NOW - timedelta(days=60))
    assert RULE in _codes(Pipeline.default(violations=history).decide(payload, now=NOW))
    assert RULE not in _codes(
        Pipeline.default(rules=short, violations=history).decide(payload, now=NOW)
    )


def test_a_bad_window_is_listed_with_its_pointer() -> None:
    document = yaml.safe_load(_packaged_rules().read_text(encoding="utf-8"))
    document["violation_window_days"] = -5
    with pytest.raises(RulesInvalid) as caught:
        parse_rules(document, source="bad")
    assert [p.pointer for p in caught.value.problems] == ["/violation_window_days"]


def _packaged_rules() -> Path:
    return Path(str(resources.files("smartborder.risk").joinpath("rules/v1.yaml")))


def test_a_finding_recorded_by_an_inspection_reaches_the_stores_view(
    app: FastAPI, client_for: ClientFor
) -> None:
    carrier, cbp = client_for("carrier"), client_for("cbp")
    first = _truck(11)
    r = carrier.post("/declarations/trucks", json=first)
    assert r.status_code == 201, r.text
    trip = r.json()["record"]["id"]
    iid = cbp.post(f"/declarations/{trip}/inspections", json={"joint": False}).json()["id"]
    when = (NOW + timedelta(hours=1)).isoformat()
    assert (
        cbp.post(
            f"/inspections/{iid}/schedule", json={"scheduled_for": when, "facility": "dock:230401"}
        ).status_code
        == 200
    )
    assert cbp.post(f"/inspections/{iid}/start").status_code == 200
    found = cbp.post(
        f"/inspections/{iid}/findings", json={"findings": [{"code": "undeclared_goods"}]}
    )
    assert found.status_code == 200, found.text
    # the report falls back to vc+jwt on a node without the W3C contexts
    done = cbp.post(f"/inspections/{iid}/conclude", json={"outcome": "held"})
    assert done.status_code == 200, done.text
    assert (
        cbp.get(f"/inspections/{iid}/reports/cbp").json()["type"] == "EnvelopedVerifiableCredential"
    )

    sessions = app.state.ctx.sessions
    view = StoreViolationHistory(lambda: sessions)
    second = _truck(12)
    second["shipments"][0]["shipper"] = first["shipments"][0]["shipper"]  # the same shipper
    later = datetime.now(UTC)  # after the finding
    decision = Pipeline.default(violations=view).decide(second, now=later)
    assert RULE in _codes(decision)
    stranger = _truck(13)
    assert set(_shippers(stranger)).isdisjoint(_shippers(first))
    assert RULE not in _codes(Pipeline.default(violations=view).decide(stranger, now=later))
