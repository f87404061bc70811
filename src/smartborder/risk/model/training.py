"""Training a LightGBM model on replayed outcomes (the labelled, i.e. inspected, declarations).

The last 15 % of the labelled declarations in time order are held out: boosting stops when
their log-loss stops improving, and the model file records their AUC. Refusals are stated
(:class:`NotEnoughData`): a model is never trained from a handful of labels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np

from smartborder.risk.model.errors import NotEnoughData
from smartborder.risk.model.features import CATEGORY_INDEXES, FEATURE_NAMES, FeatureSpace
from smartborder.risk.model.learned import LearnedModel, lightgbm
from smartborder.risk.model.replay import Replayed

#: The least a model is trained from: labelled declarations, and violations among them (and
#: as many clean inspections). Below that its ranking is noise, whatever its figures say.
MIN_LABELLED = 200
MIN_VIOLATIONS = 20
HOLDOUT = 0.15
PARAMS: dict[str, Any] = {
    "objective": "binary",
    # Small trees, few rounds: shadow scoring walks every tree of every truck decided, within
    # a 50 µs budget (benchmarks/bench_risk_model.py measures it).
    "learning_rate": 0.1,
    "num_leaves": 15,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "cat_smooth": 10.0,
    "min_data_per_group": 50,
    "max_cat_to_onehot": 8,
    "seed": 20261208,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
ROUNDS = 200
EARLY_STOP = 30


def check_labels(what: str, labelled: int, violations: int) -> None:
    """:class:`NotEnoughData` unless there are enough labels, violations and clean ones."""
    if (
        labelled < MIN_LABELLED
        or violations < MIN_VIOLATIONS
        or labelled - violations < MIN_VIOLATIONS
    ):
        raise NotEnoughData(
            what,
            labelled=labelled,
            violations=violations,
            needed=f"at least {MIN_LABELLED} labelled, {MIN_VIOLATIONS} with a violation and {MIN_VIOLATIONS} without",
        )


def train(
    replayed: Replayed,
    *,
    now: datetime,
    rounds: int = ROUNDS,
    num_threads: int = 2,
    min_category_count: int = 20,
    early_stopping: bool = True,
) -> LearnedModel:
    """A model trained on the labelled declarations of ``replayed`` (``early_stopping``
    off: every one of ``rounds`` is boosted, the holdout only measured)."""
    lgb = lightgbm()
    idx = np.flatnonzero(replayed.labelled)
    y = replayed.violation[idx].astype(np.float64)
    check_labels("train", len(idx), int(y.sum()))
    rows = [replayed.rows[i] for i in idx]
    space = FeatureSpace.learn([c for _, c in rows], min_count=min_category_count)
    x = space.encode(rows)
    split = int(len(idx) * (1 - HOLDOUT))
    params = {**PARAMS, "num_threads": num_threads}
    dtrain = lgb.Dataset(
        x[:split],
        y[:split],
        feature_name=list(FEATURE_NAMES),
        categorical_feature=list(CATEGORY_INDEXES),
        free_raw_data=True,
    )
    held_y = y[split:]
    metrics: dict[str, Any] = {
        "labelled": len(idx),
        "violations": int(y.sum()),
        "declarations": len(replayed.rows),
        "holdout": len(held_y),
    }
    if 0 < held_y.sum() < len(held_y):
        dvalid = lgb.Dataset(x[split:], held_y, reference=dtrain)
        stop: list[Callable[..., Any]] = (
            [lgb.early_stopping(EARLY_STOP, verbose=False)] if early_stopping else []
        )
        booster = lgb.train(params, dtrain, rounds, valid_sets=[dvalid], callbacks=stop)
        metrics["holdout_auc"] = round(auc(np.asarray(booster.predict(x[split:])), held_y), 4)
    else:  # a holdout without both kinds of label cannot judge: boost the full count
        booster = lgb.train(params, dtrain, rounds)
    metrics["rounds"] = int(booster.best_iteration or booster.current_iteration())
    return LearnedModel(
        booster_text=booster.model_to_string(num_iteration=metrics["rounds"]),
        space=space,
        trained_from=replayed.filed_at[0],
        trained_until=replayed.filed_at[-1],
        metrics=metrics,
        params={k: v for k, v in params.items() if k != "num_threads"},
        created_at=now,
    )


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney U with tied scores averaged)."""
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    starts = np.cumsum(counts) - counts  # ranks from 1: tied scores share their mean rank
    ranks = (starts + (counts + 1) / 2.0)[inverse]
    pos = labels > 0
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


__all__ = ["MIN_LABELLED", "MIN_VIOLATIONS", "PARAMS", "auc", "check_labels", "train"]
