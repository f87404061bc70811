"""Inspection commands over the store: each appends one event and updates the materialized
inspection in the caller's transaction (the caller commits, so an outbox row can join it).

Who may do what: an agency (``cbp``, ``anam``) acts as itself on any trip (both agencies have
a leg in every trip); an ``admin`` names the agency it acts as. A single-agency inspection
belongs to the agency that requested it; a joint one to both. Industry clients of the
submitting organization read inspections of their trips (without officers' notes); the public
reads nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.clients import Principal, Role
from smartborder.credentials import CredentialService
from smartborder.declarations import parse_declaration
from smartborder.i18n import Text
from smartborder.inspections.errors import (
    AlreadyInspected,
    ConcurrentChange,
    InspectionInvalid,
    InspectionNotFound,
    NotYourInspection,
    ReportNotFound,
    TripNotFound,
)
from smartborder.inspections.model import (
    Agency,
    EventKind,
    Finding,
    Inspection,
    InspectionEvent,
    InspectionOutcome,
    agency_of,
    finding_code,
    outcome_of,
)
from smartborder.inspections.recognition import satisfies
from smartborder.inspections.replay import apply
from smartborder.inspections.reports import issue_report
from smartborder.preclearance import ENTRY_AGENCY, State, record_state
from smartborder.risk import store_violations, violation_rows
from smartborder.store import inspections as repo
from smartborder.store.tables.declarations import DeclarationRow


def acting_agency(principal: Principal, agency: str | None = None) -> Agency:
    """The agency ``principal`` acts as: its own (naming the other one is 403), or for an
    admin the one it names."""
    if principal.role is Role.ADMIN:
        if agency is None:
            raise InspectionInvalid(
                Text(
                    "An admin names the agency it acts as (agency: cbp or anam).",
                    "Un administrador indica la agencia por la que actúa (agency: cbp o anam).",
                )
            )
        return agency_of(agency)
    if not principal.role.is_agency:
        raise NotYourInspection(
            Text(
                "Only the customs agencies act on inspections.",
                "Solo las agencias aduaneras actúan sobre las inspecciones.",
            )
        )
    own = agency_of(principal.role.value)
    if agency is not None and agency_of(agency) != own:
        raise NotYourInspection(
            Text(
                f"{own} acts only for itself, not as {agency}.",
                f"{own} actúa solo por sí misma, no como {agency}.",
            )
        )
    return own


def _state_of(row_body: str) -> Inspection:
    return Inspection.from_dict(orjson.loads(row_body))


def load(session: Session, inspection_id: str) -> Inspection | None:
    """The current state of an inspection (no access check: for the node's own use)."""
    row = repo.get_inspection(session, inspection_id)
    return _state_of(row.body) if row is not None else None


def _columns(state: Inspection, created_at: datetime) -> dict[str, Any]:
    return {
        "id": state.id,
        "declaration_id": state.declaration_id,
        "joint": state.joint,
        "requested_by": state.requested_by,
        "facility": state.facility,
        "scheduled_for": state.scheduled_for,
        "state": state.step.value,
        "version": state.version,
        "created_at": created_at,
        "updated_at": state.updated_at or created_at,
        "body": orjson.dumps(state.to_dict()).decode(),
    }


def _commit(
    session: Session, before: Inspection | None, event: InspectionEvent, *, now: datetime
) -> Inspection:
    """Apply ``event`` to ``before`` and store both; feed violations to the risk history."""
    after = apply(before, event)
    saved = repo.save_event(
        session,
        event={
            "id": event.id,
            "inspection_id": event.inspection_id,
            "declaration_id": event.declaration_id,
            "kind": event.kind.value,
            "agency": event.agency,
            "actor": event.actor,
            "at": event.at,
            "body": orjson.dumps(event.body).decode(),
        },
        state=_columns(after, before.requested_at if before is not None else event.at),
        expected_version=before.version if before is not None else 0,
        applied_at=now,
    )
    if not saved:
        raise ConcurrentChange()
    if event.kind is EventKind.FINDINGS_RECORDED:
        _feed_risk(session, after, event)
    return after


def _feed_risk(session: Session, state: Inspection, event: InspectionEvent) -> None:
    found = (finding_code(f["code"]) for f in event.body["findings"])
    codes = [code.value for code in found if code.violation]
    if not codes:
        return  # a clean inspection lowers nothing and adds nothing
    version = repo.latest_version(session, state.declaration_id)
    if version is None:
        return
    # The stored payload was valid when filed: parse it as of then (arrival was ahead).
    declaration = parse_declaration(orjson.loads(version.payload), now=version.created_at)
    store_violations(
        session, violation_rows(declaration, codes, found_at=event.at, source=event.id)
    )


def events_of(session: Session, inspection_id: str) -> list[InspectionEvent]:
    """An inspection's events in the order this node applied them (what a peer replays)."""
    return [
        InspectionEvent(
            id=r.id,
            inspection_id=r.inspection_id,
            declaration_id=r.declaration_id,
            kind=EventKind(r.kind),
            agency=agency_of(r.agency),
            actor=r.actor,
            at=r.at,
            body=orjson.loads(r.body),
        )
        for r in repo.events_of(session, inspection_id)
    ]


def receive(session: Session, event: InspectionEvent | dict[str, Any], *, now: datetime) -> bool:
    """Apply an event that arrived from elsewhere (the other node), idempotently: an event
    whose id is stored already changes nothing and returns ``False``; a new one is applied
    like a local command's (same checks, same materialized state) and returns ``True``.
    Raises as :func:`~smartborder.inspections.apply` does for an event out of order."""
    if not isinstance(event, InspectionEvent):
        event = InspectionEvent.from_dict(event)
    if repo.event_stored(session, event.id):
        return False
    trip = repo.get_trip(session, event.declaration_id)
    if trip is None:
        raise TripNotFound(event.declaration_id)
    if event.kind is EventKind.REQUESTED and (
        event.body.get("port_code") != trip.port_code
        or event.body.get("direction") != trip.direction
    ):
        raise InspectionInvalid(
            Text(
                f"The request names another port or direction than trip {trip.id} ({trip.port_code}, {trip.direction}).",
                f"La solicitud indica otro puerto u otra dirección que el viaje {trip.id} ({trip.port_code}, {trip.direction}).",
            ),
            pointer="/body",
        )
    _commit(session, load(session, event.inspection_id), event, now=now)
    return True


def _event(
    state: Inspection | None,
    *,
    inspection_id: str,
    declaration_id: str,
    kind: EventKind,
    agency: Agency,
    principal: Principal,
    now: datetime,
    body: dict[str, Any],
) -> InspectionEvent:
    return InspectionEvent(
        id=str(uuid.uuid4()),
        inspection_id=state.id if state is not None else inspection_id,
        declaration_id=state.declaration_id if state is not None else declaration_id,
        kind=kind,
        agency=agency,
        actor=principal.client_id,
        at=now,
        body=body,
    )


def _trip(session: Session, declaration_id: str) -> DeclarationRow:
    trip = repo.get_trip(session, declaration_id)
    if trip is None:
        raise TripNotFound(declaration_id)
    return trip


def _existing(session: Session, inspection_id: str) -> Inspection:
    state = load(session, inspection_id)
    if state is None:
        raise InspectionNotFound(inspection_id)
    return state


def request(
    session: Session,
    principal: Principal,
    declaration_id: str,
    *,
    joint: bool,
    now: datetime,
    facility: str | None = None,
    reason: str | None = None,
    agency: str | None = None,
    mutual_recognition: bool = False,
    reinspect: bool = False,
) -> Inspection:
    """Request an inspection of a trip (joint: both agencies take part). A truck is not
    inspected twice for one agency: if a concluded inspection already counts for the acting
    agency (:func:`satisfies`, with the agreement's ``mutual_recognition``), the request is
    refused naming it, unless ``reinspect`` with a reason."""
    acting = acting_agency(principal, agency)
    trip = _trip(session, declaration_id)
    if reason is not None and len(reason) > 2000:
        raise InspectionInvalid(
            Text("reason has at most 2000 characters.", "reason tiene como máximo 2000 caracteres.")
        )
    if reinspect and not (reason or "").strip():
        raise InspectionInvalid(
            Text(
                "A second inspection (reinspect) needs a reason.",
                "Una segunda inspección (reinspect) necesita un motivo.",
            ),
            pointer="/reason",
        )
    if not reinspect:
        for row in repo.inspections_of(session, trip.id):
            done = _state_of(row.body)
            if satisfies(done, acting, mutual_recognition=mutual_recognition):
                raise AlreadyInspected(acting, done.id, done.joint)
    body: dict[str, Any] = {
        "joint": joint,
        "reason": reason,
        "facility": facility,
        "port_code": trip.port_code,
        "direction": trip.direction,
    }
    event = _event(
        None,
        inspection_id=str(uuid.uuid4()),
        declaration_id=trip.id,
        kind=EventKind.REQUESTED,
        agency=acting,
        principal=principal,
        now=now,
        body=body,
    )
    return _commit(session, None, event, now=now)


def _step(
    session: Session,
    principal: Principal,
    inspection_id: str,
    kind: EventKind,
    body: dict[str, Any],
    *,
    agency: str | None,
    now: datetime,
) -> Inspection:
    acting = acting_agency(principal, agency)
    state = _existing(session, inspection_id)
    event = _event(
        state,
        inspection_id=inspection_id,
        declaration_id=state.declaration_id,
        kind=kind,
        agency=acting,
        principal=principal,
        now=now,
        body=body,
    )
    return _commit(session, state, event, now=now)


def schedule(
    session: Session,
    principal: Principal,
    inspection_id: str,
    *,
    scheduled_for: datetime,
    now: datetime,
    facility: str | None = None,
    agency: str | None = None,
) -> Inspection:
    """Schedule (or reschedule, until it starts) an inspection at a facility of the trip's port."""
    if scheduled_for.tzinfo is None:
        raise InspectionInvalid(
            Text(
                "scheduled_for needs a time zone (e.g. 2026-12-08T15:00:00Z).",
                "scheduled_for necesita zona horaria (p. ej. 2026-12-08T15:00:00Z).",
            )
        )
    body = {"scheduled_for": scheduled_for.isoformat(), "facility": facility}
    return _step(
        session, principal, inspection_id, EventKind.SCHEDULED, body, agency=agency, now=now
    )


def start(
    session: Session,
    principal: Principal,
    inspection_id: str,
    *,
    now: datetime,
    agency: str | None = None,
) -> Inspection:
    return _step(session, principal, inspection_id, EventKind.STARTED, {}, agency=agency, now=now)


def record_findings(
    session: Session,
    principal: Principal,
    inspection_id: str,
    findings: list[dict[str, Any]],
    *,
    now: datetime,
    agency: str | None = None,
) -> Inspection:
    """Record what the acting agency found: each item ``{code, note?, value_usd?, hs_code?}``
    (an unknown code is 422 listing the allowed ones). Findings are the acting agency's."""
    acting = acting_agency(principal, agency)
    if not isinstance(findings, list) or not findings:
        raise InspectionInvalid(
            Text("findings must be a non-empty list.", "findings debe ser una lista no vacía.")
        )
    made: list[dict[str, Any]] = []
    for i, item in enumerate(findings):
        if not isinstance(item, dict):
            raise InspectionInvalid(
                Text(
                    "Each finding is an object with a code.",
                    "Cada hallazgo es un objeto con un código.",
                )
            )
        if "agency" in item and item["agency"] != acting:
            raise NotYourInspection(
                Text(
                    f"{acting} records its own findings, not {item['agency']}'s.",
                    f"{acting} registra sus propios hallazgos, no los de {item['agency']}.",
                )
            )
        value = item.get("value_usd")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise InspectionInvalid(
                Text("value_usd must be a number.", "value_usd debe ser un número.")
            )
        note, hs = item.get("note"), item.get("hs_code")
        if not isinstance(note, str | None) or not isinstance(hs, str | None):
            raise InspectionInvalid(Text("note and hs_code are text.", "note y hs_code son texto."))
        finding = Finding(
            code=finding_code(item.get("code"), pointer=f"/findings/{i}/code"),
            agency=acting,
            found_by=principal.client_id,
            found_by_org=principal.org,
            found_at=now,
            note=note,
            value_usd=float(value) if value is not None else None,
            hs_code=hs,
        )
        made.append(finding.to_dict())
    return _step(
        session,
        principal,
        inspection_id,
        EventKind.FINDINGS_RECORDED,
        {"findings": [{k: v for k, v in f.items() if not k.startswith("label_")} for f in made]},
        agency=acting,
        now=now,
    )


@dataclass(frozen=True, slots=True)
class Concluded:
    """An agency's conclusion: the inspection after it, and the trip state it recorded, if any."""

    inspection: Inspection
    trip_state: str | None


def conclude(
    session: Session,
    principal: Principal,
    inspection_id: str,
    *,
    outcome: str,
    now: datetime,
    agency: str | None = None,
    credentials: CredentialService | None = None,
) -> Concluded:
    """Conclude the acting agency's part with an outcome. With ``credentials``, the agency's
    signed report is issued as the caller's organization and appended as its own event.

    When the agency whose lifecycle the trip follows (CBP northbound, ANAM southbound)
    concludes a trip that has arrived, the trip records ``inspected`` and, if released,
    ``released`` (with their crossing events), through :func:`smartborder.preclearance.record_state`."""
    acting = acting_agency(principal, agency)
    result = outcome_of(outcome)
    state = _step(
        session,
        principal,
        inspection_id,
        EventKind.CONCLUDED,
        {"outcome": result.value},
        agency=acting,
        now=now,
    )
    if credentials is not None:
        report = issue_report(session, credentials, state, acting, org=principal.org, now=now)
        event = _event(
            state,
            inspection_id=state.id,
            declaration_id=state.declaration_id,
            kind=EventKind.REPORT_ISSUED,
            agency=acting,
            principal=principal,
            now=now,
            body={"credential": report},
        )
        state = _commit(session, state, event, now=now)
    return Concluded(state, _move_trip(session, principal, state, acting, result, now=now))


def _move_trip(
    session: Session,
    principal: Principal,
    state: Inspection,
    acting: Agency,
    result: InspectionOutcome,
    *,
    now: datetime,
) -> str | None:
    # the trip's record follows the lifecycle of its entry agency
    if ENTRY_AGENCY.get(state.direction) != acting:
        return None
    if principal.role is not Role.ADMIN and principal.role.value != acting:
        return None
    trip = _trip(session, state.declaration_id)
    note = f"inspection {state.id}: {acting} {result.value}"
    current = State(trip.state)
    moved: str | None = None
    if current is State.ARRIVED:
        moved = record_state(session, principal, trip.id, State.INSPECTED, now=now, note=note).state
        current = State.INSPECTED
    if current is State.INSPECTED and result is InspectionOutcome.RELEASED:
        moved = record_state(session, principal, trip.id, State.RELEASED, now=now, note=note).state
    return moved


# --- reads ------------------------------------------------------------------------------------


def _readable_trip(session: Session, principal: Principal, declaration_id: str) -> DeclarationRow:
    """The trip, if ``principal`` may read its inspections: agencies and admins any trip,
    industry its own organization's, the public none (404, never 403)."""
    trip = repo.get_trip(session, declaration_id)
    if trip is None:
        raise TripNotFound(declaration_id)
    if principal.role is Role.ADMIN or principal.role.is_agency:
        return trip
    if principal.role.is_industry and trip.submitter_org == principal.org:
        return trip
    raise TripNotFound(declaration_id)


def view(inspection: Inspection, principal: Principal) -> dict[str, Any]:
    """The inspection as ``principal`` may read it: industry without officers' notes, officers'
    client ids or the reason for the request; reports are served on their own
    (``report_issued`` says whether there is one)."""
    out = inspection.to_dict()
    officer = principal.role is Role.ADMIN or principal.role.is_agency
    if not officer:
        out.pop("reason")  # why a trip was targeted stays with the agencies
    for part in out["parts"].values():
        part["report_issued"] = part.pop("report") is not None
        if not officer:
            part.pop("concluded_by")
            for f in part["findings"]:
                f.pop("note", None)
                f.pop("found_by", None)  # the officer's client; the agency stays named
    return out


def get(session: Session, principal: Principal, inspection_id: str) -> Inspection:
    state = load(session, inspection_id)
    if state is None:
        raise InspectionNotFound(inspection_id)
    try:
        _readable_trip(session, principal, state.declaration_id)
    except TripNotFound:
        raise InspectionNotFound(inspection_id) from None
    return state


def of_trip(session: Session, principal: Principal, declaration_id: str) -> list[Inspection]:
    trip = _readable_trip(session, principal, declaration_id)
    return [_state_of(r.body) for r in repo.inspections_of(session, trip.id)]


def report(
    session: Session, principal: Principal, inspection_id: str, agency: str
) -> dict[str, Any]:
    """The signed report of ``agency``'s part (readable by whoever may read the inspection)."""
    state = get(session, principal, inspection_id)
    part = state.parts.get(agency_of(agency))
    if part is None or part.report is None:
        raise ReportNotFound(inspection_id, agency)
    return part.report
