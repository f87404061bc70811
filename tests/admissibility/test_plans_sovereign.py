"""On a sovereign node (SMARTBORDER_AGENCY) the plans are its own country's: a plan with rules
for the other country goes to the other agency's node, and anyone reads what is in force."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from conftest import bearer_client
from smartborder.api import create_app
from smartborder.config import Settings

BINATIONAL = """
id: both-ways
title: {en: Both ways, es: En ambos sentidos}
blocks:
  - country: USA
    phases:
      - {id: us, title: {en: US, es: EU}, admit: [citizen-or-national], deny_reason: {en: closed, es: cerrado}}
  - country: MEX
    phases:
      - {id: mx, title: {en: MX, es: MX}, admit: [citizen-or-national], deny_reason: {en: closed, es: cerrado}}
"""
PROPOSAL = {"from": "2027-01-04", "to": "2027-01-04", "generate": {"ports": ["2504"], "per_day": 2}}


@pytest.fixture
def cbp_node(tmp_path: Path) -> Iterator[FastAPI]:
    app = create_app(
        Settings(
            home=tmp_path / "cbp", database_url=f"sqlite:///{tmp_path / 'cbp.db'}", agency="cbp"
        )
    )
    yield app
    app.state.ctx.close()


def test_a_sovereign_node_keeps_its_own_countrys_plans(cbp_node: FastAPI) -> None:
    cbp = bearer_client(cbp_node, "cbp")
    refused = cbp.post("/policies", json={"plan_yaml": BINATIONAL})
    assert refused.status_code == 403
    assert refused.json()["code"] == "admissibility.foreign_plan"
    assert "ANAM" in refused.json()["detail"]
    usa = BINATIONAL.split("  - country: MEX")[0].replace("both-ways", "usa-only")
    assert cbp.post("/policies", json={"plan_yaml": usa}).status_code == 201
    assert cbp.get("/policies").json()["versions"][0]["version"] == "usa-only@1"  # nothing else
    assert cbp.post("/plans/usa-only@1/propose", json=PROPOSAL).status_code == 200
    assert cbp.post("/plans/usa-only@1/approve").json()["state"] == "approved"
    on = cbp.post(
        "/plans/usa-only@1/activate",
        json={"effective_from": "2027-01-01T00:00:00Z", "ports": ["2504"]},
    )
    assert on.status_code == 200, on.text
    peer_view = TestClient(cbp_node).get("/plans/in-force", params={"cedar": "true"}).json()
    assert peer_view["agency"] == "cbp" and peer_view["countries"] == ["USA"]
    assert "usa-only@1" in peer_view["versions"]
