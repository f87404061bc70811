"""Shadow scoring: the learned model scores every truck the pipeline decides, beside the
decision, never deciding.

The risk stage asks :meth:`ShadowScorer.features` for a truck's feature vector from the facts
it has just computed (pure Python, no LightGBM call); the node's writer scores the vectors
of a whole group commit in one LightGBM call (:meth:`ShadowScorer.rows`) and stores them with
the decisions, in the same transaction. Why in the writer: a LightGBM call costs ~50 µs
whatever its size, and a row in a batch ~8 µs (measured: ``benchmarks/bench_risk_model.py``),
so scoring one declaration per call would alone exceed the 50 µs budget. The top contributing
features (SHAP values, ~1 ms a row) are computed when someone asks why
(:meth:`ShadowScorer.explain`), from the stored vector.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import orjson

from smartborder.declarations import TruckShipment
from smartborder.risk.model.features import RawFeatures, ViolationCounts
from smartborder.risk.model.learned import LearnedModel


class ShadowScorer:
    """A shadow model and the violation history its party features read."""

    def __init__(self, model: LearnedModel, *, violations: ViolationCounts | None) -> None:
        self.model = model
        self.model_id = model.id
        self._space = model.space
        self.violations = violations

    def features(
        self, declaration: Any, facts: Mapping[str, Any], *, now: datetime
    ) -> list[float] | None:
        """A truck's encoded feature vector (``None`` for a traveler: the model scores trucks)."""
        if not isinstance(declaration, TruckShipment):
            return None
        return self._space.vector(declaration, facts, violations=self.violations, now=now)

    def encode(self, raw: RawFeatures) -> list[float]:
        """A truck's raw features (:func:`raw_features`, computed once for both slots)
        encoded as this model's vector: what :meth:`features` gives."""
        return self._space.encode_one(raw)

    def rows(
        self, items: Sequence[tuple[str, int, Sequence[float]]], *, at: datetime
    ) -> list[dict[str, Any]]:
        """The ``risk_shadow_scores`` rows of ``(declaration_id, version, vector)`` items,
        scored in one call."""
        if not items:
            return []
        scores = self.model.predict(np.array([v for _, _, v in items], dtype=np.float64))
        model_id = self.model_id
        return [
            {
                "declaration_id": did,
                "version": version,
                "model_id": model_id,
                "score": float(score),
                "scored_at": at,
                "features": orjson.dumps(vector).decode(),  # NaN (missing) as null
            }
            for (did, version, vector), score in zip(items, scores, strict=True)
        ]

    def explain(self, features_json: str, *, top: int = 5) -> list[dict[str, Any]]:
        """The top contributing features of a stored shadow score."""
        vector = [np.nan if x is None else float(x) for x in orjson.loads(features_json)]
        return self.model.explain(vector, top=top)


__all__ = ["ShadowScorer"]
