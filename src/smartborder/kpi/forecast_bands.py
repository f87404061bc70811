"""An 80 % range around each wait forecast, from the model's errors on days it was not
trained on.

:func:`fit_with_bands` holds out the last two weeks of the training archive, trains on the
rest and records how far the published wait fell from that model's forecasts: the 10th and
90th percentiles of (published − forecast) per lane type, horizon and level of the wait now
(busy lanes err by more). It then trains on everything, as :func:`fit_forecaster` does, and
attaches the ranges. Errors on later, unseen weeks are wider than on the training rows
themselves, so ranges from the training residuals would promise more than they keep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import numpy as np

from smartborder.kpi.forecast import (
    HORIZONS_H,
    HeldOutRows,
    WaitForecaster,
    fit_forecaster,
    held_out_rows,
)
from smartborder.kpi.forecast_features import FloatArray, WaitObservation
from smartborder.kpi.forecast_range import (
    ANY_LANE,
    ANY_LEVEL,
    BandKey,
    around,
    band_for,
    level_of,
)

BAND_QUANTILES = (0.10, 0.90)  # an 80 % range
MIN_ERRORS = 50  # fewer errors than this in a cell: use the coarser cell
HOLDOUT = timedelta(days=14)
MIN_TRAIN_SPAN = timedelta(days=14)  # below this before the hold-out, no ranges are made
HISTORY = timedelta(days=9)  # the features read up to 8 days back


def bands_from_errors(
    lane: Sequence[str], horizon: Sequence[int], now: FloatArray, error: FloatArray
) -> dict[BandKey, tuple[float, float]]:
    """Percentiles of ``error`` (published − forecast) per (lane, horizon, level), per
    (lane, horizon) over all levels, and per (any lane, horizon, level); cells with fewer
    than :data:`MIN_ERRORS` errors are left out."""
    cells: dict[BandKey, list[float]] = defaultdict(list)
    levels = level_of(now)
    for ln, k, lv, e in zip(lane, horizon, levels, error, strict=True):
        for key in ((ln, k, int(lv)), (ln, k, ANY_LEVEL), (ANY_LANE, k, int(lv))):
            cells[key].append(float(e))
    out = {}
    for key, errs in cells.items():
        if len(errs) >= MIN_ERRORS:
            lo, hi = np.quantile(np.array(errs), BAND_QUANTILES)
            out[key] = (float(lo), float(hi))
    return out


def _held_out(
    forecaster: WaitForecaster, observations: Iterable[WaitObservation], *, after: datetime
) -> dict[int, list[HeldOutRows]]:
    obs = list(observations)
    return {
        k: held_out_rows(forecaster, obs, horizon_h=k, after=after)
        for k in sorted(forecaster.models)
    }


def _bands_of(
    rows_by_h: dict[int, list[HeldOutRows]],
    *,
    around_now: bool = False,
    around_how: bool = False,
) -> dict[BandKey, tuple[float, float]]:
    """Ranges from the errors of the forecasts in ``rows_by_h`` (or, ``around_now``, of
    persistence: the wait now as the forecast; ``around_how``, of the hour-of-week mean)."""
    lanes: list[str] = []
    horizons: list[int] = []
    nows: list[FloatArray] = []
    errors: list[FloatArray] = []
    for k, parts in rows_by_h.items():
        for rows in parts:
            lanes.extend([rows.key[1]] * len(rows.now))
            horizons.extend([k] * len(rows.now))
            nows.append(rows.now)
            center = rows.now if around_now else rows.hour_of_week if around_how else rows.forecast
            errors.append(rows.truth - center)
    if not errors:
        return {}
    return bands_from_errors(lanes, horizons, np.concatenate(nows), np.concatenate(errors))


def held_out_errors(
    forecaster: WaitForecaster,
    observations: Iterable[WaitObservation],
    *,
    after: datetime,
) -> dict[BandKey, tuple[float, float]]:
    """Ranges from ``forecaster``'s errors on the forecasts issued after ``after``."""
    return _bands_of(_held_out(forecaster, observations, after=after))


MIN_VALIDATION_ROWS = 12  # fewer scored forecasts on a lane: too few to overrule the model
# The model falls back on a lane only where it scored worse than the better baseline by more
# than this on validation. The validation model is trained on two weeks fewer than the model
# served and scored on two weeks only, so it flatters the baselines: on Aug-Sep 2025 (each
# month trained on the months before; 1-3 h, the four target ports), a 0 % margin cost up to
# 7 points of improvement at a port (Laredo, 3 h) and sent one lane (El Paso, Stanton DCL
# SENTRI, 2 h) to 16 % worse than its better baseline; 10 % cost at most 0.4 points (measured
# with scikit-learn's model). With LightGBM the margin alone still made one lane worse than the
# model (Laredo 230401 SENTRI, 2 h, Jun-Jul: +15.6 %), so the loss must also exceed two
# standard errors (see baseline_where_better). docs/forecasts.md has the figures.
FALLBACK_MARGIN = 0.10

PERSISTENCE = "persistence"
HOUR_OF_WEEK = "hour_of_week_mean"


def baseline_where_better(
    rows_by_h: dict[int, list[HeldOutRows]], *, margin: float = FALLBACK_MARGIN
) -> tuple[
    dict[tuple[str, str], dict[int, str]],
    dict[tuple[str, str, int], tuple[float, ...]],
]:
    """Per crossing lane and horizon, the MAE of the model, persistence and the hour-of-week
    mean on validation rows, and the horizons where the model scored worse than the better
    of the two baselines by more than ``margin`` and by more than two standard errors of the
    paired difference of absolute errors (on at least :data:`MIN_VALIDATION_ROWS` rows):
    there that baseline is served instead (``persistence`` or ``hour_of_week_mean``)."""
    worse: dict[tuple[str, str], dict[int, str]] = {}
    scores: dict[tuple[str, str, int], tuple[float, ...]] = {}
    for k, parts in rows_by_h.items():
        for rows in parts:
            n = len(rows.truth)
            if n == 0:
                continue
            err_model = np.abs(rows.forecast - rows.truth)
            err_now = np.abs(rows.now - rows.truth)
            err_how = np.abs(rows.hour_of_week - rows.truth)
            mae_model, mae_now, mae_how = (
                float(np.mean(err_model)),
                float(np.mean(err_now)),
                float(np.mean(err_how)),
            )
            scores[(rows.key[0], rows.key[1], k)] = (
                n,
                round(mae_model, 3),
                round(mae_now, 3),
                round(mae_how, 3),
            )
            use_now = mae_now <= mae_how
            best = mae_now if use_now else mae_how
            if n >= MIN_VALIDATION_ROWS and mae_model > best * (1.0 + margin):
                # ... and the loss is more than noise: the paired difference of absolute
                # errors is above zero by more than two standard errors.
                diff = err_model - (err_now if use_now else err_how)
                se = float(np.std(diff, ddof=1)) / np.sqrt(n) if n > 1 else np.inf
                if float(np.mean(diff)) > 2.0 * se:
                    worse.setdefault(rows.key, {})[k] = PERSISTENCE if use_now else HOUR_OF_WEEK
    return worse, scores


def persistence_where_better(
    rows_by_h: dict[int, list[HeldOutRows]],
) -> tuple[
    dict[tuple[str, str], tuple[int, ...]], dict[tuple[str, str, int], tuple[int, float, float]]
]:
    """Per crossing lane and horizon, the model's and persistence's MAE on validation rows,
    and the horizons where the model scored worse than persistence (on at least
    :data:`MIN_VALIDATION_ROWS` rows). Kept for callers that compare with persistence only;
    :func:`fit_with_bands` uses :func:`baseline_where_better`."""
    worse: dict[tuple[str, str], list[int]] = {}
    scores: dict[tuple[str, str, int], tuple[int, float, float]] = {}
    for k, parts in rows_by_h.items():
        for rows in parts:
            n = len(rows.truth)
            if n == 0:
                continue
            mae_model = float(np.mean(np.abs(rows.forecast - rows.truth)))
            mae_now = float(np.mean(np.abs(rows.now - rows.truth)))
            scores[(rows.key[0], rows.key[1], k)] = (n, round(mae_model, 3), round(mae_now, 3))
            if n >= MIN_VALIDATION_ROWS and mae_model > mae_now:
                worse.setdefault(rows.key, []).append(k)
    return {key: tuple(sorted(ks)) for key, ks in worse.items()}, scores


def fit_with_bands(
    observations: Iterable[WaitObservation],
    *,
    rng: np.random.Generator,
    horizons_h: Sequence[int] = HORIZONS_H,
    max_iter: int = 500,
    max_rows: int | None = None,
    holdout: timedelta = HOLDOUT,
    min_train_span: timedelta = MIN_TRAIN_SPAN,
) -> WaitForecaster:
    """:func:`fit_forecaster` on all ``observations``, with 80 % ranges measured on the last
    ``holdout`` (two weeks) by a model trained on the readings before (none if those span
    under ``min_train_span``). Twice the work of :func:`fit_forecaster`: two fits.

    The same held-out forecasts are the lanes' validation data, all from inside the training
    period: where the model scored worse than the better of persistence and the hour-of-week
    mean on a crossing lane at a horizon (by more than :data:`FALLBACK_MARGIN`), the forecast
    serves that baseline there (``model.fallbacks``; ``model.persistence`` lists the
    horizons served by persistence; the scores are in ``model.validation``)."""
    fit = partial(
        fit_forecaster, rng=rng, horizons_h=horizons_h, max_iter=max_iter, max_rows=max_rows
    )
    obs = sorted(observations, key=lambda o: o.at_utc)
    rows_by_h: dict[int, list[HeldOutRows]] = {}
    if obs:
        cut = obs[-1].at_utc - holdout
        early = [o for o in obs if o.at_utc <= cut]
        if early and cut - early[0].at_utc >= min_train_span:
            probe = fit(early)
            tail = [o for o in obs if o.at_utc > cut - HISTORY]
            rows_by_h = _held_out(probe, tail, after=cut)
    model = fit(obs)
    model.bands = _bands_of(rows_by_h)
    model.persistence_bands = _bands_of(rows_by_h, around_now=True)
    model.hour_of_week_bands = _bands_of(rows_by_h, around_how=True)
    model.fallbacks, model.validation = baseline_where_better(rows_by_h)
    model.persistence = {
        key: tuple(sorted(k for k, how in by_h.items() if how == PERSISTENCE))
        for key, by_h in model.fallbacks.items()
        if PERSISTENCE in by_h.values()
    }
    return model


@dataclass(frozen=True)
class Coverage:
    """How often the published wait fell inside the forecast's range, and its mean width."""

    n: int
    inside: float
    mean_width_min: float


def band_coverage(
    forecaster: WaitForecaster,
    observations: Iterable[WaitObservation],
    *,
    horizon_h: int,
    after: datetime | None = None,
    crossings: set[str] | None = None,
) -> Coverage:
    """Coverage of ``forecaster``'s ranges on held-out ``observations`` at one horizon."""
    rows = held_out_rows(forecaster, observations, horizon_h=horizon_h, after=after)
    if crossings is not None:
        rows = [r for r in rows if r.key[0] in crossings]
    return coverage_of(rows, forecaster.bands, horizon_h=horizon_h)


def coverage_of(
    rows: Iterable[HeldOutRows],
    bands: dict[BandKey, tuple[float, float]],
    *,
    horizon_h: int,
    around_now: bool = False,
) -> Coverage:
    """Coverage of ``bands`` on scored rows, around each forecast (or, ``around_now``, around
    the wait now: a range built on persistence)."""
    n, inside, width = 0, 0, 0.0
    for r in rows:
        centers = r.now if around_now else r.forecast
        for center, now, truth in zip(centers, r.now, r.truth, strict=True):
            band = band_for(bands, r.key[1], horizon_h, float(now))
            if band is None:
                continue
            low, high = around(float(center), band)
            n += 1
            inside += int(low <= truth <= high)
            width += high - low
    return Coverage(n, inside / n if n else 0.0, width / n if n else 0.0)


__all__ = [
    "BAND_QUANTILES",
    "Coverage",
    "band_coverage",
    "FALLBACK_MARGIN",
    "HOUR_OF_WEEK",
    "PERSISTENCE",
    "bands_from_errors",
    "baseline_where_better",
    "coverage_of",
    "fit_with_bands",
    "held_out_errors",
    "persistence_where_better",
]
