"""Dates and instants at the edges of the calendar are a 422 problem, never a 500 (an instant
in year 9999 with a negative offset overflowed when turned to UTC)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import ClientFor
from smartborder.api.problems import PROBLEM_JSON

LATE = "9999-12-31T23:59:59-05:00"
EARLY = "0001-01-01T00:00:00+05:00"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/decisions", {"since": LATE}),
        ("/decisions", {"until": EARLY}),
        ("/kpi/bwt.json", {"as_of": LATE}),
        ("/kpi/bwt.xml", {"as_of": EARLY}),
    ],
)
def test_query_instant_outside_the_calendar_is_422(
    client_for: ClientFor, path: str, params: dict[str, str]
) -> None:
    resp = client_for("admin").get(path, params=params)
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/admissibility/evaluate", {"traveler": {}, "port": "2504", "at": LATE}),
        ("/admissibility/evaluate", {"traveler": {}, "port": "2504", "at": EARLY}),
        (
            "/admissibility/impact",
            {"plan": "covid-us-land-2020", "baseline": "covid-us-land-2020", "from": "9999-12-31"},
        ),
        (
            "/admissibility/impact",
            {"plan": "covid-us-land-2020", "baseline": "covid-us-land-2020", "to": "0001-01-01"},
        ),
    ],
)
def test_body_date_outside_the_calendar_is_422(
    client_for: ClientFor, path: str, body: dict[str, Any]
) -> None:
    resp = client_for("admin").post(path, json=body)
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"][0]["pointer"] in ("/at", "/from", "/to")


@pytest.mark.parametrize("instant", [LATE, EARLY])
def test_a_crossing_event_outside_the_calendar_is_refused_and_nothing_is_stored(
    client_for: ClientFor, instant: str
) -> None:
    event = {
        "event_id": "edge-1",
        "kind": "released",
        "occurred_at": instant,
        "port_code": "2504",
        "mode": "pedestrian",
        "lane_type": "general",
        "direction": "northbound",
        "source": "manual",
    }
    agency = client_for("cbp")
    resp = agency.post("/events", json=[event])
    assert resp.status_code == 400, resp.text  # as every invalid event batch (kpi.events_invalid)
    assert resp.headers["content-type"] == PROBLEM_JSON
    assert any(e["pointer"] == "/0/occurred_at" for e in resp.json()["errors"])
    ok = {**event, "occurred_at": "2026-12-08T10:00:00-08:00"}
    assert agency.post("/events", json=[ok]).json()["stored"] == 1  # the id was not taken
