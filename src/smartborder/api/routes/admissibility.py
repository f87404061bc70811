"""Admissibility: published policy versions, the public self-check, and impact analysis."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from smartborder.admissibility import (
    AGENCY_COUNTRY,
    BUILTIN_PLANS,
    DEFAULT_PLAN,
    Actor,
    check_author,
    get_version,
    list_versions,
    load_plan,
    publish,
)
from smartborder.admissibility.errors import PlanNotFound
from smartborder.admissibility.impact import impact, trip_from_record
from smartborder.admissibility.plan import plan_text
from smartborder.admissibility.service import evaluate
from smartborder.admissibility.versions import policies_in_force
from smartborder.api.deps import Ctx, DbSession, require_scopes
from smartborder.api.limits import Day, Instant
from smartborder.api.ratelimit import public_rate_limit
from smartborder.clients import Principal
from smartborder.clients.roles import POLICY_IMPACT, POLICY_READ, POLICY_WRITE
from smartborder.demo import generate_trips
from smartborder.errors import InvalidInput, TooLarge
from smartborder.i18n import Text
from smartborder.node import Node
from smartborder.store import transaction

router = APIRouter(tags=["admissibility"])
NO_PLAN: dict[int | str, dict[str, Any]] = {404: {"description": "No such plan or version."}}

MAX_IMPACT_TRIPS = 200_000


class PublishBody(BaseModel):
    plan_yaml: str | None = Field(default=None, description="The plan as YAML text.")
    plan: str | None = Field(default=None, description="Or a built-in plan id to publish.")


class EvaluateBody(BaseModel):
    traveler: dict[str, Any] = Field(
        description="Traveler facts (nationality, date_of_birth, purpose, ...)."
    )
    port: str = Field(description="Port code (e.g. 2504) or crossing number.")
    at: Instant = Field(description="Arrival instant, ISO 8601 with offset.")
    direction: str = "northbound"
    plan: str | None = Field(
        default=None,
        description="To try a plan: its id (latest published version, else built-in). "
        "Without plan and version: the version in force at the port and instant.",
    )
    version: str | None = Field(
        default=None, description="A published version, e.g. covid-us-land-2020@1."
    )


class GenerateSpec(BaseModel):
    ports: list[str] = Field(min_length=1, max_length=30)
    per_day: int = Field(ge=1, le=2000)
    seed: int = 0
    vaccination_share: float = Field(default=0.5, ge=0, le=1)


class ImpactBody(BaseModel):
    plan: str = Field(description="New plan id or version (plan@n).")
    baseline: str = Field(description="Current plan id or version (plan@n).")
    start: Day | None = Field(default=None, alias="from")
    end: Day | None = Field(default=None, alias="to")
    travelers: list[dict[str, Any]] | None = Field(
        default=None, description="Pre-arrivals (declarations or trips)."
    )
    generate: GenerateSpec | None = None

    model_config = {"populate_by_name": True}


def _ref(session: DbSession, ref: str) -> Any:
    if "@" in ref:
        return policies_in_force(session, version=ref)
    return policies_in_force(session, plan=ref)


Reader = Annotated[Principal, Depends(require_scopes(POLICY_READ))]
Writer = Annotated[Principal, Depends(require_scopes(POLICY_WRITE))]
Analyst = Annotated[Principal, Depends(require_scopes(POLICY_IMPACT))]


@router.get("/policies")
def list_policies(session: DbSession, caller: Reader) -> dict[str, Any]:
    """Built-in plans and every published version."""
    plans = [
        {"id": p, "title_en": load_plan(p).title.en, "title_es": load_plan(p).title.es}
        for p in BUILTIN_PLANS
    ]
    return {"plans": plans, "versions": [v.model_dump(mode="json") for v in list_versions(session)]}


@router.get("/policies/{version}")
def show_version(version: str, session: DbSession, caller: Reader) -> dict[str, Any]:
    """One published version with its Cedar text and plan YAML."""
    return get_version(session, version).model_dump(mode="json")


@router.post("/policies", status_code=status.HTTP_201_CREATED, responses=NO_PLAN)
def publish_version(
    body: PublishBody, session: DbSession, ctx: Ctx, caller: Writer
) -> dict[str, Any]:
    """Validate and publish a plan as a new immutable version (a draft: see /plans); an invalid
    plan or policy set is refused (422, with Cedar's message and where), as is an agency's plan
    without rules for its own country, or the other country's plan on a sovereign node (403),
    and nothing is stored."""
    if body.plan_yaml:
        text = body.plan_yaml
    elif body.plan in BUILTIN_PLANS:
        text, _ = plan_text(body.plan)
    else:
        raise PlanNotFound(
            Text(
                f"Send plan_yaml, or plan set to one of {', '.join(BUILTIN_PLANS)}.",
                f"Envíe plan_yaml, o plan con uno de {', '.join(BUILTIN_PLANS)}.",
            )
        )
    version = publish(session, text, published_by=f"{caller.org}/{caller.client_id}")
    agency = caller.role.value if caller.role.value in AGENCY_COUNTRY else None
    check_author(
        session,
        version.version,
        actor=Actor(f"{caller.org}/{caller.client_id}", agency),
        node_agency=ctx.settings.agency,
    )  # raising rolls the publication back
    return version.model_dump(mode="json")


@router.post(
    "/admissibility/evaluate", dependencies=[Depends(public_rate_limit)], responses=NO_PLAN
)
async def evaluate_traveler(body: EvaluateBody, ctx: Ctx) -> dict[str, Any]:
    """Public self-check: may this traveler cross at this port at this instant? Decided under
    the version in force there and then (the pipeline's own lookup), or under ``plan`` or
    ``version`` when given. Returns admit / deny / review, the deciding policies, reasons in
    English and Spanish and the version."""
    if body.plan is None and body.version is None:
        # In memory (the rules in force, their decisions memoized): on the loop, as the
        # pipeline decides submissions, without a thread-pool hop.
        result = ctx.rules.evaluate(
            body.traveler, port=body.port, at=body.at, direction=body.direction
        )
        return result.to_json()
    return await run_in_threadpool(_evaluate_named, body, ctx)


def _evaluate_named(body: EvaluateBody, ctx: Node) -> dict[str, Any]:
    """The self-check under a named plan or version (read from the store: in a thread)."""
    with transaction(ctx.sessions) as session:
        policies = policies_in_force(session, plan=body.plan or DEFAULT_PLAN, version=body.version)
    result = evaluate(
        body.traveler, port=body.port, at=body.at, plan=policies, direction=body.direction
    )
    return result.to_json()


def impact_trips(body: ImpactBody) -> list[Any]:
    """The pre-arrivals of an impact analysis: those sent, or generated as asked."""
    if body.travelers is not None:
        return [trip_from_record(r) for r in body.travelers]
    if body.generate is not None and body.start and body.end:
        days = (body.end - body.start).days + 1
        size = days * len(body.generate.ports) * body.generate.per_day
        if days < 1 or size > MAX_IMPACT_TRIPS:
            raise TooLarge(
                Text(
                    f"The generated set would hold {size} pre-arrivals; at most {MAX_IMPACT_TRIPS}. Shorten the dates or lower per_day.",
                    f"El conjunto generado tendría {size} pre-arribos; como máximo {MAX_IMPACT_TRIPS}. Acorte las fechas o reduzca per_day.",
                ),
                code="admissibility.impact_too_large",
            )
        return generate_trips(
            body.generate.ports,
            body.start,
            body.end,
            body.generate.per_day,
            rng=np.random.default_rng(body.generate.seed),
            vaccination_share=body.generate.vaccination_share,
        )
    raise InvalidInput(
        Text(
            "Send travelers, or generate with from and to.",
            "Envíe travelers, o generate con from y to.",
        ),
        code="admissibility.impact_input",
    )


@router.post("/admissibility/impact", responses=NO_PLAN)
def impact_analysis(body: ImpactBody, session: DbSession, caller: Analyst) -> dict[str, Any]:
    """Outcome changes of ``plan`` against ``baseline`` by port, category and day, on the
    pre-arrivals sent or generated (agency and admin roles)."""
    report = impact(
        _ref(session, body.plan),
        _ref(session, body.baseline),
        impact_trips(body),
        start=body.start,
        end=body.end,
    )
    return report.to_json()
