"""Rules in force through HTTP: a published plan governs pre-clearance only once proposed,
approved by the destination country's agency and activated; then the pipeline and the public
self-check both decide with it, and anyone (the other agency's node too) can read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from smartborder.demo.synthetic import generate_travelers

ClientFor = Callable[..., TestClient]

MY_PLAN = """
id: my-plan
title: {en: Citizens only at San Diego-Tijuana, es: Solo ciudadanos en San Diego-Tijuana}
sources: ["test plan"]
blocks:
  - country: USA
    regions: [san-diego-tijuana]
    phases:
      - id: closed
        title: {en: Closed to visitors, es: Cerrado a visitantes}
        effective_from: 2026-01-01T00:00:00Z
        admit: [citizen-or-national, permanent-resident]
        deny_reason: {en: only citizens and residents, es: solo ciudadanos y residentes}
"""
PROPOSAL = {
    "from": "2027-01-04",
    "to": "2027-01-05",
    "generate": {"ports": ["2504"], "per_day": 20},
}


def visitor(arrival: datetime) -> dict[str, Any]:
    """A Mexican visitor's pre-arrival at San Ysidro (2504) at ``arrival``."""
    day = arrival.date()
    for seed in range(200):
        (record,) = generate_travelers("2504", day, 1, rng=np.random.default_rng(seed))
        if record["nationality"] == "MEX" and record["document"]["type"] == "passport":
            return {**record, "expected_arrival": arrival.isoformat()}
    raise AssertionError("no Mexican visitor generated")


def test_a_published_plan_governs_only_once_activated_and_then_everywhere(
    api: TestClient, client_for: ClientFor
) -> None:
    cbp, anam, carrier = client_for("cbp"), client_for("anam"), client_for("carrier")
    arrival = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    record = visitor(arrival)
    traveler = {
        "nationality": "MEX",
        "date_of_birth": record["date_of_birth"],
        "purpose": record["purpose"],
    }
    check = {"traveler": traveler, "port": "2504", "at": arrival.isoformat()}
    created = cbp.post("/policies", json={"plan_yaml": MY_PLAN})
    assert created.status_code == 201 and created.json()["version"] == "my-plan@1"

    # Published is not in force: both deciders still use the default plan.
    before = api.post("/admissibility/evaluate", json=check).json()
    assert before["version"] != "my-plan@1"
    filed = carrier.post("/declarations/travelers", json=record)
    assert filed.status_code == 201, filed.text
    assert filed.json()["decision"]["rule_versions"]["admissibility"] == before["version"]
    assert (
        api.post("/admissibility/evaluate", json={**check, "version": "my-plan@1"}).json()[
            "decision"
        ]
        == "deny"
    )  # trying the version explicitly

    # Out of order, then the wrong agency: refused, bilingual, nothing recorded.
    early = cbp.post("/plans/my-plan@1/approve")
    assert early.status_code == 409 and early.json()["allowed"] == ["propose", "withdraw"]
    proposed = cbp.post("/plans/my-plan@1/propose", json=PROPOSAL)
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["impact"]["transitions"]  # the impact analysis is attached
    wrong = anam.post("/plans/my-plan@1/approve")
    assert wrong.status_code == 403 and wrong.json()["code"] == "admissibility.wrong_agency"
    es = anam.post("/plans/my-plan@1/approve", headers={"Accept-Language": "es"})
    assert "solo tiene reglas para USA" in es.text
    assert client_for("carrier").post("/plans/my-plan@1/approve").status_code == 403
    assert cbp.post("/plans/my-plan@1/approve").json()["state"] == "approved"
    activated = cbp.post(
        "/plans/my-plan@1/activate",
        json={"effective_from": "2026-12-01T00:00:00Z", "regions": ["san-diego-tijuana"]},
    )
    assert activated.status_code == 200, activated.text
    assert activated.json()["state"] == "in_force"

    # In force: the pipeline and the self-check agree, and cite it.
    after = api.post("/admissibility/evaluate", json=check).json()
    assert after["version"] == "my-plan@1" and after["decision"] == "deny"
    again = carrier.post("/declarations/travelers", json={**record, "idempotency_key": "again-1"})
    assert again.status_code == 201, again.text
    decision = again.json()["decision"]
    assert decision["rule_versions"]["admissibility"] == "my-plan@1"
    assert decision["outcome"] == "deny"
    assert "my-plan/closed" in {r["rule_id"] for r in decision["reasons"]}

    # Anyone, the other agency's node included, reads what is in force (no token).
    found = api.get("/plans/in-force", params={"port": "2504", "at": arrival.isoformat()})
    assert found.status_code == 200
    assert found.json()["version"] == "my-plan@1" and not found.json()["default"]
    history = api.get("/plans/in-force", params={"cedar": "true"}).json()
    assert [a["version"] for a in history["activations"]] == ["my-plan@1"]
    assert "forbid(" in history["versions"]["my-plan@1"]["cedar"]
    shown = client_for("public").get("/plans/my-plan@1").json()
    assert [t["action"] for t in shown["transitions"]] == ["propose", "approve", "activate"]
    assert all(t["actor"] and t["at"] for t in shown["transitions"])


def test_an_overlapping_activation_is_a_conflict_until_it_supersedes(
    client_for: ClientFor,
) -> None:
    cbp = client_for("cbp")
    for text in (MY_PLAN, MY_PLAN.replace("only citizens", "citizens only")):
        version = cbp.post("/policies", json={"plan_yaml": text}).json()["version"]
        assert cbp.post(f"/plans/{version}/propose", json=PROPOSAL).status_code == 200
        assert cbp.post(f"/plans/{version}/approve").status_code == 200
    scope = {"effective_from": "2026-12-01T00:00:00Z", "regions": ["san-diego-tijuana"]}
    assert cbp.post("/plans/my-plan@1/activate", json=scope).status_code == 200
    later = {**scope, "effective_from": "2027-01-01T00:00:00-08:00"}
    clash = cbp.post("/plans/my-plan@2/activate", json=later)
    assert clash.status_code == 409
    assert clash.json()["code"] == "admissibility.in_force_overlap"
    assert clash.json()["conflicts"][0]["version"] == "my-plan@1"
    ok = cbp.post("/plans/my-plan@2/activate", json={**later, "supersedes": ["my-plan@1"]})
    assert ok.status_code == 200, ok.text
    assert cbp.get("/plans/my-plan@1").json()["state"] == "superseded"
    bad = cbp.post("/plans/my-plan@2/withdraw", json={"effective_from": "2027-02-01T00:00:00"})
    assert bad.status_code == 422  # an instant without offset
    assert cbp.post("/plans/nope@1/approve").status_code == 404


def test_an_agency_cannot_publish_a_plan_only_for_the_other_country(
    client_for: ClientFor,
) -> None:
    anam = client_for("anam")
    refused = anam.post("/policies", json={"plan_yaml": MY_PLAN})
    assert refused.status_code == 403 and refused.json()["code"] == "admissibility.wrong_agency"
    assert anam.get("/policies").json()["versions"] == []  # nothing stored
    assert client_for("admin").post("/policies", json={"plan_yaml": MY_PLAN}).status_code == 201


def test_reading_what_is_in_force_refuses_bad_input_with_a_problem(api: TestClient) -> None:
    at = "2027-01-01T00:00:00-08:00"
    bad_direction = api.get("/plans/in-force", params={"port": "2504", "at": at, "direction": "up"})
    assert bad_direction.status_code == 422
    unknown = api.get("/plans/in-force", params={"port": "9999", "at": at})
    assert unknown.status_code == 400 and unknown.json()["code"] == "ports.unknown_port"
    naive = api.get("/plans/in-force", params={"port": "2504", "at": "2027-01-01T00:00:00"})
    assert naive.status_code == 422
    default = api.get("/plans/in-force", params={"port": "2504", "at": at}).json()
    assert default["default"] is True and default["activation"] is None
