"""The range around a wait forecast: where the published wait fell, on weeks the model was not
trained on, between the 10th and 90th percentiles of its error (see
:mod:`smartborder.kpi.forecast_bands`, which measures them)."""

from __future__ import annotations

import numpy as np

from smartborder.kpi.forecast_features import FloatArray

# Levels of the wait now (minutes) whose errors are told apart: below 10, 10-30, 30-60, 60+.
LEVEL_EDGES = np.array([10.0, 30.0, 60.0])
ANY_LEVEL = -1
ANY_LANE = "*"

BandKey = tuple[str, int, int]  # (lane type or "*", horizon in hours, level or -1)


def level_of(now: FloatArray) -> np.ndarray:
    """The level bucket (0..3) of each wait now."""
    return np.searchsorted(LEVEL_EDGES, now, side="right")


def band_for(
    bands: dict[BandKey, tuple[float, float]], lane: str, horizon_h: int, now: float
) -> tuple[float, float] | None:
    """The (low, high) error percentiles for one forecast, finest cell first; None if none."""
    level = int(level_of(np.array([now]))[0])
    for key in (
        (lane, horizon_h, level),
        (lane, horizon_h, ANY_LEVEL),
        (ANY_LANE, horizon_h, level),
    ):
        if key in bands:
            return bands[key]
    return None


def around(value: float, band: tuple[float, float]) -> tuple[float, float]:
    """The range of whole minutes around a forecast ``value`` (never below zero)."""
    low = max(0.0, float(np.floor(value + band[0])))
    high = max(low, float(np.ceil(value + band[1])))
    return low, high


__all__ = ["ANY_LANE", "ANY_LEVEL", "BandKey", "LEVEL_EDGES", "around", "band_for", "level_of"]
