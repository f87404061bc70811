"""POST /twin/runs as a job, GET /twin/runs/{id}, and the comparison page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

ClientFor = Callable[..., TestClient]

SMALL: dict[str, Any] = {
    "name": "api small",
    "days": 1,
    "lanes": [
        {
            "id": "a",
            "mode": "passenger_vehicle",
            "lane_type": "general",
            "max_booths": 2,
            "booths": 2,
            "service": {"dist": "exponential", "mean_s": 60},
        }
    ],
    "classes": [{"name": "other", "mode": "passenger_vehicle", "rate_per_h": 90, "lanes": ["a"]}],
}


def test_run_job_is_queued_then_done_with_results(client_for: ClientFor) -> None:
    cbp = client_for("cbp")
    resp = cbp.post("/twin/runs", json={"scenario": SMALL, "replications": 3, "seed": 4})
    assert resp.status_code == 202, resp.text
    run_id = resp.json()["id"]
    assert resp.json()["status"] == "queued"
    got = cbp.get(f"/twin/runs/{run_id}")
    assert got.status_code == 200
    body = got.json()
    assert body["status"] == "done", body
    lane = body["result"]["summary"][0]
    assert lane["lane"] == "a" and lane["wait_mean_ci_min"] is not None
    assert len(body["result"]["hourly"]) == 24
    again = cbp.post("/twin/runs", json={"scenario": SMALL, "replications": 3, "seed": 4}).json()[
        "id"
    ]
    assert cbp.get(f"/twin/runs/{again}").json()["result"]["summary"] == body["result"]["summary"]


def test_runs_are_private_to_their_organization(client_for: ClientFor) -> None:
    run_id = (
        client_for("cbp", org="cbp-a")
        .post("/twin/runs", json={"scenario": SMALL, "replications": 1})
        .json()["id"]
    )
    other = client_for("cbp", org="cbp-b").get(f"/twin/runs/{run_id}")
    assert other.status_code == 404
    assert other.json()["code"] == "twin.run_not_found"


def test_run_needs_the_twin_scope(client_for: ClientFor, api: Any) -> None:
    assert api.post("/twin/runs", json={"shipped": "san_ysidro"}).status_code == 401
    assert (
        client_for("carrier").post("/twin/runs", json={"shipped": "san_ysidro"}).status_code == 403
    )


def test_invalid_scenario_is_rejected_with_pointers(client_for: ClientFor) -> None:
    bad = {**SMALL, "lanes": [{**SMALL["lanes"][0], "booths": 5}]}
    resp = client_for("cbp").post("/twin/runs", json={"scenario": bad})
    assert resp.status_code in (400, 422)
    body = resp.json()
    assert body["code"] == "twin.scenario_invalid"
    assert any(p["pointer"] == "/scenario/lanes/0/booths" for p in body["errors"])
    resp = client_for("cbp").post("/twin/runs", json={"shipped": "atlantis"})
    assert resp.json()["errors"][0]["code"] == "twin.no_scenario"


def test_compare_page_renders_table_and_inline_chart(api: Any) -> None:
    resp = api.get(
        "/twin/compare",
        params={
            "scenario": ["otay_mesa_commercial", "otay_mesa_precleared"],
            "replications": 1,
            "lang": "es",
        },
    )
    assert resp.status_code == 200
    html = resp.text
    assert "<svg" in html and "Otay Mesa commercial with pre-cleared truck lanes" in html
    assert "Espera media" in html
    assert re.search(r'(src|href)="(https?:)?//', html) is None  # nothing loaded from elsewhere
