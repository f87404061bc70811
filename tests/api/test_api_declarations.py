"""The single window through HTTP: submit, retry, amend, read, tenancy, lifecycle, bad input."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.ports import Direction
from smartborder.store.tables.kpi import CrossingEventRow

ClientFor = Callable[..., TestClient]

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date()


def truck(seed: int = 1, direction: Direction = Direction.NORTHBOUND) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return generate_trucks("2304", TOMORROW, 1, rng=rng, direction=direction)[0]


def traveler(seed: int = 1) -> dict[str, Any]:
    return generate_travelers("2504", TOMORROW, 1, rng=np.random.default_rng(seed))[0]


def test_submit_truck_returns_record_and_decision_binding_cbp(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    r = carrier.post("/declarations/trucks", json=truck())
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/declarations/{body['record']['id']}"
    assert body["record"]["state"] == "decided"
    assert body["record"]["direction"] == "northbound"
    decision = body["decision"]
    assert decision["outcome"] in {"release", "documentary_review", "inspect", "hold"}
    assert decision["agencies"] == ["cbp"]
    assert decision["reasons"], "a decision always explains itself"
    for reason in decision["reasons"]:
        assert reason["code"] and reason["stage"]


def test_southbound_truck_is_anams_entry_and_cbps_exit_leg(client_for: ClientFor) -> None:
    broker = client_for("broker")
    r = broker.post("/declarations/trucks", json=truck(2, Direction.SOUTHBOUND))
    assert r.status_code == 201, r.text
    rid = r.json()["record"]["id"]
    assert r.json()["decision"]["agencies"] == ["anam"]
    anam = client_for("anam").get(f"/declarations/{rid}").json()
    assert [(leg["agency"], leg["leg"]) for leg in anam["legs"]] == [
        ("cbp", "exit"),
        ("anam", "entry"),
    ]
    assert anam["legs"][1]["decision"]["outcome"] == r.json()["decision"]["outcome"]
    # CBP clears the export: it sees the trip, in the data elements the agreement shares
    cbp = client_for("cbp").get(f"/declarations/{rid}")
    assert cbp.status_code == 200
    shown = cbp.json()["versions"][0]["declaration"]
    assert "phone" not in shown["shipments"][0]["shipper"]
    assert shown["shipments"][0]["shipper"]["name"]
    # ... and lists only its own decisions (none: a one-node demo decides entries)
    listed = client_for("cbp").get("/decisions").json()
    assert all(rid != d["declaration_id"] for d in listed)


def test_retry_with_same_key_returns_same_record(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    payload = truck(3)
    first = carrier.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "k-1"})
    again = carrier.post("/declarations/trucks", json=payload, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["record"]["id"] == first.json()["record"]["id"]
    assert again.json()["created"] is False


def test_same_shipment_control_numbers_without_key_is_idempotent(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    payload = truck(4)
    payload.pop("idempotency_key", None)
    a = carrier.post("/declarations/trucks", json=payload)
    b = carrier.post("/declarations/trucks", json=payload)
    assert (a.status_code, b.status_code) == (201, 200)
    assert a.json()["record"]["id"] == b.json()["record"]["id"]


def test_same_key_other_content_is_409_and_stores_nothing(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    first = carrier.post("/declarations/trucks", json=truck(5), headers={"Idempotency-Key": "k-2"})
    assert first.status_code == 201
    other = carrier.post("/declarations/trucks", json=truck(6), headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "declaration.idempotency_conflict"
    listed = client_for("admin").get("/decisions", params={"port": "2304"}).json()
    assert len(listed) == 1


def test_amendment_creates_new_version_and_keeps_history(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    payload = truck(7)
    rid = carrier.post("/declarations/trucks", json=payload).json()["record"]["id"]
    amended = copy.deepcopy(payload)
    amended["expected_arrival"] = (
        datetime.fromisoformat(payload["expected_arrival"]) + timedelta(hours=2)
    ).isoformat()
    as_traveler = carrier.put(f"/declarations/{rid}", json={**amended, "kind": "traveler"})
    assert as_traveler.status_code == 409
    assert as_traveler.json()["code"] == "declaration.kind_changed"
    amended.pop("kind")  # an amendment may leave the kind out
    r = carrier.put(f"/declarations/{rid}", json=amended)
    assert r.status_code == 200, r.text
    assert r.json()["record"]["current_version"] == 2
    detail = carrier.get(f"/declarations/{rid}").json()
    assert [v["version"] for v in detail["versions"]] == [1, 2]
    assert (
        detail["versions"][0]["declaration"]["expected_arrival"]
        != (detail["versions"][1]["declaration"]["expected_arrival"])
    )
    assert [d["version"] for d in detail["decisions"]] == [1, 2]
    assert [h["state"] for h in detail["history"]] == ["submitted", "decided", "decided"]


def test_other_tenant_gets_404_not_403(client_for: ClientFor) -> None:
    mine = client_for("carrier", org="Carrier A")
    theirs = client_for("carrier", org="Carrier B")
    rid = mine.post("/declarations/trucks", json=truck(8)).json()["record"]["id"]
    assert mine.get(f"/declarations/{rid}").status_code == 200
    r = theirs.get(f"/declarations/{rid}")
    assert r.status_code == 404
    assert r.json()["code"] == "declaration.not_found"
    assert theirs.put(f"/declarations/{rid}", json=truck(8)).status_code == 404


def test_lifecycle_by_the_binding_agency(client_for: ClientFor) -> None:
    carrier, cbp = client_for("carrier"), client_for("cbp")
    rid = carrier.post("/declarations/trucks", json=truck(9)).json()["record"]["id"]
    assert carrier.post(f"/declarations/{rid}/state", json={"state": "arrived"}).status_code == 403
    assert (
        client_for("anam").post(f"/declarations/{rid}/state", json={"state": "arrived"}).status_code
        == 403
    )
    bad = cbp.post(f"/declarations/{rid}/state", json={"state": "released"})
    assert bad.status_code == 409 and bad.json()["code"] == "lifecycle.invalid_transition"
    for state in ("arrived", "inspected", "released", "closed"):
        r = cbp.post(f"/declarations/{rid}/state", json={"state": state, "note": "ok"})
        assert r.status_code == 200, r.text
        assert r.json()["state"] == state
    history = cbp.get(f"/declarations/{rid}").json()["history"]
    assert [h["state"] for h in history][-4:] == ["arrived", "inspected", "released", "closed"]
    late = carrier.put(f"/declarations/{rid}", json=truck(9))
    assert late.status_code == 409 and late.json()["code"] == "lifecycle.not_amendable"
    # each transition left its crossing event for the KPIs, in the same transaction
    ctx = cbp.app.state.ctx  # type: ignore[attr-defined]
    with ctx.sessions() as session:
        events = session.execute(
            select(CrossingEventRow.kind, CrossingEventRow.source, CrossingEventRow.mode)
            .where(CrossingEventRow.subject_ref == rid)
            .order_by(CrossingEventRow.occurred_at)
        ).all()
    assert [e.kind for e in events] == ["primary_reached", "referred_secondary", "released"]
    assert {e.source for e in events} == {"preclearance"}
    assert {e.mode for e in events} == {"commercial"}


def test_decisions_filtered_by_port_direction_and_time(client_for: ClientFor) -> None:
    broker = client_for("broker")
    broker.post("/declarations/travelers", json=traveler(10))
    broker.post("/declarations/trucks", json=truck(11))
    broker.post("/declarations/trucks", json=truck(12, Direction.SOUTHBOUND))
    cbp = client_for("cbp")
    north = cbp.get("/decisions").json()
    assert {d["agencies"][0] for d in north} == {"cbp"} and len(north) == 2
    at_sy = cbp.get("/decisions", params={"port": "2504"}).json()
    assert len(at_sy) == 1
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert cbp.get("/decisions", params={"since": future}).json() == []
    assert client_for("anam").get("/decisions", params={"direction": "southbound"}).json()


def test_traveler_declaration_through_api(client_for: ClientFor) -> None:
    r = client_for("broker").post("/declarations/travelers", json=traveler(13))
    assert r.status_code == 201, r.text
    assert r.json()["record"]["kind"] == "traveler"


# --- bad input, one class per test -------------------------------------------------------


def test_missing_token_is_401(api: TestClient) -> None:
    r = api.post("/declarations/trucks", json=truck())
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_wrong_scope_is_403(client_for: ClientFor) -> None:
    r = client_for("public").post("/declarations/trucks", json=truck())
    assert r.status_code == 403
    assert r.json()["code"] == "auth.missing_scope"


def test_expired_token_is_401(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    ctx = carrier.app.state.ctx  # type: ignore[attr-defined]
    principal = ctx.signer.verify(carrier.headers["Authorization"].split()[1])
    old, _ = ctx.signer.issue(principal, now=datetime.now(UTC).timestamp() - 3600)
    r = carrier.post(
        "/declarations/trucks", json=truck(), headers={"Authorization": f"Bearer {old}"}
    )
    assert r.status_code == 401
    assert r.json()["code"] == "auth.token_expired"


def test_malformed_json_is_400_in_spanish(client_for: ClientFor) -> None:
    r = client_for("carrier").post(
        "/declarations/trucks",
        content=b'{"kind": "truck", ',
        headers={"Content-Type": "application/json", "Accept-Language": "es"},
    )
    assert r.status_code == 400
    assert r.json()["code"] == "request.malformed_json"
    assert r.headers["content-language"] == "es"


def test_wrong_types_report_every_problem_with_pointers(client_for: ClientFor) -> None:
    payload = truck(14)
    payload["port_code"] = 2304
    payload["expected_arrival"] = "tomorrow"
    r = client_for("carrier").post("/declarations/trucks", json=payload)
    assert r.status_code == 422
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert {"/port_code", "/expected_arrival"} <= pointers


def test_unknown_port_is_rejected_with_pointer(client_for: ClientFor) -> None:
    payload = truck(15)
    payload["port_code"] = "9999"
    r = client_for("carrier").post("/declarations/trucks", json=payload)
    assert r.status_code == 422
    assert any(e["pointer"] == "/port_code" for e in r.json()["errors"])


def test_arrival_in_the_past_is_rejected(client_for: ClientFor) -> None:
    payload = truck(16)
    payload["expected_arrival"] = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    r = client_for("carrier").post("/declarations/trucks", json=payload)
    assert r.status_code == 422
    assert any(e["pointer"] == "/expected_arrival" for e in r.json()["errors"])


def test_oversize_body_is_413(client_for: ClientFor) -> None:
    payload = truck(17)
    payload["padding"] = "x" * 2_000_000
    r = client_for("carrier").post("/declarations/trucks", content=json.dumps(payload).encode())
    assert r.status_code == 413


def test_rejected_request_leaves_nothing_behind(client_for: ClientFor) -> None:
    carrier = client_for("carrier")
    bad = truck(18)
    bad["port_code"] = "0000"
    assert carrier.post("/declarations/trucks", json=bad).status_code == 422
    assert client_for("admin").get("/decisions").json() == []


def test_batch_keeps_good_items_and_reports_bad_ones(client_for: ClientFor) -> None:
    good, bad = truck(19), truck(20)
    bad["port_code"] = "0000"
    r = client_for("carrier").post("/declarations/batch", json=[good, bad])
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items[0]["created"] is True and items[0]["error"] is None
    assert items[1]["error"]["code"] == "declaration.invalid"


def test_batch_items_that_are_not_objects_fail_alone(client_for: ClientFor) -> None:
    r = client_for("carrier").post("/declarations/batch", json=[truck(21), "x", [1], None])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["created"] == 1 and body["rejected"] == 3
    errors = [i["error"] for i in body["items"][1:]]
    assert [e["code"] for e in errors] == ["request.not_an_object"] * 3
    assert "Item 1 must be a JSON object (a declaration), not a string" in errors[0]["message_en"]
    assert "El elemento 2 debe ser un objeto JSON" in errors[1]["message_es"]
    assert "not null" in errors[2]["message_en"]


def test_a_body_that_is_not_an_object_is_named_in_json_words(client_for: ClientFor) -> None:
    r = client_for("carrier").post("/declarations/trucks", json=[truck(22)])
    assert r.status_code == 400 and r.json()["code"] == "request.not_an_object"
    assert "not an array" in r.json()["detail"] and "list" not in r.json()["detail"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_input_of_any_shape_gets_a_500(client_for: ClientFor, data: st.DataObject) -> None:
    carrier = client_for("carrier")
    for _ in range(25):
        body = data.draw(json_values)
        for path in ("/declarations/trucks", "/declarations/travelers", "/declarations/batch"):
            r = carrier.post(path, json=body)
            assert r.status_code < 500, (path, body, r.text)
            assert r.headers["content-type"] in ("application/json", "application/problem+json")
    raw = carrier.post(
        "/declarations/trucks", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
    )
    assert raw.status_code == 400
