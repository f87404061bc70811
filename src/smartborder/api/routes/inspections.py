"""Joint and single-agency inspections of trips, their findings and each agency's signed report.

Thin HTTP over :mod:`smartborder.inspections`; out-of-order steps are 409 with the allowed next
steps, an agency acting as the other (or on the other's own inspection) 403, an unknown finding
code 422 listing the codes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from smartborder import inspections
from smartborder.api.deps import Ctx, DbSession, WriteSession, require_scopes
from smartborder.clients import Principal
from smartborder.clients.roles import INSPECTIONS_READ, INSPECTIONS_WRITE

router = APIRouter(tags=["inspections"])

Officer = Annotated[Principal, Depends(require_scopes(INSPECTIONS_WRITE))]
Reader = Annotated[Principal, Depends(require_scopes(INSPECTIONS_READ))]

_AGENCY = Field(
    default=None, description="The agency acted as: an agency's own (default); an admin names it."
)


class InspectionRequest(BaseModel):
    joint: bool = Field(default=False, description="Both agencies inspect together.")
    facility: str | None = Field(
        default=None, max_length=64, description="e.g. dock:260402 or ucp:nogales-mariposa"
    )
    reason: str | None = Field(default=None, max_length=2000)
    agency: str | None = _AGENCY
    reinspect: bool = Field(
        default=False,
        description=(
            "Inspect the truck again although a concluded inspection already counts for this "
            "agency (mutual recognition); needs a reason."
        ),
    )


class ScheduleRequest(BaseModel):
    scheduled_for: datetime
    facility: str | None = Field(default=None, max_length=64)
    agency: str | None = _AGENCY


class StepRequest(BaseModel):
    agency: str | None = _AGENCY


class FindingsRequest(BaseModel):
    findings: list[Any] = Field(
        description="Each {code, note?, value_usd?, hs_code?}; codes: "
        + ", ".join(c.value for c in inspections.FindingCode)
    )
    agency: str | None = _AGENCY


class ConclusionRequest(BaseModel):
    outcome: str = Field(description="released, held, seized or returned")
    agency: str | None = _AGENCY


def _now() -> datetime:
    return datetime.now(UTC)


@router.post("/declarations/{declaration_id}/inspections", status_code=201)
def request_inspection(
    ctx: Ctx, session: WriteSession, caller: Officer, declaration_id: str, body: InspectionRequest
) -> dict[str, Any]:
    """Request an inspection of a trip (``joint``: both agencies take part)."""
    state = inspections.request(
        session,
        caller,
        declaration_id,
        joint=body.joint,
        facility=body.facility,
        reason=body.reason,
        agency=body.agency,
        now=_now(),
        mutual_recognition=ctx.agreement.mutual_recognition.joint_inspection,
        reinspect=body.reinspect,
    )
    ctx.share_inspection(session, state.id)
    return inspections.view(state, caller)


@router.get("/declarations/{declaration_id}/inspections")
def trip_inspections(
    session: DbSession, caller: Reader, declaration_id: str
) -> list[dict[str, Any]]:
    """A trip's inspections, oldest first."""
    return [
        inspections.view(s, caller) for s in inspections.of_trip(session, caller, declaration_id)
    ]


@router.post("/inspections/{inspection_id}/schedule")
def schedule_inspection(
    ctx: Ctx, session: WriteSession, caller: Officer, inspection_id: str, body: ScheduleRequest
) -> dict[str, Any]:
    """Schedule (or reschedule before it starts) at a facility of the trip's port."""
    state = inspections.schedule(
        session,
        caller,
        inspection_id,
        scheduled_for=body.scheduled_for,
        facility=body.facility,
        agency=body.agency,
        now=_now(),
    )
    ctx.share_inspection(session, state.id)
    return inspections.view(state, caller)


@router.post("/inspections/{inspection_id}/start")
def start_inspection(
    ctx: Ctx,
    session: WriteSession,
    caller: Officer,
    inspection_id: str,
    body: Annotated[StepRequest | None, Body()] = None,
) -> dict[str, Any]:
    state = inspections.start(
        session, caller, inspection_id, agency=body.agency if body else None, now=_now()
    )
    ctx.share_inspection(session, state.id)
    return inspections.view(state, caller)


@router.post("/inspections/{inspection_id}/findings")
def record_findings(
    ctx: Ctx, session: WriteSession, caller: Officer, inspection_id: str, body: FindingsRequest
) -> dict[str, Any]:
    """Record the acting agency's findings (while the inspection is in progress)."""
    state = inspections.record_findings(
        session, caller, inspection_id, body.findings, agency=body.agency, now=_now()
    )
    ctx.share_inspection(session, state.id)
    return inspections.view(state, caller)


@router.post("/inspections/{inspection_id}/conclude")
def conclude_inspection(
    ctx: Ctx, session: WriteSession, caller: Officer, inspection_id: str, body: ConclusionRequest
) -> dict[str, Any]:
    """Conclude the acting agency's part; its signed InspectionReport is issued as the
    caller's organization (served at ``/inspections/{id}/reports/{agency}``)."""
    done = inspections.conclude(
        session,
        caller,
        inspection_id,
        outcome=body.outcome,
        agency=body.agency,
        credentials=ctx.credential_service,
        now=_now(),
    )
    ctx.share_inspection(session, done.inspection.id)
    ctx.share_states(session, done.inspection.declaration_id)  # the trip moved, maybe
    return {**inspections.view(done.inspection, caller), "trip_state": done.trip_state}


@router.get("/inspections/{inspection_id}")
def get_inspection(session: DbSession, caller: Reader, inspection_id: str) -> dict[str, Any]:
    return inspections.view(inspections.get(session, caller, inspection_id), caller)


@router.get("/inspections/{inspection_id}/reports/{agency}")
def get_report(
    session: DbSession, caller: Reader, inspection_id: str, agency: str
) -> dict[str, Any]:
    """The agency's signed InspectionReport credential (Data Integrity, eddsa-rdfc-2022)."""
    return inspections.report(session, caller, inspection_id, agency)
