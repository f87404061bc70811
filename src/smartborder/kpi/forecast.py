"""Wait-time forecasts per crossing and lane type, 1 to 6 hours ahead.

One gradient-boosting model per horizon (LightGBM, L1 objective; scikit-learn's
``HistGradientBoostingRegressor`` before issue 15) is shared by every crossing and lane type, with the crossing and lane as categorical
features; see :mod:`smartborder.kpi.forecast_features` for the features and why they cannot
see the future. :func:`evaluate_forecaster` scores a model on a held-out archive beside two
baselines: persistence (the wait now) and the hour-of-week mean of the training data.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import BaseModel, Field
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from smartborder.i18n import Text
from smartborder.kpi.forecast_errors import ModelUnreadable
from smartborder.kpi.forecast_features import (
    CATEGORICAL,
    FEATURE_NAMES,
    Calendar,
    FloatArray,
    Series,
    WaitObservation,
    build_series,
    calendar,
    hour_datetime,
    hour_index,
    hour_of_week_profile,
    port_code_of,
    port_zone,
    profile_at,
    profile_at_leave_week_out,
    series_features,
)

if TYPE_CHECKING:  # LightGBM costs a fraction of a second of import: loaded by fit
    from lightgbm import LGBMRegressor
from smartborder.kpi.forecast_range import BandKey, around, band_for

MAX_HORIZON_H = 6
HORIZONS_H: tuple[int, ...] = tuple(range(1, MAX_HORIZON_H + 1))
MODEL_VERSION = 3  # 2: ranges (bands) around forecasts; 3: LightGBM, issue 15's features


class CalendarCache:
    """Calendars per time zone over one span of hours (built once, sliced per series)."""

    def __init__(self, series: Iterable[Series], *, pad_h: int = MAX_HORIZON_H) -> None:
        spans = [(s.start, s.stop) for s in series]
        self.start = min((a for a, _ in spans), default=0)
        self.stop = max((b for _, b in spans), default=0) + pad_h
        self._by_zone: dict[str, Calendar] = {}

    def for_crossing(self, crossing: str) -> Calendar:
        zone = port_zone(crossing)
        if zone not in self._by_zone:
            self._by_zone[zone] = calendar(zone, self.start, self.stop)
        return self._by_zone[zone]


class ModelHistory(BaseModel):
    """What a trained model stands on: published waits, lanes and the span they cover."""

    readings: int = Field(description="Hourly waits the model was trained on.")
    series: int = Field(description="Crossing lanes among them.")
    first_utc: datetime
    last_utc: datetime
    source: str = Field(
        default="published_waits",
        description="published_waits (the BWT feed or archive), or twin_and_feed (the demo's "
        "warm start: waits simulated by the twin, then this node's own feed).",
    )


MIN_HISTORY_READINGS = 6  # fewer published waits in the last 8 days: persistence, said so


@dataclass
class WaitForecaster:
    """A trained forecaster: one model per horizon plus the training hour-of-week profiles."""

    crossings: list[str]
    profiles: dict[tuple[str, str], FloatArray]
    means: dict[tuple[str, str], float]
    models: dict[int, LGBMRegressor] = field(default_factory=dict)
    bases: dict[int, str] = field(default_factory=dict)  # horizon -> "now" or "profile"
    # 80 % ranges: error percentiles per (lane, horizon, level of the wait now), measured on
    # weeks the model was not trained on (smartborder.kpi.forecast_bands.fit_with_bands).
    bands: dict[BandKey, tuple[float, float]] = field(default_factory=dict)
    trained_rows: int = 0
    version: int = MODEL_VERSION
    # Where the model scored worse than the better baseline on a lane's validation data (the
    # weeks held out by fit_with_bands, inside the training period): (crossing, lane) ->
    # horizons served by persistence; the scores behind that choice (n, MAE of the model,
    # of persistence, of the hour-of-week mean); and ranges measured around persistence.
    persistence: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    validation: dict[tuple[str, str, int], tuple[float, ...]] = field(default_factory=dict)
    persistence_bands: dict[BandKey, tuple[float, float]] = field(default_factory=dict)
    history: ModelHistory | None = None
    # (crossing, lane) -> {horizon: "persistence" or "hour_of_week_mean"}: the baseline served
    # where the model lost on validation (models before this field: ``persistence`` only).
    fallbacks: dict[tuple[str, str], dict[int, str]] = field(default_factory=dict)
    hour_of_week_bands: dict[BandKey, tuple[float, float]] = field(default_factory=dict)

    def fallback_of(self, key: tuple[str, str], horizon_h: int) -> str | None:
        """The baseline served on lane ``key`` at ``horizon_h`` instead of the model, if any."""
        chosen: dict[int, str] | None = getattr(self, "fallbacks", {}).get(key)
        if chosen is not None:
            return chosen.get(horizon_h)
        return "persistence" if horizon_h in self.persistence.get(key, ()) else None

    def crossing_code(self, crossing: str) -> int:
        """Index in the vocabulary; -1 for a crossing unseen in training (treated as missing)."""
        try:
            return self.crossings.index(crossing)
        except ValueError:
            return -1

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)

    @staticmethod
    def load(path: Path) -> WaitForecaster:
        """Load a model written by :meth:`save` (a pickle: load only files you wrote)."""
        model = pickle.loads(path.read_bytes())
        if not isinstance(model, WaitForecaster) or model.version != MODEL_VERSION:
            raise ValueError(f"{path} is not a SmartBorder forecast model v{MODEL_VERSION}")
        return model


def model_path(home: Path) -> Path:
    """Where ``smartborder kpi forecast-train`` writes the model and the API reads it."""
    return home / "models" / "wait-forecast.pkl"


_LOADED: dict[Path, tuple[float, WaitForecaster]] = {}
_LOADED_LOCK = Lock()


def load_model_cached(path: Path) -> WaitForecaster | None:
    """The model at ``path`` (reloaded when the file changes), or None if there is none;
    raises :class:`ModelUnreadable` for a file that is not a model of this version."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _LOADED_LOCK:
        hit = _LOADED.get(path)
        if hit is not None and hit[0] == mtime:
            return hit[1]
        try:
            model = WaitForecaster.load(path)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError) as exc:
            raise ModelUnreadable(
                Text(
                    f"The forecast model {path} cannot be loaded ({exc.__class__.__name__}); retrain it with smartborder kpi forecast-train.",
                    f"No se puede cargar el modelo de pronóstico {path} ({exc.__class__.__name__}); vuelva a entrenarlo con smartborder kpi forecast-train.",
                )
            ) from exc
        _LOADED[path] = (mtime, model)
        return model


class ForecastCache:
    """Forecasts by (model, crossing, lane, last published wait): a forecast changes only when
    a new wait is published or the model is retrained, so repeated reads (the dashboard, many
    users) skip the six tree ensembles. Bounded; the oldest entries are dropped first."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._items: dict[tuple[object, ...], SeriesForecast] = {}
        self._lock = Lock()

    def get(self, key: tuple[object, ...]) -> SeriesForecast | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple[object, ...], value: SeriesForecast) -> None:
        with self._lock:
            if len(self._items) >= self.max_entries:
                for old in list(self._items)[: self.max_entries // 4]:
                    del self._items[old]
            self._items[key] = value


def _rows(
    forecaster: WaitForecaster,
    series: Series,
    horizon_h: int,
    cal: Calendar,
    *,
    leave_week_out: bool = False,
) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Features, label (wait at t+h; NaN if unpublished) and wait now for every issue hour.

    ``leave_week_out`` (training only) reads profiles that exclude the label's own week.
    """
    code = forecaster.crossing_code(series.crossing)
    if leave_week_out:
        p_now = profile_at_leave_week_out(series, cal, 0)
        p_target = profile_at_leave_week_out(series, cal, horizon_h)
    else:
        profile = forecaster.profiles.get((series.crossing, series.lane))
        p_now = profile_at(profile, series, cal, 0)
        p_target = profile_at(profile, series, cal, horizon_h)
    x = series_features(
        series, horizon_h, crossing_code=code, profile_now=p_now, profile_target=p_target, cal=cal
    )
    if code < 0:
        x[:, 0] = np.nan
    y = np.full(len(series.wait), np.nan)
    if horizon_h < len(series.wait):
        y[:-horizon_h] = series.wait[horizon_h:]
    return x, y, series.wait


def _base(x: np.ndarray, now: FloatArray, kind: str) -> FloatArray:
    """What the model's output is added to: the wait now, or the usual wait at the target hour."""
    if kind == "now":
        return now
    prof = x[:, _PROFILE_TARGET]
    return np.where(np.isnan(prof), now, prof)


_PROFILE_TARGET = FEATURE_NAMES.index("profile_target")
_WAIT_NOW = FEATURE_NAMES.index("wait_now")
_WAIT_LAG1 = FEATURE_NAMES.index("wait_lag1")


def on_feed_grid(x: np.ndarray, pred: FloatArray) -> FloatArray:
    """Forecasts put on the grid the series publishes on: CBP publishes whole minutes, and
    mostly multiples of 5 (89 % of the June–July 2025 readings). Where the wait now and the
    wait an hour ago (if published) are multiples of 5 and the forecast is at least 5
    minutes, round to the nearest multiple of 5, else to the nearest minute.

    The absolute-error models estimate a median, and the median of a wait that moves in
    5-minute steps is itself on the grid. Chosen on the validation split (train March–June
    2025, validate July), where it lowered MAE at every horizon (1 h: 5.51 -> 5.46 min
    overall). Reads only the wait now and an hour ago, so it cannot see the future either.
    """
    now, lag1 = x[:, _WAIT_NOW], x[:, _WAIT_LAG1]
    with np.errstate(invalid="ignore"):
        grid5 = (now % 5 == 0) & (np.isnan(lag1) | (lag1 % 5 == 0)) & (pred >= 5)
    return np.where(grid5, np.round(pred / 5) * 5, np.round(pred))


def fit_forecaster(
    observations: Iterable[WaitObservation],
    *,
    rng: np.random.Generator,
    horizons_h: Sequence[int] = HORIZONS_H,
    max_iter: int = 500,
    learning_rate: float = 0.05,
    max_rows: int | None = None,
    threads: int = 1,
) -> WaitForecaster:
    """Train one model per horizon on an archive of observations.

    ``max_rows`` caps the training rows per horizon (a random subset drawn with ``rng``),
    for quick fits in tests. ``threads`` is LightGBM's thread count: on a shared machine one
    thread is much faster than one per core, whose threads spin while waiting.
    """
    series = build_series(observations)
    cals = CalendarCache(series.values())
    profiles: dict[tuple[str, str], FloatArray] = {}
    means: dict[tuple[str, str], float] = {}
    for key, s in series.items():
        profiles[key] = hour_of_week_profile(s, cals.for_crossing(s.crossing))
        means[key] = float(np.nanmean(s.wait))
    crossings = sorted({c for c, _ in series})[:250]  # HGB categories must stay below 255
    fc = WaitForecaster(crossings=crossings, profiles=profiles, means=means)
    n_obs = sum(int(np.count_nonzero(~np.isnan(s.wait))) for s in series.values())
    if series:
        fc.history = ModelHistory(
            readings=n_obs,
            series=len(series),
            first_utc=hour_datetime(min(s.start for s in series.values())),
            last_utc=hour_datetime(max(s.stop for s in series.values()) - 1),
        )
    # Chosen on a validation split inside the training period (train Mar–Jun 2025, validate
    # Jul): from 3 h ahead the usual wait at the target hour is the better anchor.
    fc.bases = {k: "now" if k <= 2 else "profile" for k in horizons_h}
    for k in horizons_h:
        if not 1 <= k <= MAX_HORIZON_H:
            raise ValueError(f"horizon {k} h outside 1..{MAX_HORIZON_H}")
        xs, ys = [], []
        for s in series.values():
            x, y, now = _rows(fc, s, k, cals.for_crossing(s.crossing), leave_week_out=True)
            keep = ~np.isnan(y) & ~np.isnan(now)
            xs.append(x[keep])
            ys.append(y[keep] - _base(x[keep], now[keep], fc.bases.get(k, "now")))
        x_all = np.vstack(xs) if xs else np.empty((0, len(FEATURE_NAMES)))
        y_all = np.concatenate(ys) if ys else np.empty(0)
        if max_rows is not None and len(y_all) > max_rows:
            pick = rng.choice(len(y_all), size=max_rows, replace=False)
            x_all, y_all = x_all[pick], y_all[pick]
        if len(y_all) < 50:
            raise ValueError(f"too few training rows ({len(y_all)}) for horizon {k} h")
        import lightgbm as lgb

        # LightGBM with the L1 objective (a median, as the loss MAE asks for), the tree sizes
        # chosen for scikit-learn's HistGradientBoostingRegressor on the validation split
        # (Mar-Jun / Jul 2025: 63 leaves of >= 100 rows, L2 1.0), plus bagging of rows (80 %)
        # and features (80 %). Issue 15: on Aug-Sep 2025, each month trained on the months
        # before, it lowered 60-minute MAE at all four target ports against the same model in
        # scikit-learn (improvement over the better baseline San Ysidro +9.5 -> +9.9 %, Otay
        # Mesa +4.3 -> +5.8 %, Laredo +12.1 -> +13.9 %, El Paso +11.4 -> +13.1 %).
        model = lgb.LGBMRegressor(
            objective="l1",
            learning_rate=learning_rate,
            n_estimators=max_iter,
            num_leaves=63,
            min_child_samples=100,
            reg_lambda=1.0,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            n_jobs=threads,
            verbose=-1,
            random_state=int(rng.integers(2**31 - 1)),
        )
        model.fit(x_all, y_all, categorical_feature=list(CATEGORICAL))
        fc.models[k] = model
        fc.trained_rows += len(y_all)
    return fc


class ForecastPoint(BaseModel):
    """The forecast wait at one future hour, and the range the published wait fell in 80 %
    of the time on weeks the model was not trained on (None where not measured)."""

    horizon_h: int = Field(description="Hours after the last published wait (1-6).")
    at_utc: datetime = Field(description="The hour forecast, UTC.")
    at_local: datetime = Field(description="The same hour in the port's local time (with offset).")
    method: str = Field(
        default="gradient_boosting",
        description="gradient_boosting, hour_of_week_mean, or persistence (the wait now).",
    )
    wait_min: float = Field(description="Forecast wait, minutes (on the feed's grid).")
    low_min: float | None = Field(
        default=None,
        description="Low end of the 80 % range (minutes); null without a measured range.",
    )
    high_min: float | None = Field(
        default=None,
        description="High end of the 80 % range (minutes); null without a measured range.",
    )


class LaneValidation(BaseModel):
    """One horizon of a lane scored on validation data the model was not trained on."""

    horizon_h: int
    n: int
    mae_model: float
    mae_persistence: float
    mae_hour_of_week: float | None = Field(
        default=None, description="The training hour-of-week mean's MAE (None: not measured)."
    )


class SeriesForecast(BaseModel):
    crossing: str
    lane: str
    issued_from_utc: datetime  # the last published wait the forecast starts from
    issued_from_local: datetime = Field(description="The same, in the port's local time.")
    time_zone: str = Field(description="The port's IANA time zone, e.g. America/Los_Angeles.")
    wait_now_min: float
    method: str  # "gradient_boosting", "hour_of_week_mean" (no trained model) or "persistence"
    history_readings: int = Field(
        description="Published waits of this lane the forecast read (the last 8 days)."
    )
    history_hours: int = Field(description="Hours from the first of them to the last.")
    fallback: str | None = Field(
        default=None,
        description="Why a simpler method serves some or all points: too_little_history "
        f"(under {MIN_HISTORY_READINGS} published waits), no_model, "
        "worse_than_persistence or worse_than_hour_of_week_mean (the model scored worse than "
        "that baseline, the better of the two, on this lane's validation data at those "
        "horizons, inside the training period).",
    )
    model_history: ModelHistory | None = Field(
        default=None, description="What the trained model stands on (None without one)."
    )
    validation: list[LaneValidation] = Field(
        default_factory=list,
        description="The model's and persistence's MAE on this lane's validation data.",
    )
    points: list[ForecastPoint]


def _local(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone)


def forecast(forecaster: WaitForecaster | None, series: Series) -> SeriesForecast | None:
    """Forecast 1..6 h after the last published wait of ``series`` (None if it has none).

    Without a trained model, the hour-of-week mean of ``series`` itself is served (and
    labelled so), falling back to the last wait where an hour was never observed.
    """
    last = series.last_observed()
    if last is None:
        return None
    i = last - series.start
    now = float(series.wait[i])
    observed = np.flatnonzero(~np.isnan(series.wait))
    zone = ZoneInfo(port_zone(series.crossing))
    cals = CalendarCache([series])
    cal = cals.for_crossing(series.crossing)
    points: list[ForecastPoint] = []
    fallback: str | None = None
    key = (series.crossing, series.lane)

    def point(k: int, value: float, method: str, band: tuple[float, float] | None) -> ForecastPoint:
        low, high = around(value, band) if band is not None else (None, None)
        at = hour_datetime(last + k)
        return ForecastPoint(
            horizon_h=k,
            at_utc=at,
            at_local=_local(at, zone),
            method=method,
            wait_min=round(value, 1),
            low_min=low,
            high_min=high,
        )

    model = forecaster if forecaster is not None and forecaster.models else None
    persistence_bands = getattr(forecaster, "persistence_bands", {}) if forecaster else {}
    if len(observed) < MIN_HISTORY_READINGS:
        # Too little to read a pattern from: the wait now, said so.
        fallback = "too_little_history"
        for k in HORIZONS_H:
            points.append(
                point(k, now, "persistence", band_for(persistence_bands, series.lane, k, now))
            )
        method = "persistence"
    elif model is None:
        fallback = "no_model"
        profile = hour_of_week_profile(series, cal)
        how = cal.hour_of_week
        for k in HORIZONS_H:
            value = profile[how[last + k - cal.start]]
            value = now if np.isnan(value) else float(value)
            points.append(point(k, value, "hour_of_week_mean", None))
        method = "hour_of_week_mean"
    else:
        served_by_model = 0
        how_bands = getattr(model, "hour_of_week_bands", {})
        with threadpool_limits(limits=1):  # one row per model: waking an OpenMP pool costs more
            for k in sorted(model.models):
                chosen = model.fallback_of(key, k)
                if chosen == "persistence":
                    fallback = fallback or "worse_than_persistence"
                    band = band_for(persistence_bands, series.lane, k, now)
                    points.append(point(k, now, "persistence", band))
                    continue
                if chosen == "hour_of_week_mean":
                    fallback = fallback or "worse_than_hour_of_week_mean"
                    usual = float(baseline_hour_of_week(model, series, k, cal)[i])
                    band = band_for(how_bands, series.lane, k, now)
                    points.append(point(k, usual, "hour_of_week_mean", band))
                    continue
                served_by_model += 1
                x, _, _ = _rows(model, series, k, cal)
                row = x[i : i + 1]
                delta = model.models[k].predict(row)
                base = _base(row, series.wait[i : i + 1], model.bases.get(k, "now"))
                value = float(on_feed_grid(row, np.maximum(0.0, base + delta))[0])
                points.append(
                    point(k, value, "gradient_boosting", band_for(model.bands, series.lane, k, now))
                )
        method = (
            "gradient_boosting"
            if served_by_model
            else points[0].method
            if points
            else "persistence"
        )
    scores = getattr(forecaster, "validation", {}) if forecaster is not None else {}
    validation = [
        LaneValidation(
            horizon_h=k,
            n=int(v[0]),
            mae_model=v[1],
            mae_persistence=v[2],
            mae_hour_of_week=v[3] if len(v) > 3 else None,
        )
        for (c, ln, k), v in sorted(scores.items())
        if (c, ln) == key
    ]
    issued = hour_datetime(last)
    return SeriesForecast(
        crossing=series.crossing,
        lane=series.lane,
        issued_from_utc=issued,
        issued_from_local=_local(issued, zone),
        time_zone=zone.key,
        wait_now_min=now,
        method=method,
        history_readings=len(observed),
        history_hours=int(observed[-1] - observed[0]) + 1 if len(observed) else 0,
        fallback=fallback,
        model_history=getattr(forecaster, "history", None) if model is not None else None,
        validation=validation,
        points=points,
    )


class SeriesScore(BaseModel):
    """MAE (minutes) of the model and both baselines on the same held-out rows."""

    crossing: str
    lane: str
    n: int
    mae_model: float
    mae_persistence: float
    mae_hour_of_week: float

    @property
    def best_baseline(self) -> float:
        return min(self.mae_persistence, self.mae_hour_of_week)

    @property
    def improvement(self) -> float:
        """Fractional MAE reduction against the better baseline (0.2 = 20 % lower)."""
        b = self.best_baseline
        return 0.0 if b == 0 else 1.0 - self.mae_model / b


class Evaluation(BaseModel):
    horizon_min: int
    train_rows: int
    series: list[SeriesScore]
    ports: list[SeriesScore]  # pooled over each port's crossings and lanes (lane "*")
    overall: SeriesScore


@dataclass
class _Pool:
    n: int = 0
    model: float = 0.0
    pers: float = 0.0
    how: float = 0.0

    def add(self, em: FloatArray, ep: FloatArray, eh: FloatArray) -> None:
        self.n += len(em)
        self.model += float(em.sum())
        self.pers += float(ep.sum())
        self.how += float(eh.sum())

    def score(self, crossing: str, lane: str) -> SeriesScore:
        d = max(self.n, 1)
        return SeriesScore(
            crossing=crossing,
            lane=lane,
            n=self.n,
            mae_model=round(self.model / d, 3),
            mae_persistence=round(self.pers / d, 3),
            mae_hour_of_week=round(self.how / d, 3),
        )


def baseline_hour_of_week(
    forecaster: WaitForecaster, series: Series, horizon_h: int, cal: Calendar
) -> FloatArray:
    """The training hour-of-week mean at each target hour (series mean, then now, as fallbacks)."""
    key = (series.crossing, series.lane)
    off = series.start - cal.start + horizon_h
    how = cal.hour_of_week[off : off + len(series.wait)]
    profile = forecaster.profiles.get(key)
    out = profile[how] if profile is not None else np.full(len(series.wait), np.nan)
    out = np.where(np.isnan(out), forecaster.means.get(key, np.nan), out)
    return np.where(np.isnan(out), series.wait, out)


@dataclass(frozen=True)
class HeldOutRows:
    """One series' scored rows at one horizon: the wait now, the truth, the hour-of-week
    baseline and the model's forecast (on the feed's grid)."""

    key: tuple[str, str]
    now: FloatArray
    truth: FloatArray
    hour_of_week: FloatArray
    forecast: FloatArray
    # What the product serves: the forecast, or the baseline chosen where the model lost on
    # the lane's validation data (None: the same as ``forecast``).
    served: FloatArray | None = None

    @property
    def served_forecast(self) -> FloatArray:
        return self.forecast if self.served is None else self.served


def held_out_rows(
    forecaster: WaitForecaster,
    observations: Iterable[WaitObservation],
    *,
    horizon_h: int,
    after: datetime | None = None,
) -> list[HeldOutRows]:
    """Forecasts ``horizon_h`` ahead for every issue hour of ``observations`` where a wait was
    published both then and ``horizon_h`` later (and, with ``after``, issued strictly after
    it), beside the truth and both baselines. Earlier observations still serve as history.
    """
    if horizon_h not in forecaster.models:
        raise ValueError(f"no model for horizon {horizon_h} h")
    series = build_series(observations)
    cals = CalendarCache(series.values())
    base_kind = forecaster.bases.get(horizon_h, "now")
    parts = []  # (key, features, wait now, truth, hour-of-week baseline) of the scored rows
    for key in sorted(series):
        s = series[key]
        cal = cals.for_crossing(s.crossing)
        x, y, now = _rows(forecaster, s, horizon_h, cal)
        keep = ~np.isnan(y) & ~np.isnan(now)
        if after is not None:
            keep &= s.start + np.arange(len(now)) > hour_index(after)
        if keep.any():
            how = baseline_hour_of_week(forecaster, s, horizon_h, cal)[keep]
            parts.append((key, x[keep], now[keep], y[keep], how))
    if not parts:
        return []
    x_all = np.vstack([p[1] for p in parts])
    with threadpool_limits(limits=1):  # one batch: per-series calls cost more than the trees
        delta = forecaster.models[horizon_h].predict(x_all)
    out, start = [], 0
    for key, x, now, truth, how in parts:
        d = delta[start : start + len(now)]
        start += len(now)
        pred = on_feed_grid(x, np.maximum(0.0, _base(x, now, base_kind) + d))
        chosen = forecaster.fallback_of(key, horizon_h)
        served = now if chosen == "persistence" else how if chosen == "hour_of_week_mean" else None
        out.append(HeldOutRows(key, now, truth, how, pred, served))
    return out


def evaluate_forecaster(
    forecaster: WaitForecaster,
    observations: Iterable[WaitObservation],
    *,
    horizon_h: int,
    after: datetime | None = None,
) -> Evaluation:
    """Score ``forecaster`` on held-out observations at one horizon.

    The rows are those of :func:`held_out_rows` (pass ``after`` = the end of the training data
    so no scored target was seen in training); what the product serves (the model, or the
    baseline chosen per lane on validation data) and both baselines are scored on exactly
    those rows.
    """
    scores: list[SeriesScore] = []
    ports: dict[str, _Pool] = {}
    total = _Pool()
    for rows in held_out_rows(forecaster, observations, horizon_h=horizon_h, after=after):
        truth = rows.truth
        em = np.abs(rows.served_forecast - truth)
        ep, eh = np.abs(rows.now - truth), np.abs(rows.hour_of_week - truth)
        pool = _Pool()
        pool.add(em, ep, eh)
        scores.append(pool.score(*rows.key))
        ports.setdefault(port_code_of(rows.key[0]), _Pool()).add(em, ep, eh)
        total.add(em, ep, eh)
    return Evaluation(
        horizon_min=horizon_h * 60,
        train_rows=forecaster.trained_rows,
        series=scores,
        ports=[p.score(code, "*") for code, p in sorted(ports.items())],
        overall=total.score("*", "*"),
    )
