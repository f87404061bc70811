"""A trained model as a versioned file: the LightGBM booster, the feature list and category
vocabularies it was trained with, its training period and its metrics.

The file is JSON (``format: smartborder-risk-model/1``); its ``id`` is the SHA-256 of the
booster text (first 16 hex digits), so the same training gives the same id. LightGBM is
imported when a booster is built, never at start-up.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from smartborder.risk.model.errors import ModelFileInvalid
from smartborder.risk.model.features import CATEGORY_INDEXES, FEATURE_NAMES, FeatureSpace

FORMAT = "smartborder-risk-model/1"


def lightgbm() -> Any:
    """The ``lightgbm`` module, imported on first use with OpenMP's idle threads set to sleep
    (``OMP_WAIT_POLICY=PASSIVE``, unless the environment says otherwise). OpenMP's default
    spins a waiting thread: on a machine whose cores are busy with other work, training with
    2 threads then burned 35 CPU-s for 8.6 s of work (1 M rows, 200 rounds; passive: 8.6
    CPU-s, as with 1 thread). The policy is read when the OpenMP runtime starts, so this must
    run before anything else loads it."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import lightgbm as lgb

    return lgb


@dataclass(frozen=True)
class LearnedModel:
    """A gradient-boosted risk model: ``predict`` gives violation probabilities, ``explain``
    the features that contributed most to one declaration's score (SHAP values)."""

    booster_text: str
    space: FeatureSpace
    trained_from: datetime
    trained_until: datetime
    metrics: Mapping[str, Any]
    params: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    @cached_property
    def id(self) -> str:
        return hashlib.sha256(self.booster_text.encode()).hexdigest()[:16]

    @cached_property
    def booster(self) -> Any:
        return lightgbm().Booster(model_str=self.booster_text)

    def predict(self, matrix: np.ndarray) -> np.ndarray:
        """Violation probabilities of the rows of an encoded feature matrix (one batch: the
        per-call overhead is paid once)."""
        if len(matrix) == 0:
            return np.empty(0)
        return np.asarray(self.booster.predict(matrix, num_threads=1))

    def contributions(self, matrix: np.ndarray) -> np.ndarray:
        """Per-feature SHAP contributions to the log-odds (last column: the expected value)."""
        return np.asarray(self.booster.predict(matrix, pred_contrib=True, num_threads=1))

    def explain(self, vector: Sequence[float], *, top: int = 5) -> list[dict[str, Any]]:
        """The ``top`` features that moved this declaration's score most, largest first."""
        contrib = self.contributions(np.asarray([vector], dtype=np.float64))[0]
        order = np.argsort(-np.abs(contrib[:-1]))[:top]
        return [
            {
                "feature": FEATURE_NAMES[i],
                "value": _shown(i, float(vector[i]), self.space),
                "contribution": round(float(contrib[i]), 4),
            }
            for i in order
            if contrib[i] != 0
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "id": self.id,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "trained_from": self.trained_from.isoformat(),
            "trained_until": self.trained_until.isoformat(),
            "features": list(FEATURE_NAMES),
            "categories": self.space.to_json(),
            "params": dict(self.params),
            "metrics": dict(self.metrics),
            "booster": self.booster_text,
        }

    def summary(self) -> dict[str, Any]:
        """The file without the booster: what a listing shows."""
        out = self.to_json()
        out.pop("booster")
        out.pop("categories")
        return out

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(orjson.dumps(self.to_json()))
        tmp.replace(path)  # never a half-written model file
        return path

    @classmethod
    def from_json(cls, data: Any, *, source: str) -> LearnedModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelFileInvalid(source, f"its 'format' is not {FORMAT}")
        if data.get("features") != list(FEATURE_NAMES):
            raise ModelFileInvalid(
                source, "it was trained on another feature list than this version computes"
            )
        try:
            model = cls(
                booster_text=str(data["booster"]),
                space=FeatureSpace.from_json(data["categories"]),
                trained_from=datetime.fromisoformat(data["trained_from"]),
                trained_until=datetime.fromisoformat(data["trained_until"]),
                metrics=dict(data.get("metrics") or {}),
                params=dict(data.get("params") or {}),
                created_at=datetime.fromisoformat(data["created_at"])
                if data.get("created_at")
                else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelFileInvalid(source, f"{exc.__class__.__name__}: {exc}") from None
        if data.get("id") not in (None, model.id):
            raise ModelFileInvalid(source, "its id does not match its booster (edited by hand?)")
        return model

    @classmethod
    def load(cls, path: Path) -> LearnedModel:
        try:
            data = orjson.loads(path.read_bytes())
        except OSError as exc:
            raise ModelFileInvalid(str(path), f"cannot read it ({exc.strerror})") from None
        except orjson.JSONDecodeError as exc:
            raise ModelFileInvalid(str(path), f"not JSON ({exc})") from None
        return cls.from_json(data, source=str(path))


def _shown(i: int, value: float, space: FeatureSpace) -> Any:
    """A feature's value as a person reads it (category codes back to their names)."""
    if i in CATEGORY_INDEXES:
        if value != value:  # NaN: a value the model had no code for
            return "(other)"
        vocab = space.vocab[CATEGORY_INDEXES.index(i)]
        names = {code: name for name, code in vocab.items()}
        return names.get(int(value), "(other)")
    return value


__all__ = ["FORMAT", "LearnedModel", "lightgbm"]
