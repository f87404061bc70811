"""``forecast-eval``: train on one set of feed archives, forecast another, compare baselines."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from smartborder import ports
from smartborder.i18n import Text
from smartborder.kpi.forecast import MAX_HORIZON_H, Evaluation, evaluate_forecaster, fit_forecaster
from smartborder.kpi.forecast_data import TARGET_PORTS, load_archives
from smartborder.kpi.forecast_errors import ForecastInvalid
from smartborder.kpi.forecast_target import PORT_TARGET


# Issue 15 (item 6) replaced issue 6's 20 % at 60 min, shown unreachable from the hourly feed:
# >= 5 % lower MAE than the better baseline at 60 min, >= 12 % from 2 h (the 3 h target is
# applied to the longer horizons too). See smartborder.kpi.forecast_target.
def target_improvement(horizon_h: int) -> float:
    return PORT_TARGET.get(horizon_h, PORT_TARGET[max(PORT_TARGET)])


class PortTarget(BaseModel):
    port_code: str
    port_name: str
    n: int
    mae_model: float
    best_baseline: float
    improvement: float
    target: float = 0.0
    met: bool


class EvaluationReport(BaseModel):
    """What ``smartborder kpi forecast-eval --json`` prints."""

    horizon_min: int
    train_snapshots: int
    train_unreadable: int
    train_span: list[str]
    test_snapshots: int
    test_unreadable: int
    test_span: list[str]
    scored_after: str  # only forecasts issued after the last training reading are scored
    evaluation: Evaluation
    names: dict[str, str]  # crossing number or port code -> name
    targets: list[PortTarget]


def _names() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in ports.all_ports():
        out[p.code] = p.name
        for c in p.crossings:
            out[c.bwt_number] = f"{p.name} — {c.name}" if c.name else p.name
    return out


def horizon_hours(horizon_min: int) -> int:
    """The horizon in whole hours (the feed is hourly); raises for anything else."""
    if horizon_min % 60 or not 1 <= horizon_min // 60 <= MAX_HORIZON_H:
        raise ForecastInvalid(
            Text(
                f"--horizon {horizon_min}: use a multiple of 60 minutes from 60 to {MAX_HORIZON_H * 60} (the feed updates hourly).",
                f"--horizon {horizon_min}: use un múltiplo de 60 minutos entre 60 y {MAX_HORIZON_H * 60} (el feed se actualiza cada hora).",
            )
        )
    return horizon_min // 60


def evaluate_archives(
    train: Sequence[Path | str],
    test: Sequence[Path | str],
    *,
    horizon_min: int,
    rng: np.random.Generator,
    max_rows: int | None = None,
) -> EvaluationReport:
    """Train on the ``train`` archives, score on the ``test`` archives at one horizon.

    Only the training archives shape the model and the hour-of-week baseline; the test
    archives are read after training, and each test forecast sees test data up to its own
    issue hour only.
    """
    k = horizon_hours(horizon_min)
    tr = load_archives(train)
    if not tr.observations:
        raise ForecastInvalid(
            Text(
                "The training archives hold no U.S.–Mexico wait readings.",
                "Los archivos de entrenamiento no contienen lecturas de espera EE. UU.–México.",
            )
        )
    model = fit_forecaster(tr.observations, rng=rng, horizons_h=[k], max_rows=max_rows)
    te = load_archives(test)
    if not te.observations:
        raise ForecastInvalid(
            Text(
                "The test archives hold no U.S.–Mexico wait readings.",
                "Los archivos de prueba no contienen lecturas de espera EE. UU.–México.",
            )
        )
    ev = evaluate_forecaster(model, te.observations, horizon_h=k, after=tr.last)
    names = _names()
    targets = []
    for score in ev.ports:
        if score.crossing in TARGET_PORTS:
            targets.append(
                PortTarget(
                    port_code=score.crossing,
                    port_name=TARGET_PORTS[score.crossing],
                    n=score.n,
                    mae_model=score.mae_model,
                    best_baseline=score.best_baseline,
                    improvement=round(score.improvement, 3),
                    target=target_improvement(k),
                    met=score.improvement >= target_improvement(k),
                )
            )

    def span(first: Any, last: Any) -> list[str]:
        return [first.isoformat() if first else "", last.isoformat() if last else ""]

    return EvaluationReport(
        horizon_min=horizon_min,
        train_snapshots=tr.snapshots,
        train_unreadable=tr.unreadable,
        train_span=span(tr.first, tr.last),
        test_snapshots=te.snapshots,
        test_unreadable=te.unreadable,
        test_span=span(te.first, te.last),
        scored_after=tr.last.isoformat() if tr.last else "",
        evaluation=ev,
        names=names,
        targets=targets,
    )


__all__ = ["EvaluationReport", "PortTarget", "evaluate_archives", "horizon_hours"]
