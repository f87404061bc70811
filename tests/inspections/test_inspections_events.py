"""The event-sourced inspection: events received twice apply once, the materialized state is
the replay of the stored events, the agencies' parts commute, and mutual recognition."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from inspection_fixtures import ClientFor, dock, file_trip, ok, settings, started
from sqlalchemy import func, select

from smartborder import inspections
from smartborder.inspections import (
    EventKind,
    Inspection,
    InspectionEvent,
    NotYourInspection,
    Step,
    StepOutOfOrder,
    apply,
    replay,
    satisfies,
)
from smartborder.store import inspections as inspections_repo
from smartborder.store import transaction
from smartborder.store.tables.inspections import InspectionEventRow
from smartborder.store.tables.risk import ViolationRow

__all__ = ["settings"]  # the fixture: a node with the W3C contexts
T0 = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def _event(
    kind: EventKind, agency: str, body: dict[str, Any], *, minutes: int, iid: str = "i1"
) -> InspectionEvent:
    return InspectionEvent(
        id=str(uuid.uuid4()),
        inspection_id=iid,
        declaration_id="d1",
        kind=kind,
        agency=agency,  # type: ignore[arg-type]
        actor=f"client-{agency}",
        at=T0 + timedelta(minutes=minutes),
        body=body,
    )


def _finding(agency: str, code: str, minutes: int) -> dict[str, Any]:
    return {
        "code": code,
        "agency": agency,
        "found_by": f"client-{agency}",
        "found_by_org": agency.upper(),
        "found_at": (T0 + timedelta(minutes=minutes)).isoformat(),
    }


def _started_joint() -> Inspection:
    state = apply(
        None,
        _event(
            EventKind.REQUESTED,
            "cbp",
            {"joint": True, "port_code": "2604", "direction": "northbound", "facility": None},
            minutes=0,
        ),
    )
    state = apply(
        state,
        _event(
            EventKind.SCHEDULED,
            "anam",
            {"facility": "ucp:nogales-mariposa", "scheduled_for": T0.isoformat()},
            minutes=1,
        ),
    )
    return apply(state, _event(EventKind.STARTED, "cbp", {}, minutes=2))


def test_the_agencies_parts_commute() -> None:
    base = _started_joint()
    cbp = [
        _event(
            EventKind.FINDINGS_RECORDED,
            "cbp",
            {"findings": [_finding("cbp", "no_discrepancy", 3)]},
            minutes=3,
        ),
        _event(EventKind.CONCLUDED, "cbp", {"outcome": "released"}, minutes=5),
    ]
    anam = [
        _event(
            EventKind.FINDINGS_RECORDED,
            "anam",
            {"findings": [_finding("anam", "misdeclared_origin", 4)]},
            minutes=4,
        ),
        _event(EventKind.CONCLUDED, "anam", {"outcome": "held"}, minutes=6),
    ]
    one, two = base, base
    for e in cbp + anam:
        one = apply(one, e)
    for e in [anam[0], cbp[0], anam[1], cbp[1]]:
        two = apply(two, e)
    assert one.step is two.step is Step.CONCLUDED
    assert one.parts == two.parts and one.version == two.version == 7


def test_a_part_left_open_keeps_the_joint_inspection_in_progress() -> None:
    state = _started_joint()
    state = apply(
        state,
        _event(
            EventKind.FINDINGS_RECORDED,
            "cbp",
            {"findings": [_finding("cbp", "no_discrepancy", 3)]},
            minutes=3,
        ),
    )
    state = apply(state, _event(EventKind.CONCLUDED, "cbp", {"outcome": "released"}, minutes=4))
    assert state.step is Step.IN_PROGRESS
    assert inspections.next_steps(state, "anam") == ["findings", "conclude"]
    assert inspections.next_steps(state, "cbp") == []


def test_findings_carrying_the_other_agency_are_refused() -> None:
    with pytest.raises(NotYourInspection):
        apply(
            _started_joint(),
            _event(
                EventKind.FINDINGS_RECORDED,
                "cbp",
                {"findings": [_finding("anam", "no_discrepancy", 3)]},
                minutes=3,
            ),
        )


def test_mutual_recognition_decides_whether_a_part_without_own_findings_counts() -> None:
    state = _started_joint()
    for e in (
        _event(
            EventKind.FINDINGS_RECORDED,
            "cbp",
            {"findings": [_finding("cbp", "no_discrepancy", 3)]},
            minutes=3,
        ),
        _event(EventKind.CONCLUDED, "cbp", {"outcome": "released"}, minutes=4),
    ):
        state = apply(state, e)
    assert not satisfies(state, "cbp", mutual_recognition=True)  # not concluded yet
    state = apply(state, _event(EventKind.CONCLUDED, "anam", {"outcome": "released"}, minutes=5))
    assert satisfies(state, "cbp", mutual_recognition=False)  # it inspected itself
    assert not satisfies(state, "anam", mutual_recognition=False)  # relied on CBP's findings
    assert satisfies(state, "anam", mutual_recognition=True)  # the agreement recognises them


def test_another_agencys_own_inspection_never_satisfies() -> None:
    state = apply(
        None,
        _event(
            EventKind.REQUESTED,
            "anam",
            {"joint": False, "port_code": "2604", "direction": "southbound"},
            minutes=0,
        ),
    )
    state = replace(state, step=Step.CONCLUDED)
    assert satisfies(state, "anam", mutual_recognition=False)
    assert not satisfies(state, "cbp", mutual_recognition=True)


def test_stored_events_replay_to_the_materialized_state(
    app: FastAPI, client_for: ClientFor
) -> None:
    trip = file_trip(client_for("carrier"))
    cbp, anam = client_for("cbp"), client_for("anam")
    iid = started(cbp, trip, joint=True)
    ok(
        anam.post(
            f"/inspections/{iid}/findings",
            json={"findings": [{"code": "misdeclared_quantity", "value_usd": 80}]},
        )
    )
    ok(anam.post(f"/inspections/{iid}/conclude", json={"outcome": "released"}))
    with transaction(app.state.ctx.sessions) as session:
        events = inspections.events_of(session, iid)
        assert [e.kind for e in events] == [
            EventKind.REQUESTED,
            EventKind.SCHEDULED,
            EventKind.STARTED,
            EventKind.FINDINGS_RECORDED,
            EventKind.CONCLUDED,
            EventKind.REPORT_ISSUED,
        ]
        assert replay(events) == inspections.load(session, iid)


def test_an_event_received_twice_is_applied_once(app: FastAPI, client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    cbp = client_for("cbp")
    iid = started(cbp, trip, joint=True)
    now = datetime.now(UTC)
    # what ANAM's node would send: its findings on the joint inspection
    event = {
        "id": str(uuid.uuid4()),
        "inspection_id": iid,
        "declaration_id": trip,
        "kind": "findings_recorded",
        "agency": "anam",
        "actor": "anam-node-client",
        "at": now.isoformat(),
        "body": {
            "findings": [_finding("anam", "undeclared_goods", 0) | {"found_at": now.isoformat()}]
        },
    }
    sessions = app.state.ctx.sessions
    with transaction(sessions) as session:
        assert inspections.receive(session, event, now=now) is True
    with transaction(sessions) as session:
        before = inspections.load(session, iid)
        assert inspections.receive(session, event, now=now) is False
        assert inspections.load(session, iid) == before
        stored = session.scalar(
            select(func.count())
            .select_from(InspectionEventRow)
            .where(InspectionEventRow.id == event["id"])
        )
        assert stored == 1
        violations = session.scalar(
            select(func.count()).select_from(ViolationRow).where(ViolationRow.source == event["id"])
        )
        # each shipper, consignee and the carrier of the trip, once
        assert violations is not None and violations >= 3
    assert before is not None and before.parts["anam"].findings[0].code.value == "undeclared_goods"


def test_a_received_event_out_of_order_is_refused_and_not_stored(
    app: FastAPI, client_for: ClientFor
) -> None:
    trip = file_trip(client_for("carrier"))
    ins = ok(client_for("cbp").post(f"/declarations/{trip}/inspections", json={"joint": True}), 201)
    event = {
        "id": str(uuid.uuid4()),
        "inspection_id": ins["id"],
        "declaration_id": trip,
        "kind": "concluded",
        "agency": "anam",
        "actor": "anam-node-client",
        "at": datetime.now(UTC).isoformat(),
        "body": {"outcome": "released"},
    }
    with pytest.raises(StepOutOfOrder) as caught, transaction(app.state.ctx.sessions) as session:
        inspections.receive(session, event, now=datetime.now(UTC))
    assert caught.value.extra == {"state": "requested", "allowed": ["schedule"]}
    with transaction(app.state.ctx.sessions) as session:
        assert inspections.events_of(session, ins["id"])[-1].kind is EventKind.REQUESTED


def test_a_malformed_received_event_is_422() -> None:
    good = _event(EventKind.STARTED, "cbp", {}, minutes=0).to_dict()
    good["inspection_id"] = good["declaration_id"] = str(uuid.uuid4())
    assert InspectionEvent.from_dict(good).kind is EventKind.STARTED
    for bad in (
        {"kind": "teleported"},
        {"id": "x" * 80},
        {"agency": "dea"},
        {"at": "2026-12-08T15:00"},
    ):
        with pytest.raises(inspections.InspectionInvalid):
            InspectionEvent.from_dict(good | bad)


def test_a_received_request_for_another_port_is_refused(
    app: FastAPI, client_for: ClientFor
) -> None:
    trip = file_trip(client_for("carrier"))
    event = _event(
        EventKind.REQUESTED,
        "anam",
        {"joint": True, "port_code": "2604", "direction": "northbound"},
        minutes=0,
        iid=str(uuid.uuid4()),
    )
    with (
        pytest.raises(inspections.InspectionInvalid),
        transaction(app.state.ctx.sessions) as session,
    ):
        inspections.receive(session, replace(event, declaration_id=trip), now=T0)


def test_rescheduling_is_allowed_until_the_inspection_starts(client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    anam = client_for("anam")
    ins = ok(
        anam.post(f"/declarations/{trip}/inspections", json={"joint": True, "facility": dock()}),
        201,
    )
    for hours in (2, 5):
        when = (datetime.now(UTC) + timedelta(hours=hours)).isoformat()
        got = ok(anam.post(f"/inspections/{ins['id']}/schedule", json={"scheduled_for": when}))
        assert (
            got["state"] == "scheduled"
            and got["scheduled_for"] == datetime.fromisoformat(when).isoformat()
        )
    ok(client_for("cbp").post(f"/inspections/{ins['id']}/start"))
    late = anam.post(f"/inspections/{ins['id']}/schedule", json={"scheduled_for": T0.isoformat()})
    assert late.status_code == 409 and late.json()["allowed"] == ["findings", "conclude"]


def test_a_stale_version_writes_nothing(app: FastAPI, client_for: ClientFor) -> None:
    trip = file_trip(client_for("carrier"))
    iid = started(client_for("cbp"), trip, joint=True)
    now = datetime.now(UTC)
    with transaction(app.state.ctx.sessions) as session:
        state = inspections.load(session, iid)
        assert state is not None and state.version == 3
        stale = inspections_repo.save_event(
            session,
            event={
                "id": str(uuid.uuid4()),
                "inspection_id": iid,
                "declaration_id": trip,
                "kind": "findings_recorded",
                "agency": "cbp",
                "actor": "x",
                "at": now,
                "body": "{}",
            },
            state={
                "id": iid,
                "state": "in_progress",
                "version": 3,
                "updated_at": now,
                "body": "{}",
            },
            expected_version=2,  # another command moved it to 3 meanwhile
            applied_at=now,
        )
        assert stale is False
        assert len(inspections.events_of(session, iid)) == 3
