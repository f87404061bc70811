"""Crossing events from the lifecycle of pre-arrival records, so the KPIs count what the
single window decided (pre-cleared share, trusted-traveler share, inspection rate).

An agency recording a record's arrival, release or inspection also records the matching
crossing event (source ``preclearance``) in the same transaction: arrival → the vehicle
reached primary; released → released; inspected → referred to secondary; closed after an
inspection → left secondary. Event ids are derived from the record and state, so a retried
transition never counts twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smartborder.kpi import CrossingEvent, EventKind, EventSource, TravelerClass
from smartborder.ports import Direction, LaneType, Mode
from smartborder.preclearance.lifecycle import State

_KIND = {
    State.ARRIVED: EventKind.PRIMARY_REACHED,
    State.RELEASED: EventKind.RELEASED,
    State.INSPECTED: EventKind.REFERRED_SECONDARY,
}
_PRIMARY_LANES = frozenset(lt.value for lt in LaneType)


def crossing_event(
    *,
    record_id: str,
    kind: str,
    port_code: str,
    direction: str,
    declaration: dict[str, Any],
    decision: dict[str, Any],
    previous: State,
    target: State,
    at: datetime,
) -> CrossingEvent | None:
    """The event a state change means, or ``None`` (e.g. closing a released record)."""
    event_kind = _KIND.get(target)
    if target is State.CLOSED and previous is State.INSPECTED:
        event_kind = EventKind.SECONDARY_LEFT
    if event_kind is None:
        return None
    lane = str(decision.get("lane") or "")
    if kind == "truck":
        mode = Mode.COMMERCIAL
        tclass = TravelerClass.COMMERCIAL_TRUSTED if lane == "fast" else TravelerClass.COMMERCIAL
    else:
        mode = Mode.PASSENGER_VEHICLE if declaration.get("vehicle_plate") else Mode.PEDESTRIAN
        tclass = {
            "sentri": TravelerClass.TRUSTED_TRAVELER,
            "ready": TravelerClass.READY,
        }.get(lane, TravelerClass.GENERAL)
    return CrossingEvent(
        event_id=f"pc:{record_id}:{target.value}",
        kind=event_kind,
        occurred_at=at,
        port_code=port_code,
        mode=mode,
        lane_type=LaneType(lane) if lane in _PRIMARY_LANES else LaneType.GENERAL,
        direction=Direction(direction),
        traveler_class=tclass,
        precleared=decision.get("outcome") == "release",
        subject_ref=record_id,
        source=EventSource.PRECLEARANCE,
    )
