"""Plan lifecycle: propose (with an impact analysis), approve, activate, withdraw; which version
is in force at a port and instant (public, so the other agency's node and travelers read it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from smartborder.admissibility import (
    AGENCY_COUNTRY,
    DEFAULT_PLAN,
    Actor,
    PlanStatus,
    activate,
    approve,
    impact,
    plan_status,
    propose,
    version_in_force,
    version_policies,
    withdraw,
)
from smartborder.admissibility.plan_history import activations
from smartborder.admissibility.versions import policies_in_force
from smartborder.api.deps import Ctx, DbSession, require_scopes
from smartborder.api.limits import Day, Instant
from smartborder.api.ratelimit import public_rate_limit
from smartborder.api.routes.admissibility import GenerateSpec, ImpactBody, impact_trips
from smartborder.clients import Principal
from smartborder.clients.roles import POLICY_READ, POLICY_WRITE
from smartborder.node import Node
from smartborder.store import transaction

router = APIRouter(tags=["plans"])

Reader = Annotated[Principal, Depends(require_scopes(POLICY_READ))]
Writer = Annotated[Principal, Depends(require_scopes(POLICY_WRITE))]
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the destination country's agency (admissibility.wrong_agency)."},
    404: {"description": "No such published version."},
    409: {"description": "Out of order (the allowed next steps), or overlaps a version in force."},
}


def actor_of(caller: Principal) -> Actor:
    """The acting agency is the caller's role (cbp, anam); admins act for no country."""
    agency = caller.role.value if caller.role.value in AGENCY_COUNTRY else None
    return Actor(who=f"{caller.org}/{caller.client_id}", agency=agency)


def _step(ctx: Node, step: Callable[[Session], PlanStatus], *, reload: bool) -> dict[str, Any]:
    """One transition in one transaction (under the node's write lock); after it commits,
    this process's rules in force are reloaded at once (other workers within a second)."""
    with ctx.write_lock(), transaction(ctx.sessions) as session:
        status = step(session)
    if reload:
        ctx.rules.reload()
    return status.model_dump(mode="json")


class ProposeBody(BaseModel):
    """The impact analysis attached to the proposal: this version against ``baseline``."""

    baseline: str = Field(default=DEFAULT_PLAN, description="Baseline plan id or version (plan@n).")
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
    travelers: list[dict[str, Any]] | None = None
    generate: GenerateSpec | None = None

    model_config = {"populate_by_name": True}


class ActivateBody(BaseModel):
    effective_from: Instant = Field(description="From when (ISO 8601 with offset).")
    regions: list[str] = Field(default=[], max_length=20, description="Region ids.")
    ports: list[str] = Field(default=[], max_length=60, description="Port codes.")
    supersedes: list[str] = Field(
        default=[], max_length=20, description="Versions in force there that this one replaces."
    )


class WithdrawBody(BaseModel):
    effective_from: Instant | None = Field(default=None, description="From when (default now).")
    reason: str | None = Field(default=None, max_length=500)


@router.get("/plans/in-force", dependencies=[Depends(public_rate_limit)])
def in_force(
    ctx: Ctx,
    port: Annotated[str | None, Query(max_length=8)] = None,
    at: Annotated[datetime | None, Query()] = None,
    direction: str = "northbound",
    cedar: bool = False,
) -> dict[str, Any]:
    """Public: this node's in-force history (every activation: version, country, region or
    port, window), or with ``port`` and ``at`` the version in force there and then for
    ``direction`` (none: the default plan). ``cedar=true`` adds each version's Cedar text —
    how the other agency's node reads this node's rules."""
    with transaction(ctx.sessions) as session:
        if port is not None and at is not None:
            found = version_in_force(session, port=port, at=at, direction=direction)
            policies = (
                version_policies(session, found.version)
                if found
                else policies_in_force(session, plan=DEFAULT_PLAN)
            )
            return {
                "port": port,
                "at": at.isoformat(),
                "direction": direction,
                "version": policies.version,
                "default": found is None,
                "activation": found.model_dump(mode="json") if found else None,
                **({"cedar": policies.cedar} if cedar else {}),
            }
        rows = activations(session)
        versions = {v: version_policies(session, v) for v in sorted({a.version for a in rows})}
    return {
        "agency": ctx.settings.agency,
        "countries": [AGENCY_COUNTRY[ctx.settings.agency]]
        if ctx.settings.agency
        else sorted(AGENCY_COUNTRY.values()),
        "activations": [a.model_dump(mode="json") for a in rows],
        "versions": {
            v: {"plan": p.plan_id, "digest": p.digest, **({"cedar": p.cedar} if cedar else {})}
            for v, p in versions.items()
        },
    }


@router.get("/plans/{version}", responses=ERRORS)
def show_plan(version: str, session: DbSession, caller: Reader) -> dict[str, Any]:
    """A version's lifecycle: state, approvals, activations, every transition (who, when),
    the impact analysis attached, and the allowed next steps."""
    return plan_status(session, version).model_dump(mode="json")


@router.post("/plans/{version}/propose", responses=ERRORS)
def propose_plan(version: str, body: ProposeBody, ctx: Ctx, caller: Writer) -> dict[str, Any]:
    """draft → proposed, with the impact analysis of this version against ``baseline`` on the
    pre-arrivals sent or generated attached."""
    trips = impact_trips(
        ImpactBody(
            plan=version,
            baseline=body.baseline,
            start=body.start,
            end=body.end,
            travelers=body.travelers,
            generate=body.generate,
        )
    )

    # The analysis runs before the step's transaction: it may take seconds, and the step holds
    # the node's write lock.
    with transaction(ctx.sessions) as session:
        proposed = version_policies(session, version)
        baseline = (
            version_policies(session, body.baseline)
            if "@" in body.baseline
            else policies_in_force(session, plan=body.baseline)
        )
    report = impact(proposed, baseline, trips, start=body.start, end=body.end)
    return _step(
        ctx,
        lambda s: propose(
            s, version, impact=report, actor=actor_of(caller), node_agency=ctx.settings.agency
        ),
        reload=False,
    )


@router.post("/plans/{version}/approve", responses=ERRORS)
def approve_plan(version: str, ctx: Ctx, caller: Writer) -> dict[str, Any]:
    """The caller's agency approves the version for its country (CBP: USA, ANAM: MEX)."""
    return _step(
        ctx,
        lambda s: approve(s, version, actor=actor_of(caller), node_agency=ctx.settings.agency),
        reload=False,
    )


@router.post("/plans/{version}/activate", responses=ERRORS)
def activate_plan(version: str, body: ActivateBody, ctx: Ctx, caller: Writer) -> dict[str, Any]:
    """Put the version in force for the caller's country at ``regions`` and ``ports`` from
    ``effective_from``, superseding the versions named (409 on any other overlap)."""
    return _step(
        ctx,
        lambda s: activate(
            s,
            version,
            effective_from=body.effective_from,
            regions=body.regions,
            port_codes=body.ports,
            supersedes=body.supersedes,
            actor=actor_of(caller),
            node_agency=ctx.settings.agency,
        ),
        reload=True,
    )


@router.post("/plans/{version}/withdraw", responses=ERRORS)
def withdraw_plan(version: str, body: WithdrawBody, ctx: Ctx, caller: Writer) -> dict[str, Any]:
    """Withdraw the version (for the caller's country, from ``effective_from`` if in force)."""
    return _step(
        ctx,
        lambda s: withdraw(
            s,
            version,
            actor=actor_of(caller),
            effective_from=body.effective_from,
            reason=body.reason,
            node_agency=ctx.settings.agency,
        ),
        reload=True,
    )
