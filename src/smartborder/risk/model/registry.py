"""The models a node knows: registered in its store (the whole model file), one of them the
shadow model (the latest registered), and those promoted as risk versions.

:func:`promote` is the one way a model becomes a risk version: only if, on outcomes later
than its training period, its precision at the agency's inspection rate beats the weight
set's (:class:`PromotionRefused` with both sets of figures otherwise). Who may promote is
the caller's check (the ``risk:promote`` scope: agencies and administrators).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.risk.model.errors import ModelNotFound, PromotionRefused
from smartborder.risk.model.evaluation import evaluate
from smartborder.risk.model.features import ViolationCounts
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.replay import Replayed
from smartborder.risk.model.shadow import ShadowScorer
from smartborder.store import risk as repo


def register(session: Session, model: LearnedModel, *, now: datetime) -> bool:
    """Register ``model`` as this node's shadow model (``False``: it was registered already)."""
    return repo.add_model(
        session,
        {
            "id": model.id,
            "status": "shadow",
            "created_at": model.created_at or now,
            "trained_from": model.trained_from,
            "trained_until": model.trained_until,
            "registered_at": now,
            "body": orjson.dumps(model.to_json()).decode(),
        },
    )


def load_model(session: Session, model_id: str) -> LearnedModel:
    row = repo.get_model(session, model_id)
    if row is None:
        raise ModelNotFound(model_id)
    return LearnedModel.from_json(orjson.loads(row.body), source=f"risk_models/{model_id}")


def model_listing(session: Session) -> list[dict[str, Any]]:
    """Every registered model: id, status, period, metrics, promotion (no booster)."""
    out = []
    for row in repo.list_models(session):
        body = orjson.loads(row.body)
        out.append(
            {
                "id": row.id,
                "status": row.status,
                "trained_from": row.trained_from.isoformat(),
                "trained_until": row.trained_until.isoformat(),
                "registered_at": row.registered_at.isoformat(),
                "promoted_at": row.promoted_at.isoformat() if row.promoted_at else None,
                "promoted_by": row.promoted_by,
                "metrics": body.get("metrics"),
                "evaluation": orjson.loads(row.evaluation) if row.evaluation else None,
            }
        )
    return out


def shadow_scorer(session: Session, *, violations: ViolationCounts | None) -> ShadowScorer | None:
    """A scorer over the latest registered shadow model, or ``None`` if there is none."""
    row = repo.latest_model(session, "shadow")
    if row is None:
        return None
    model = LearnedModel.from_json(orjson.loads(row.body), source=f"risk_models/{row.id}")
    return ShadowScorer(model, violations=violations)


def judge_promotion(
    model: LearnedModel, later: Replayed, *, rate: float, weight_set: str
) -> dict[str, Any]:
    """The figures that allow promoting ``model`` (see :func:`evaluate`), or
    :class:`PromotionRefused` with them if it does not beat the weight set."""
    figures = evaluate(model, later, rate=rate, weight_set=weight_set, what="promote")
    if not figures["model_beats_weight_set"]:
        raise PromotionRefused(figures)
    return figures


def record_promotion(
    session: Session, model_id: str, figures: dict[str, Any], *, by: str, now: datetime
) -> dict[str, Any]:
    """Store a promotion :func:`judge_promotion` allowed (a short write)."""
    if repo.get_model(session, model_id) is None:
        raise ModelNotFound(model_id)
    repo.promote_model(session, model_id, at=now, by=by, evaluation=orjson.dumps(figures).decode())
    return {**figures, "promoted": True, "risk_version": f"model:{model_id}", "promoted_by": by}


def promote(
    session: Session,
    model_id: str,
    later: Replayed,
    *,
    rate: float,
    weight_set: str,
    by: str,
    now: datetime,
) -> dict[str, Any]:
    """Promote a registered model to a risk version if it beats the weight set on ``later``
    outcomes (:func:`judge_promotion`); the figures are stored with it and returned."""
    figures = judge_promotion(
        load_model(session, model_id), later, rate=rate, weight_set=weight_set
    )
    return record_promotion(session, model_id, figures, by=by, now=now)


__all__ = [
    "judge_promotion",
    "load_model",
    "model_listing",
    "promote",
    "record_promotion",
    "register",
    "shadow_scorer",
]
