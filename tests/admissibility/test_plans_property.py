"""The self-check and the pipeline can never disagree: over random travelers, ports, instants
and directions, with versions in force in some regions and ports (one superseded, one for
Mexico), the node's pipeline and the public ``/admissibility/evaluate`` decide the same, under
the same version — the one the in-force history names for that port and instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import bearer_client
from smartborder import ports
from smartborder.admissibility import traveler_from_declaration, version_in_force
from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.declarations import parse_traveler
from smartborder.demo.synthetic import generate_travelers
from smartborder.store import transaction

PLANS = {
    # USA, San Diego-Tijuana: citizens and residents only from 2026-12-01, then everyone but
    # tourists from 2027-03-01 (superseding); port 2304 (Laredo) closed to visitors on its own.
    "sd-closed": ("USA", "citizen-or-national, permanent-resident"),
    "sd-no-tourists": ("USA", "citizen-or-national, permanent-resident, essential-purpose"),
    "laredo-port": ("USA", "citizen-or-national"),
    # MEX, El Paso-Juárez: only Mexican nationals entering Mexico.
    "juarez-mx": ("MEX", "citizen-or-national"),
}
ACTIVATIONS = [
    (
        "sd-closed",
        "cbp",
        {"regions": ["san-diego-tijuana"], "effective_from": "2026-12-01T00:00:00Z"},
    ),
    (
        "sd-no-tourists",
        "cbp",
        {
            "regions": ["san-diego-tijuana"],
            "effective_from": "2027-03-01T00:00:00-08:00",
            "supersedes": ["sd-closed@1"],
        },
    ),
    ("laredo-port", "cbp", {"ports": ["2304"], "effective_from": "2026-12-15T06:00:00Z"}),
    (
        "juarez-mx",
        "anam",
        {"regions": ["el-paso-juarez"], "effective_from": "2027-01-01T07:00:00Z"},
    ),
]


def _yaml(plan_id: str, country: str, admit: str) -> str:
    return f"""
id: {plan_id}
title: {{en: {plan_id}, es: {plan_id}}}
blocks:
  - country: {country}
    phases:
      - id: only
        title: {{en: Restricted, es: Restringido}}
        effective_from: 2026-06-01T00:00:00Z
        admit: [{admit}]
        deny_reason: {{en: restricted entry, es: entrada restringida}}
"""


@pytest.fixture(scope="module")
def node_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp: Path = tmp_path_factory.mktemp("plans-property")
    app = create_app(
        Settings(
            home=tmp / "home",
            database_url=f"sqlite:///{tmp / 'p.db'}",
            public_rate_limit_per_min=60_000,
        )
    )
    agencies = {"cbp": bearer_client(app, "cbp"), "anam": bearer_client(app, "anam")}
    proposal = {
        "from": "2027-01-04",
        "to": "2027-01-04",
        "generate": {"ports": ["2504"], "per_day": 2},
    }
    for plan_id, (country, admit) in PLANS.items():
        agency = agencies["cbp" if country == "USA" else "anam"]
        created = agency.post("/policies", json={"plan_yaml": _yaml(plan_id, country, admit)})
        assert created.status_code == 201, created.text
        assert agency.post(f"/plans/{plan_id}@1/propose", json=proposal).status_code == 200
        assert agency.post(f"/plans/{plan_id}@1/approve").status_code == 200
    for plan_id, agency, body in ACTIVATIONS:
        done = agencies[agency].post(f"/plans/{plan_id}@1/activate", json=body)
        assert done.status_code == 200, done.text
    client = TestClient(app)
    yield client
    app.state.ctx.close()


PORT_CODES = sorted(p.code for p in ports.all_ports())
START = datetime(2026, 11, 1, tzinfo=UTC)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 10_000),
    port=st.sampled_from(PORT_CODES),
    minutes=st.integers(0, 60 * 24 * 240),  # November 2026 to June 2027
    direction=st.sampled_from(["northbound", "southbound"]),
    nationality=st.sampled_from([None, "MEX", "USA", "GTM", "CAN"]),
)
def test_pipeline_and_self_check_decide_alike(
    node_api: TestClient,
    seed: int,
    port: str,
    minutes: int,
    direction: str,
    nationality: str | None,
) -> None:
    arrival = START + timedelta(minutes=minutes)
    (record,) = generate_travelers(port, arrival.date(), 1, rng=np.random.default_rng(seed))
    record = {**record, "expected_arrival": arrival.isoformat(), "direction": direction}
    if nationality is not None:
        record["nationality"] = nationality
    now = arrival - timedelta(hours=2)
    declaration = parse_traveler(record, now=now)
    node = node_api.app.state.ctx  # type: ignore[attr-defined]

    decision = node.pipeline.decide(record, now=now)
    version = decision.rule_versions["admissibility"]
    admissibility = [r for r in decision.reasons if r.code.startswith("admissibility.")]

    traveler = traveler_from_declaration(declaration).model_dump(mode="json")
    body: dict[str, Any] = {
        "traveler": traveler,
        "port": port,
        "at": arrival.isoformat(),
        "direction": direction,
    }
    answer = node_api.post("/admissibility/evaluate", json=body)
    if any(r.code == "admissibility.traveler_invalid" for r in admissibility):
        assert answer.status_code == 422
        return
    assert answer.status_code == 200, answer.text
    check = answer.json()
    assert check["version"] == version
    assert {r.code for r in admissibility} == {f"admissibility.{check['decision']}"}
    assert [r.rule_id for r in admissibility] == [r["policy"] for r in check["reasons"]]

    with transaction(node.sessions) as session:
        found = version_in_force(session, port=port, at=arrival, direction=direction)
    if found is None:
        assert version == node.rules.fallback.version
    else:
        assert version == found.version


@pytest.mark.parametrize(
    ("port", "at", "direction", "expected"),
    [
        ("2504", "2027-01-10T10:00:00-08:00", "northbound", "sd-closed@1"),
        ("2504", "2027-03-02T10:00:00-08:00", "northbound", "sd-no-tourists@1"),
        ("2506", "2026-11-30T10:00:00-08:00", "northbound", None),
        ("2304", "2027-01-10T10:00:00-06:00", "northbound", "laredo-port@1"),
        ("2304", "2027-01-10T10:00:00-06:00", "southbound", None),
        ("2402", "2027-02-10T10:00:00-07:00", "southbound", "juarez-mx@1"),
        ("2402", "2027-02-10T10:00:00-07:00", "northbound", None),
    ],
)
def test_the_random_cases_reach_every_activation(
    node_api: TestClient, port: str, at: str, direction: str, expected: str | None
) -> None:
    """The property above runs over these regimes (a guard that it is not all defaults)."""
    node = node_api.app.state.ctx  # type: ignore[attr-defined]
    version = node.rules.policies_at(port, datetime.fromisoformat(at), direction).version
    assert version == (expected or node.rules.fallback.version)
