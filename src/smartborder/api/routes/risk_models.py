"""The learned risk model over HTTP: registered models, what decides, promotion and the way
back to the weight set, a decision's shadow score.

Thin HTTP over :mod:`smartborder.risk` (see docs/risk-model.md). Promotion and demotion need
the ``risk:promote`` scope (agencies and administrators): any other caller gets 403. A model
that does not beat the weight set is refused with 409 and both sets of figures. Every worker
decides with a promoted model (or the weight set again, after a demotion) within about a
second.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, Field

from smartborder import risk
from smartborder.api.deps import Ctx, DbSession, require_scopes
from smartborder.clients import Principal
from smartborder.clients.roles import DECISIONS_READ, RISK_PROMOTE
from smartborder.errors import Forbidden
from smartborder.i18n import Text
from smartborder.inspections import FindingCode
from smartborder.store import risk as risk_repo
from smartborder.store import transaction

router = APIRouter(tags=["risk"])

Promoter = Annotated[Principal, Depends(require_scopes(RISK_PROMOTE))]
Reader = Annotated[Principal, Depends(require_scopes(DECISIONS_READ))]
_FINDINGS = {c.value: c.violation for c in FindingCode}
_MODELS: dict[str, risk.LearnedModel] = {}  # by id: a model id is its booster's hash


class PromotionRequest(BaseModel):
    inspection_rate: float = Field(
        default=0.05, gt=0, le=1, description="The agency's inspection rate (a share)."
    )
    since: datetime | None = Field(
        default=None,
        alias="from",
        description="Judge on this node's decisions and inspections from this time…",
    )
    until: datetime | None = Field(default=None, description="…to this time (default: now).")
    outcomes: list[Any] | None = Field(
        default=None,
        max_length=200_000,
        description="Or outcome objects (the lines of an outcomes file) instead of the store.",
    )


def _line(outcome: Any) -> bytes:
    """An outcome object as a line of an outcomes file; one orjson cannot write (an integer
    beyond 64 bits) is written by the standard library, and the reader then names its line."""
    try:
        return orjson.dumps(outcome)
    except TypeError:
        return json.dumps(outcome).encode()


def _agency_only(caller: Principal) -> None:
    if not (caller.role.is_agency or caller.role.value == "admin"):
        raise Forbidden(
            Text(
                "Risk models and shadow scores are for agencies and administrators.",
                "Los modelos de riesgo y las puntuaciones en sombra son para agencias y administradores.",
            ),
            code="risk.model.agency_only",
        )


def _model(session: Any, model_id: str) -> risk.LearnedModel:
    model = _MODELS.get(model_id)
    if model is None:
        model = _MODELS[model_id] = risk.load_model(session, model_id)
    return model


@router.get("/risk/models")
def list_models(session: DbSession, caller: Reader) -> list[dict[str, Any]]:
    """Registered learned models: the shadow ones and those promoted, with their figures."""
    _agency_only(caller)
    return risk.model_listing(session)


@router.post("/risk/models/{model_id}/promote")
def promote_model(
    ctx: Ctx,
    session: DbSession,
    caller: Promoter,
    model_id: str,
    body: Annotated[PromotionRequest, Body()],
) -> dict[str, Any]:
    """Promote a shadow model to a risk version, only if it beats the weight set's precision
    at the inspection rate on outcomes later than its training period (409 with the figures
    otherwise; 422 if there is not enough data)."""
    rules = risk.load_rules()
    if body.outcomes is not None:
        lines = [_line(o) for o in body.outcomes]
        labelled = risk.read_outcomes(
            lines,
            source="the request's outcomes",
            finding_codes=_FINDINGS,
            stored=risk.stored_lookup(session),
        )
    else:
        labelled = risk.outcomes_from_store(
            session,
            since=body.since or datetime(1970, 1, 1, tzinfo=UTC),
            until=body.until or datetime.now(UTC),
            finding_codes=_FINDINGS,
        )
    # judged on a read session (seconds of replay and scoring), recorded in a short write
    figures = risk.judge_promotion(
        _model(session, model_id),
        risk.replay(labelled, rules),
        rate=body.inspection_rate,
        rules=rules,
    )
    with ctx.write_lock(), transaction(ctx.sessions) as write:
        return risk.record_promotion(
            write, model_id, figures, by=f"{caller.org}/{caller.client_id}", now=datetime.now(UTC)
        )


@router.post("/risk/models/{model_id}/demote")
def demote_model(ctx: Ctx, caller: Promoter, model_id: str) -> dict[str, Any]:
    """Return from the deciding model to the weight set, recorded with who and when (409
    ``risk.model.not_deciding`` if ``model_id`` is not the model deciding)."""
    with ctx.write_lock(), transaction(ctx.sessions) as write:
        return risk.demote(
            write,
            model_id,
            by=f"{caller.org}/{caller.client_id}",
            now=datetime.now(UTC),
            weight_set=risk.load_rules().version,
        )


@router.get("/risk/deciding")
def deciding(session: DbSession, caller: Reader) -> dict[str, Any]:
    """What decides trucks (``model:ID`` and its cut-offs, or the weight set's version) and
    every promotion and demotion with who and when. Agencies and administrators only."""
    _agency_only(caller)
    return risk.deciding_version(session, weight_set=risk.load_rules().version)


@router.get("/declarations/{declaration_id}/shadow")
def shadow_scores(session: DbSession, caller: Reader, declaration_id: str) -> dict[str, Any]:
    """The shadow model's scores of a record's versions, each with the features that moved
    it most (SHAP values from the booster). Agencies and administrators only."""
    _agency_only(caller)
    scores = []
    for row in risk_repo.shadow_scores_of(session, declaration_id):
        model = _model(session, row.model_id)
        scores.append(
            {
                "version": row.version,
                "model_id": row.model_id,
                "score": row.score,
                "scored_at": row.scored_at.isoformat(),
                "top_features": risk.ShadowScorer(model, violations=None).explain(row.features),
                "deciding": False,
            }
        )
    return {"declaration_id": declaration_id, "scores": scores}
