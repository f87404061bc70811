"""Judging a model against the weight set on outcomes it did not learn from.

Both rank the same labelled (inspected) declarations of a later period and each "inspects"
its top ``rate`` share of them; the figures are precision (violations found per inspection),
recall (share of the period's violations found), lift (precision over the period's violation
rate) and revenue at stake found (``value_usd``), each with its counts. Tied scores — the
weight set's sums of whole points tie often — are broken at random in expectation: of the
declarations tied at the cut, each counts with the share of them that fits.

On a file where every declaration was inspected (the generator's ``--inspect-all``, or an
agency's audit) this is exactly precision at the agency's inspection rate. On outcomes where
only the targeted and the random control sample were inspected, the labelled set leans to
what the weight set chose: read the figures as a comparison on that set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from smartborder.risk.model.errors import PeriodNotLater
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.replay import Replayed
from smartborder.risk.model.training import check_labels


def selection_figures(
    scores: np.ndarray, violation: np.ndarray, value: np.ndarray, k: int
) -> dict[str, Any]:
    """Hits, precision, recall and value of inspecting the ``k`` highest ``scores``."""
    n = len(scores)
    k = max(1, min(k, n))
    cut = np.sort(scores)[n - k]  # the k-th highest score
    above = scores > cut
    tied = scores == cut
    share = (k - int(above.sum())) / int(tied.sum())
    hits = float(violation[above].sum() + share * violation[tied].sum())
    found = float(value[above & violation].sum() + share * value[tied & violation].sum())
    total = float(violation.sum())
    base = total / n
    precision = hits / k
    return {
        "inspected": k,
        "hits": round(hits, 2),
        "precision": round(precision, 4),
        "recall": round(hits / total, 4) if total else None,
        "lift": round(precision / base, 3) if base else None,
        "value_usd_found": round(found, 2),
    }


def evaluate(
    model: LearnedModel,
    replayed: Replayed,
    *,
    rate: float,
    weight_set: str,
    what: str = "evaluate",
) -> dict[str, Any]:
    """The model's and the weight set's figures at inspection ``rate`` on the declarations
    of ``replayed`` filed after the model's training period; earlier ones (if any) only
    built the party history the later ones were scored with, as on a node."""
    if not 0 < rate <= 1:
        raise ValueError("the inspection rate is a share in (0, 1]")
    if not replayed.filed_at:
        check_labels(what, 0, 0)  # no outcome at all: not enough data
    later = np.array([t > model.trained_until for t in replayed.filed_at], dtype=bool)
    if not later.any():
        raise PeriodNotLater(
            model.trained_until, replayed.filed_at[-1] if replayed.filed_at else model.trained_until
        )
    first = int(np.argmax(later))
    idx = np.flatnonzero(replayed.labelled & later)
    violation = replayed.violation[idx]
    check_labels(what, len(idx), int(violation.sum()))
    value = replayed.value_usd[idx]
    x = model.space.encode([replayed.rows[i] for i in idx])
    k = max(1, round(rate * len(idx)))
    model_figs = selection_figures(model.predict(x), violation, value, k)
    weight_figs = selection_figures(replayed.weight_score[idx], violation, value, k)
    return {
        "period": {
            "from": replayed.filed_at[first].isoformat(),
            "until": replayed.filed_at[-1].isoformat(),
        },
        "inspection_rate": rate,
        "declarations": int(later.sum()),
        "history_only": first,
        "labelled": len(idx),
        "violations": int(violation.sum()),
        "violation_rate": round(float(violation.mean()), 4),
        "model": {"id": model.id, **model_figs},
        "weight_set": {"version": weight_set, **weight_figs},
        "model_beats_weight_set": model_figs["precision"] > weight_figs["precision"],
    }


__all__ = ["evaluate", "selection_figures"]
