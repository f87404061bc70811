"""The models a node knows: registered in its store (the whole model file), one of them the
shadow model (the latest registered still in the shadow slot), and those promoted as risk
versions — the latest promotion decides trucks until a later one, or a demotion back to the
weight set (:func:`demote`).

:func:`promote` is the one way a model becomes a risk version: only if, on outcomes later
than its training period, its precision at the agency's inspection rate beats the weight
set's (:class:`PromotionRefused` with both sets of figures otherwise); its score cut-offs are
calibrated on the same outcomes (:func:`~smartborder.risk.model.deciding.calibrate`). Every
promotion and demotion is recorded with who and when (``risk_deciding``); every worker's
:class:`~smartborder.risk.model.slots.ModelSlots` picks it up within about a second. Who may
promote or demote is the caller's check (the ``risk:promote`` scope: agencies and
administrators).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.risk.model.deciding import calibrate
from smartborder.risk.model.errors import ModelNotFound, NothingToDemote, PromotionRefused
from smartborder.risk.model.evaluation import evaluate
from smartborder.risk.model.features import ViolationCounts
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.replay import Replayed
from smartborder.risk.model.shadow import ShadowScorer
from smartborder.risk.scoring import RuleSet
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
    deciding = deciding_version(session)
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
                "deciding": deciding["risk_version"] == f"model:{row.id}",
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
    model: LearnedModel, later: Replayed, *, rate: float, rules: RuleSet
) -> dict[str, Any]:
    """The figures that allow promoting ``model`` (see :func:`evaluate`) with the cut-offs it
    will decide with (``cutoffs``), or :class:`PromotionRefused` with the figures if it does
    not beat the weight set ``rules``."""
    figures = evaluate(model, later, rate=rate, weight_set=rules.version, what="promote")
    if not figures["model_beats_weight_set"]:
        raise PromotionRefused(figures)
    figures["cutoffs"] = calibrate(model, later, rate=rate, rules=rules).to_json()
    return figures


def record_promotion(
    session: Session, model_id: str, figures: dict[str, Any], *, by: str, now: datetime
) -> dict[str, Any]:
    """Store a promotion :func:`judge_promotion` allowed (a short write): the model decides
    trucks from now on, with the figures' cut-offs, in every worker within about a second."""
    if repo.get_model(session, model_id) is None:
        raise ModelNotFound(model_id)
    repo.promote_model(session, model_id, at=now, by=by, evaluation=orjson.dumps(figures).decode())
    repo.add_deciding(
        session,
        {
            "at": now,
            "by": by[:64],
            "action": "promote",
            "model_id": model_id,
            "cutoffs": orjson.dumps(figures["cutoffs"]).decode(),
        },
    )
    return {**figures, "promoted": True, "risk_version": f"model:{model_id}", "promoted_by": by}


def demote(
    session: Session, model_id: str, *, by: str, now: datetime, weight_set: str = "weights"
) -> dict[str, Any]:
    """Return from the deciding model ``model_id`` to the weight set (recorded with who and
    when); the model is marked ``demoted`` and leaves every slot. :class:`NothingToDemote`
    if ``model_id`` is not the model deciding."""
    if repo.get_model(session, model_id) is None:
        raise ModelNotFound(model_id)
    current = deciding_version(session, weight_set=weight_set)
    if current["risk_version"] != f"model:{model_id}":
        raise NothingToDemote(model_id, current["risk_version"])
    repo.set_model_status(session, model_id, "demoted")
    repo.add_deciding(session, {"at": now, "by": by[:64], "action": "demote", "model_id": model_id})
    return {
        "demoted": model_id,
        "risk_version": weight_set,
        "demoted_by": by,
        "demoted_at": now.isoformat(),
    }


def deciding_version(session: Session, *, weight_set: str = "weights") -> dict[str, Any]:
    """What decides trucks: ``risk_version`` (``model:ID``, or the ``weight_set``'s version),
    the cut-offs, and the recorded changes (who, when), latest first."""
    history = repo.deciding_history(session)
    latest = history[0] if history else None
    promoted = latest is not None and latest.action == "promote"
    return {
        "risk_version": f"model:{latest.model_id}" if promoted and latest else weight_set,
        "cutoffs": orjson.loads(latest.cutoffs) if promoted and latest and latest.cutoffs else None,
        "changes": [
            {
                "action": c.action,
                "model_id": c.model_id,
                "by": c.by,
                "at": c.at.isoformat(),
            }
            for c in history
        ],
    }


def promote(
    session: Session,
    model_id: str,
    later: Replayed,
    *,
    rate: float,
    rules: RuleSet,
    by: str,
    now: datetime,
) -> dict[str, Any]:
    """Promote a registered model to a risk version if it beats the weight set on ``later``
    outcomes (:func:`judge_promotion`); the figures are stored with it and returned."""
    figures = judge_promotion(load_model(session, model_id), later, rate=rate, rules=rules)
    return record_promotion(session, model_id, figures, by=by, now=now)


__all__ = [
    "demote",
    "deciding_version",
    "judge_promotion",
    "load_model",
    "model_listing",
    "promote",
    "record_promotion",
    "register",
    "shadow_scorer",
]
