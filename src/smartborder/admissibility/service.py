"""The verbs of the domain: compile a plan into a usable policy set, and evaluate travelers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from smartborder.admissibility.cedar import (
    Policies,
    Request,
    Verdict,
    decide_batch,
    load_policies,
)
from smartborder.admissibility.compile import compile_plan
from smartborder.admissibility.errors import TravelerInvalid
from smartborder.admissibility.graph import DESTINATION, port_graph, region_of_port
from smartborder.admissibility.model import (
    AdmissibilityResult,
    Outcome,
    Reason,
    Traveler,
    traveler_from_declaration,
)
from smartborder.admissibility.plan import BUILTIN_PLANS, DEFAULT_PLAN, Plan, digest, load_plan
from smartborder.errors import Problem
from smartborder.i18n import Text

PlanRef = str | Path | Plan | Policies


def draft_version(plan_id: str, cedar_digest: str) -> str:
    """The version label of an unpublished plan: its id and the digest of its Cedar text."""
    return f"{plan_id}@draft-{cedar_digest[:12]}"


def policies_for(plan: PlanRef = DEFAULT_PLAN) -> Policies:
    """A ready policy set: a published version (``Policies``), a ``Plan``, a built-in plan id or a
    plan YAML path. Compiled and validated once per distinct text (cached)."""
    if isinstance(plan, Policies):
        return plan
    if isinstance(plan, str) and plan in BUILTIN_PLANS:
        return _builtin_policies(plan)
    return _compiled(plan if isinstance(plan, Plan) else load_plan(plan))


def _compiled(parsed: Plan) -> Policies:
    cedar = compile_plan(parsed)
    return load_policies(cedar, plan_id=parsed.id, version=draft_version(parsed.id, digest(cedar)))


@cache
def _builtin_policies(name: str) -> Policies:
    """A built-in plan's policies: its YAML ships with the package and never changes while the
    process runs, so it is read and compiled once (per request it cost ~20 ms of CPU through
    ``POST /admissibility/evaluate`` naming a built-in plan, measured 2026-12-08)."""
    return _compiled(load_plan(name))


def _field_problem(err: Any) -> Problem:
    """A traveler field's validation error as a problem, in both languages where it has them."""
    pointer = "/" + "/".join(str(p) for p in err["loc"])
    ctx = err.get("ctx") or {}
    if "en" in ctx and "es" in ctx:
        return Problem(pointer, err["type"], Text(f"{ctx['en']}.", f"{ctx['es']}."))
    msg = err["msg"]
    return Problem(
        pointer,
        "admissibility.traveler_field",
        Text(f"{msg}.", f"{msg} (corrija este campo del viajero)."),
    )


def as_traveler(traveler: Any, claims: Mapping[str, Any] | None = None) -> Traveler:
    """A :class:`Traveler` from itself, a mapping, or a ``TravelerDeclaration``."""
    if isinstance(traveler, Traveler):
        return traveler.with_claims(claims) if claims else traveler
    if isinstance(traveler, Mapping):
        try:
            t = Traveler.model_validate(dict(traveler))
        except ValidationError as exc:
            raise TravelerInvalid(problems=[_field_problem(err) for err in exc.errors()]) from None
        return t.with_claims(claims) if claims else t
    return traveler_from_declaration(traveler, claims=claims)


def _direction(value: Any) -> str:
    direction = str(getattr(value, "value", value)).lower()
    if direction not in DESTINATION:
        raise TravelerInvalid(
            problems=[
                Problem(
                    "/direction",
                    "admissibility.direction",
                    Text(
                        "direction must be northbound or southbound.",
                        "direction debe ser northbound o southbound.",
                    ),
                )
            ]
        )
    return direction


def request_for(
    traveler: Traveler,
    *,
    port: str,
    at: datetime,
    direction: Any = "northbound",
    lane: str | None = None,
) -> Request:
    """Validate ``traveler`` at ``at`` and build the engine's request."""
    if at.tzinfo is None:
        raise TravelerInvalid(
            problems=[
                Problem(
                    "/at",
                    "admissibility.naive_instant",
                    Text(
                        "Give the arrival instant with a UTC offset (e.g. 2022-01-22T08:00:00-08:00).",
                        "Indique el instante de llegada con desfase UTC (p. ej. 2022-01-22T08:00:00-08:00).",
                    ),
                )
            ]
        )
    traveler.check_at(at)
    region_of_port(port)  # unknown port → the ports domain's error, before Cedar sees it
    return Request(traveler.id, traveler.facts(at), port, at, _direction(direction), lane)


def bring_for(policies: Policies, request: Request) -> list[Reason]:
    """What to bring: every document requirement in force at this crossing and instant whose
    exemptions do not (or may not) cover the traveler, in the order of the policy text."""
    _, _, crossing_port = port_graph()
    port = crossing_port.get(request.port, request.port)
    region = region_of_port(port)
    destination = DESTINATION[request.direction]
    return [
        Reason(policy=m.id, en=m.bring.en, es=m.bring.es)
        for m in policies.requirements_at(destination, region, port, request.at)
        if m.bring is not None and m.exempts(request.facts) is not True
    ]


def result_of(policies: Policies, request: Request, verdict: Verdict) -> AdmissibilityResult:
    return AdmissibilityResult(
        decision=Outcome(verdict.decision),
        policies=list(verdict.policies),
        reasons=[Reason(policy=pid, en=t.en, es=t.es) for pid, t in verdict.reasons],
        missing=list(verdict.missing),
        bring=bring_for(policies, request),
        version=policies.version,
        plan=policies.plan_id,
        port=request.port,
        at=request.at.astimezone(UTC),
        destination=DESTINATION[request.direction],
    )


def evaluate(
    traveler: Any,
    *,
    port: str,
    at: datetime,
    plan: PlanRef = DEFAULT_PLAN,
    direction: Any = "northbound",
    lane: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> AdmissibilityResult:
    """May this traveler enter at ``port`` (code or crossing number) at instant ``at`` under
    ``plan`` (built-in id, YAML path, ``Plan`` or a published version's ``Policies``)?

    Returns admit / deny / review with the deciding policy ids, reasons in English and Spanish,
    the missing attributes (for review) and the policy version. Raises :class:`TravelerInvalid`
    for impossible traveler values; never raises for missing attributes.
    """
    policies = policies_for(plan)
    req = request_for(
        as_traveler(traveler, claims), port=port, at=at, direction=direction, lane=lane
    )
    return result_of(policies, req, decide_batch(policies, [req])[0])


def evaluate_many(
    requests: Sequence[Request], *, plan: PlanRef = DEFAULT_PLAN
) -> list[AdmissibilityResult]:
    """Decide many prepared requests (see :func:`request_for`) in one Cedar batch."""
    policies = policies_for(plan)
    return [
        result_of(policies, r, v)
        for r, v in zip(requests, decide_batch(policies, requests), strict=True)
    ]
