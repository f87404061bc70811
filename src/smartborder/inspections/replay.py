"""The pure heart of the event-sourced inspection: ``apply(state, event) -> state``.

Every command and every event received from the other node goes through :func:`apply`, so both
nodes build the same state from the same events. Findings and conclusions of the two agencies
touch only their own part, so they commute: the two nodes may apply them in either order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from smartborder.i18n import Text
from smartborder.inspections.errors import InspectionInvalid, NotYourInspection, StepOutOfOrder
from smartborder.inspections.facilities import check_facility
from smartborder.inspections.model import (
    Agency,
    AgencyPart,
    EventKind,
    Finding,
    Inspection,
    InspectionEvent,
    Step,
    outcome_of,
)

# The command names a caller sees in "allowed next steps" (the API's paths end in them).
REQUEST, SCHEDULE, START, FINDINGS, CONCLUDE = (
    "request",
    "schedule",
    "start",
    "findings",
    "conclude",
)
_STEP_OF_KIND = {
    EventKind.REQUESTED: REQUEST,
    EventKind.SCHEDULED: SCHEDULE,
    EventKind.STARTED: START,
    EventKind.FINDINGS_RECORDED: FINDINGS,
    EventKind.CONCLUDED: CONCLUDE,
    EventKind.REPORT_ISSUED: "report",
}


def next_steps(state: Inspection | None, agency: Agency | None = None) -> list[str]:
    """The commands allowed next (for ``agency``'s part, where the step is per agency)."""
    if state is None:
        return [REQUEST]
    if state.step is Step.REQUESTED:
        return [SCHEDULE]
    if state.step is Step.SCHEDULED:
        return [SCHEDULE, START]
    if state.step is Step.IN_PROGRESS:
        agencies = [agency] if agency is not None else list(state.agencies)
        if any(a in state.parts and not state.parts[a].concluded for a in agencies):
            return [FINDINGS, CONCLUDE]
    return []


def _out_of_order(
    state: Inspection, kind: EventKind, agency: Agency, why: Text | None = None
) -> StepOutOfOrder:
    return StepOutOfOrder(state.step.value, _STEP_OF_KIND[kind], next_steps(state, agency), why)


def _part(state: Inspection, agency: Agency) -> AgencyPart:
    part = state.parts.get(agency)
    if part is None:
        raise NotYourInspection(
            Text(
                f"Inspection {state.id} is {state.requested_by}'s own inspection; {agency} takes no part in it (request a joint inspection).",
                f"La inspección {state.id} es propia de {state.requested_by}; {agency} no participa en ella (solicite una inspección conjunta).",
            )
        )
    return part


def _time(body: dict[str, Any], key: str) -> datetime:
    raw = body.get(key)
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise InspectionInvalid(
            Text(
                f"{key} must be an ISO 8601 instant with a time zone, e.g. 2026-12-08T15:00:00Z.",
                f"{key} debe ser un instante ISO 8601 con zona horaria, p. ej. 2026-12-08T15:00:00Z.",
            )
        )
    return value


def apply(state: Inspection | None, event: InspectionEvent) -> Inspection:
    """The state after ``event``. Raises :class:`StepOutOfOrder` (409) for a step the state
    does not allow, :class:`NotYourInspection` (403) for an agency without a part in the
    inspection, :class:`InspectionInvalid` (422) for a malformed body. Pure: no I/O, no clock."""
    kind, agency, body = event.kind, event.agency, event.body
    if kind is EventKind.REQUESTED:
        if state is not None:
            raise _out_of_order(state, kind, agency)
        joint = body.get("joint")
        if not isinstance(joint, bool):
            raise InspectionInvalid(
                Text("joint must be true or false.", "joint debe ser true o false.")
            )
        port_code, direction = str(body.get("port_code", "")), str(body.get("direction", ""))
        facility = body.get("facility")
        if facility is not None:
            check_facility(str(facility), port_code)
        agencies: tuple[Agency, ...] = ("cbp", "anam") if joint else (agency,)
        return Inspection(
            id=event.inspection_id,
            declaration_id=event.declaration_id,
            joint=joint,
            requested_by=agency,
            requested_at=event.at,
            reason=body.get("reason"),
            port_code=port_code,
            direction=direction,
            step=Step.REQUESTED,
            facility=str(facility) if facility is not None else None,
            parts={a: AgencyPart() for a in agencies},
            version=1,
            updated_at=event.at,
        )
    if state is None:
        raise InspectionInvalid(
            Text(
                f"Event {event.id} ({kind}) is for inspection {event.inspection_id}, which was never requested here.",
                f"El evento {event.id} ({kind}) es de la inspección {event.inspection_id}, que nunca se solicitó aquí.",
            )
        )
    if event.inspection_id != state.id or event.declaration_id != state.declaration_id:
        raise InspectionInvalid(
            Text(
                "The event names another inspection or trip.",
                "El evento nombra otra inspección u otro viaje.",
            )
        )
    part = _part(state, agency)
    return replace(_changed(state, event, part), version=state.version + 1, updated_at=event.at)


def _changed(state: Inspection, event: InspectionEvent, part: AgencyPart) -> Inspection:
    """``state`` changed by ``event`` (not a request), before its version is counted."""
    kind, agency, body = event.kind, event.agency, event.body
    if kind is EventKind.SCHEDULED:
        if state.step not in (Step.REQUESTED, Step.SCHEDULED):
            raise _out_of_order(state, kind, agency)
        facility = body.get("facility") or state.facility
        if facility is None:
            raise InspectionInvalid(
                Text(
                    "Name the facility where the inspection takes place.",
                    "Indique la instalación donde se realiza la inspección.",
                )
            )
        check_facility(str(facility), state.port_code)
        return replace(
            state,
            step=Step.SCHEDULED,
            facility=str(facility),
            scheduled_for=_time(body, "scheduled_for"),
        )
    if kind is EventKind.STARTED:
        if state.step is not Step.SCHEDULED:
            raise _out_of_order(state, kind, agency)
        return replace(state, step=Step.IN_PROGRESS, started_at=event.at)
    if kind is EventKind.FINDINGS_RECORDED:
        if state.step is not Step.IN_PROGRESS or part.concluded:
            raise _out_of_order(state, kind, agency, _concluded_note(part, agency))
        raw = body.get("findings")
        if not isinstance(raw, list) or not raw:
            raise InspectionInvalid(
                Text("findings must be a non-empty list.", "findings debe ser una lista no vacía.")
            )
        found = tuple(Finding.from_dict(f) for f in raw)
        if any(f.agency != agency for f in found):
            raise NotYourInspection(
                Text(
                    f"{agency} records its own findings only.",
                    f"{agency} registra solo sus propios hallazgos.",
                )
            )
        return state.with_part(agency, replace(part, findings=part.findings + found))
    if kind is EventKind.CONCLUDED:
        if state.step is not Step.IN_PROGRESS or part.concluded:
            raise _out_of_order(state, kind, agency, _concluded_note(part, agency))
        if not part.findings and not (state.joint and state.findings):
            raise _out_of_order(
                state,
                kind,
                agency,
                Text(
                    "Record findings first (no_discrepancy when nothing was found).",
                    "Registre primero los hallazgos (no_discrepancy si no se encontró nada).",
                ),
            )
        concluded = replace(
            part,
            outcome=outcome_of(body.get("outcome")),
            concluded_at=event.at,
            concluded_by=event.actor,
        )
        after = state.with_part(agency, concluded)
        if all(p.concluded for p in after.parts.values()):
            after = replace(after, step=Step.CONCLUDED, concluded_at=event.at)
        return after
    # REPORT_ISSUED: the concluding agency's signed report travels as an event of its own.
    credential = body.get("credential")
    if not part.concluded or part.report is not None:
        raise _out_of_order(
            state,
            kind,
            agency,
            Text(
                "A report follows its agency's conclusion, once.",
                "Un informe sigue a la conclusión de su agencia, una sola vez.",
            ),
        )
    if not isinstance(credential, dict):
        raise InspectionInvalid(
            Text(
                "A report event carries its credential.",
                "Un evento de informe lleva su credencial.",
            )
        )
    return state.with_part(agency, replace(part, report=credential))


def _concluded_note(part: AgencyPart, agency: Agency) -> Text | None:
    if not part.concluded:
        return None
    return Text(
        f"{agency} already concluded its part ({part.outcome}).",
        f"{agency} ya concluyó su parte ({part.outcome}).",
    )


def replay(events: Iterable[InspectionEvent]) -> Inspection | None:
    """The state an inspection's events build, in order (what the materialized row must equal)."""
    state: Inspection | None = None
    for event in events:
        state = apply(state, event)
    return state
