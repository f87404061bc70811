"""Crossing events: JSON or NDJSON batches, validated first, idempotent by event id, durable —
through the library, the CLI and ``POST /events`` with the ``events:write`` scope."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from kpi_testdata import crossing_story, event
from typer.testing import CliRunner

from smartborder.cli import app as cli_app
from smartborder.kpi import EventsInvalid, ingest_events, parse_events
from smartborder.store import kpi as kpi_store

T0 = datetime(2025, 7, 1, 15, 0, tzinfo=UTC)


def test_json_array_and_ndjson_parse_alike() -> None:
    evs = crossing_story(3, T0, 10)
    as_json = parse_events(json.dumps(evs).encode())
    as_nd = parse_events(b"\n".join(orjson.dumps(e) for e in evs) + b"\n")
    assert as_json == as_nd and len(as_json) == 9
    assert as_json[0].occurred_at == T0


def test_every_bad_event_is_reported_with_its_position() -> None:
    good = event("a", "queue_joined", T0, subject="s")
    bad_kind = {**event("b", "teleported", T0), "kind": "teleported"}
    naive = {**event("c", "released", T0), "occurred_at": "2025-07-01T15:00:00"}
    with pytest.raises(EventsInvalid) as info:
        parse_events(json.dumps([good, bad_kind, naive]).encode())
    pointers = {p.pointer for p in info.value.problems}
    assert pointers == {"/1/kind", "/2/occurred_at"}
    with pytest.raises(EventsInvalid) as nd:
        parse_events(orjson.dumps(good) + b"\n{broken\n")
    assert nd.value.problems[0].pointer.startswith("/1")


def test_ingest_is_idempotent_and_counts_duplicates(sessions) -> None:  # type: ignore[no-untyped-def]
    evs = parse_events(json.dumps(crossing_story(5, T0, 10)).encode())
    first = ingest_events(sessions, evs)
    assert (first.stored, first.duplicates) == (15, 0)
    again = ingest_events(
        sessions, evs[:4] + parse_events(json.dumps(crossing_story(1, T0, 10, prefix="w")).encode())
    )
    assert (again.received, again.stored, again.duplicates) == (7, 3, 4)
    assert set(again.duplicate_ids) == {e.event_id for e in evs[:4]}
    repeated = ingest_events(sessions, [evs[0], evs[0]])
    assert (repeated.stored, repeated.duplicates) == (0, 2)
    with sessions() as s:
        assert kpi_store.count_events(s) == 18


def test_unknown_port_or_foreign_crossing_rejects_the_batch(sessions) -> None:  # type: ignore[no-untyped-def]
    evs = parse_events(
        json.dumps(
            [
                event("ok", "queue_joined", T0),
                event("x1", "queue_joined", T0, port_code="9999", crossing=None),
                event("x2", "queue_joined", T0, crossing="250601"),  # Otay Mesa is not port 2504
            ]
        ).encode()
    )
    with pytest.raises(EventsInvalid) as info:
        ingest_events(sessions, evs)
    assert {p.code for p in info.value.problems} == {
        "kpi.event.unknown_port",
        "kpi.event.unknown_crossing",
    }
    with sessions() as s:
        assert kpi_store.count_events(s) == 0  # nothing half-stored


def test_cli_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTBORDER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SMARTBORDER_DATABASE_URL", raising=False)
    path = tmp_path / "events.ndjson"
    path.write_bytes(b"\n".join(orjson.dumps(e) for e in crossing_story(2, T0, 5)))
    runner = CliRunner()
    out = runner.invoke(cli_app, ["kpi", "ingest", str(path), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["stored"] == 6
    out = runner.invoke(cli_app, ["kpi", "ingest", str(path), "--json"])
    assert json.loads(out.output)["duplicates"] == 6


def test_post_events_needs_the_scope_and_is_idempotent(client_for, api) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(crossing_story(4, T0, 7))
    assert (
        api.post("/events", content=body, headers={"content-type": "application/json"}).status_code
        == 401
    )
    carrier = client_for("carrier")
    assert (
        carrier.post(
            "/events", content=body, headers={"content-type": "application/json"}
        ).status_code
        == 403
    )
    cbp = client_for("cbp")
    first = cbp.post("/events", content=body, headers={"content-type": "application/json"})
    assert first.status_code == 200, first.text
    assert first.json()["stored"] == 12
    nd = b"\n".join(orjson.dumps(e) for e in crossing_story(4, T0, 7))
    second = cbp.post("/events", content=nd, headers={"content-type": "application/x-ndjson"})
    assert (second.json()["stored"], second.json()["duplicates"]) == (0, 12)


def test_post_events_bad_batch_is_a_problem_document(client_for) -> None:  # type: ignore[no-untyped-def]
    cbp = client_for("cbp")
    bad = json.dumps([{**event("a", "queue_joined", T0), "mode": "submarine"}])
    resp = cbp.post(
        "/events",
        content=bad,
        headers={"content-type": "application/json", "accept-language": "es"},
    )
    assert resp.status_code == 400
    doc = resp.json()
    assert doc["code"] == "kpi.events_invalid" and doc["errors"][0]["pointer"] == "/0/mode"
    assert resp.headers["content-language"] == "es"


def test_post_one_pretty_printed_event_as_json(client_for) -> None:  # type: ignore[no-untyped-def]
    cbp = client_for("cbp")
    body = json.dumps(event("solo-1", "queue_joined", T0, subject="solo"), indent=2)
    resp = cbp.post("/events", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["stored"] == 1
