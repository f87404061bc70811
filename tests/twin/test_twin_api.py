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


def test_system_comparison_shows_every_port_and_the_system(client_for: ClientFor) -> None:
    resp = client_for("cbp").post(
        "/twin/systems/compare", json={"shipped": "otay_mesa_east", "replications": 1, "seed": 0}
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    ports = {row["port"]: row for row in body["ports"]}
    assert set(ports) == {"san_ysidro", "otay_mesa", "laredo", "el_paso", "otay_mesa_east"}
    assert ports["otay_mesa_east"]["new"] and ports["otay_mesa_east"]["vehicles_per_day_after"] > 0
    assert body["after"]["vehicles_per_day"] > 0 and body["before"]["co2_kg_per_day"] > 0


def test_a_bad_system_is_a_400_with_pointers_into_the_body(client_for: ClientFor) -> None:
    bad = {
        "name": "bad",
        "ports": [
            {"id": "a", "scenario": SMALL},
            {"id": "n", "new_port": {"name": "N", "lanes": {}}},
        ],
        "demand": {"split": {"a": 0.5, "n": 0.4}},
    }
    resp = client_for("cbp").post("/twin/systems/compare", json={"system": bad})
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert body["code"] == "twin.scenario_invalid"
    found = {p["pointer"]: p["code"] for p in body["errors"]}
    assert found == {
        "/system/ports/1/new_port/lanes": "twin.new_port_no_lanes",
        "/system/demand/split": "twin.split_sum",
    }
    spanish = client_for("cbp").post(
        "/twin/systems/compare", json={"system": bad}, headers={"Accept-Language": "es"}
    )
    assert "deben sumar 1" in spanish.text


def test_joint_inspection_saving_through_the_api(client_for: ClientFor, api: Any) -> None:
    body = {"shipped": "otay_mesa_both_sides", "replications": 1, "seed": 0}
    assert api.post("/twin/joint/compare", json=body).status_code == 401
    resp = client_for("anam").post("/twin/joint/compare", json=body)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert got["serial"]["joint_inspection"] is False and got["joint"]["joint_inspection"] is True
    assert got["time_in_system_mean_min_saved"] > 0
    chain = {**SMALL, "chain": [{"module": "teleport"}, {"module": "cbp_import"}]}
    bad = client_for("anam").post("/twin/joint/compare", json={"scenario": chain})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["pointer"] == "/scenario/chain/0/module"
    plain = client_for("anam").post("/twin/joint/compare", json={"scenario": SMALL})
    assert plain.status_code == 400 and plain.json()["errors"][0]["code"] == "twin.no_chain"
