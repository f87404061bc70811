"""Features for wait-time forecasts, built so that no future value can leak in.

Observations of one crossing and lane type are laid on an hourly grid (CBP's feed updates
about once an hour, on the hour). The features of an *issue hour* ``t`` read only grid cells
``<= t``; the label of a training row is the cell ``t + k``. Calendar features (hour, weekday,
U.S. and Mexican holidays) are taken at the target hour in the port's local time, which is
known in advance and so is not a leak.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import numpy as np
from numpy.typing import NDArray

from smartborder import ports
from smartborder.errors import SmartBorderError

FloatArray = NDArray[np.float64]

HOUR_S = 3600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Lane types as CBP's feed names them: <group>_<lanes>, e.g. "passenger_standard".
LANE_TYPES: tuple[str, ...] = (
    "commercial_standard",
    "commercial_fast",
    "passenger_standard",
    "passenger_sentri",
    "passenger_ready",
    "pedestrian_standard",
    "pedestrian_ready",
)

FEATURE_NAMES: tuple[str, ...] = (
    "crossing",  # categorical: index of the crossing in the model's vocabulary
    "lane",  # categorical: index in LANE_TYPES
    "horizon_h",
    "target_hour",
    "target_weekday",
    "issue_hour",
    "us_holiday",
    "mx_holiday",
    "holiday_eve",  # the day before a U.S. or Mexican holiday (travel peaks)
    "wait_now",
    "wait_lag1",
    "wait_lag2",
    "wait_lag3",
    "wait_mean24",
    "wait_same_hour_yesterday",
    "wait_same_hour_last_week",
    "lanes_now",
    "lanes_change1",
    "profile_target",  # training hour-of-week mean at the target hour
    "profile_now",  # training hour-of-week mean at the issue hour
    "trend1",  # wait now minus an hour ago
    "trend3",  # wait now minus three hours ago
    "anomaly_now",  # wait now minus its usual value at this hour of the week
    "profile_change",  # usual change from the issue hour to the target hour
    "profile_target_anomaly",  # usual value at the target hour plus today's anomaly
    "gap_to_profile",  # usual value at the target hour minus the wait now
    # Recent dynamics, for lanes that publish irregularly (lags on the hourly grid are then
    # mostly empty): the previous published wait and its age, the change to it, how long the
    # wait has stood still, and how many waits the last day published.
    "prev_wait",
    "prev_age_h",
    "change_from_prev",
    "hours_unchanged",
    "readings_24h",
    "wait_max24",
    # The recent usual wait at the target hour: the mean of the same hour on the last seven
    # days, and of the same hour of the week in the last four weeks (both read the past only,
    # since a horizon is under a day); they follow a season that drifts from the training one.
    "recent_same_hour7",
    "recent_same_how4",
)
CATEGORICAL = (0, 1)


@dataclass(frozen=True, slots=True)
class WaitObservation:
    """One published wait: crossing (CBP's six-digit port number), lane type, UTC time."""

    crossing: str
    lane: str
    at_utc: datetime
    wait_min: float
    lanes_open: int | None = None


@lru_cache(maxsize=512)
def port_zone(crossing: str) -> str:
    """The IANA time zone of a U.S.–Mexico crossing (its CBP wait-time number).

    From the ports registry; for a number it does not know, from the port code's district:
    23xx south Texas (Central), 24xx El Paso district (Mountain, but Presidio 2403 and
    Boquillas 2410 are in Central-time counties), 25xx California (Pacific), 26xx Arizona
    (Mountain Standard all year).
    """
    try:
        return ports.port_of_crossing(crossing).time_zone
    except SmartBorderError:
        pass
    port = crossing[:4]
    if port.startswith("25"):
        return "America/Los_Angeles"
    if port.startswith("26"):
        return "America/Phoenix"
    if port.startswith("24") and port not in ("2403", "2410"):
        return "America/Denver"
    return "America/Chicago"


@lru_cache(maxsize=512)
def port_code_of(crossing: str) -> str:
    """The 4-digit port a crossing's counts belong to (registry; else its first four digits)."""
    try:
        return ports.get_crossing(crossing).port_code
    except SmartBorderError:
        return crossing[:4]


def hour_index(at: datetime) -> int:
    """Whole hours since the Unix epoch, rounding to the nearest hour."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return int(round((at - EPOCH).total_seconds() / HOUR_S))


def hour_datetime(index: int) -> datetime:
    return EPOCH + timedelta(hours=index)


@lru_cache(maxsize=8)
def _holiday_sets(years: tuple[int, ...]) -> tuple[frozenset[date], frozenset[date]]:
    us = frozenset(holidays.country_holidays("US", years=list(years)).keys())
    mx = frozenset(holidays.country_holidays("MX", years=list(years)).keys())
    return us, mx


@dataclass(frozen=True, slots=True)
class Calendar:
    """Local hour, weekday and holiday flags for each hour of a span, in one zone."""

    start: int
    hour: FloatArray
    weekday: FloatArray
    us_holiday: FloatArray
    mx_holiday: FloatArray
    holiday_eve: FloatArray

    @property
    def hour_of_week(self) -> NDArray[np.int64]:
        return (self.weekday * 24 + self.hour).astype(np.int64)


def calendar(zone: str, start: int, stop: int) -> Calendar:
    """The calendar of hours ``start .. stop-1`` (hour indexes) in ``zone``."""
    tz = ZoneInfo(zone)
    n = max(0, stop - start)
    hour = np.empty(n)
    weekday = np.empty(n)
    days: list[date] = []
    for j in range(n):
        local = hour_datetime(start + j).astimezone(tz)
        hour[j] = local.hour
        weekday[j] = local.weekday()
        days.append(local.date())
    years = tuple(sorted({d.year for d in days} | {d.year + 1 for d in days})) or (2000,)
    us, mx = _holiday_sets(years)
    us_h = np.array([d in us for d in days], dtype=float)
    mx_h = np.array([d in mx for d in days], dtype=float)
    eve = np.array([(d + timedelta(days=1)) in us or (d + timedelta(days=1)) in mx for d in days])
    return Calendar(start, hour, weekday, us_h, mx_h, eve.astype(float))


@dataclass
class Series:
    """One crossing and lane type on an hourly grid; NaN where nothing was published."""

    crossing: str
    lane: str
    start: int  # hour index of cell 0
    wait: FloatArray
    lanes: FloatArray

    @property
    def stop(self) -> int:
        return self.start + len(self.wait)

    def last_observed(self) -> int | None:
        """Hour index of the last published wait, or None."""
        seen = np.flatnonzero(~np.isnan(self.wait))
        return None if len(seen) == 0 else self.start + int(seen[-1])


def build_series(observations: Iterable[WaitObservation]) -> dict[tuple[str, str], Series]:
    """Group observations by (crossing, lane type) onto hourly grids.

    Two observations in the same hour keep the one with the later update time. The feed
    sometimes revises a wait without moving its update time (0.6 % of the September 2025
    readings); of those, the first published is kept, as the store keeps it (the importer
    deduplicates by crossing, lane type and update time): a later revision was not known at
    that hour, so keeping it would let a forecast read the future.
    """
    grouped: dict[tuple[str, str], list[tuple[int, datetime, int, float, float]]] = defaultdict(
        list
    )
    for seq, o in enumerate(observations):
        at = o.at_utc if o.at_utc.tzinfo else o.at_utc.replace(tzinfo=UTC)
        open_ = float(o.lanes_open) if o.lanes_open is not None else np.nan
        grouped[(o.crossing, o.lane)].append((hour_index(at), at, -seq, float(o.wait_min), open_))
    out: dict[tuple[str, str], Series] = {}
    for key, rows in grouped.items():
        # Written in order of update time, then of publication reversed: the last write to a
        # cell is its latest update time as first published.
        rows.sort(key=lambda r: (r[1], r[2]))
        start = min(r[0] for r in rows)
        stop = max(r[0] for r in rows) + 1
        wait = np.full(stop - start, np.nan)
        lanes_open = np.full(stop - start, np.nan)
        for h, _, _, w, ln in rows:
            wait[h - start] = w
            lanes_open[h - start] = ln
        out[key] = Series(key[0], key[1], start, wait, lanes_open)
    return out


def _shift(a: FloatArray, lag: int) -> FloatArray:
    """``out[i] = a[i - lag]`` (NaN before the start); lag >= 0 only, so never the future."""
    if lag < 0:
        raise ValueError("a lag reads the past only")
    out = np.full_like(a, np.nan)
    if lag == 0:
        out[:] = a
    elif lag < len(a):
        out[lag:] = a[:-lag]
    return out


def _trailing_mean(a: FloatArray, window: int) -> FloatArray:
    """Mean of the observed values in ``a[i-window+1 .. i]`` (NaN if none)."""
    valid = ~np.isnan(a)
    csum = np.concatenate([[0.0], np.cumsum(np.where(valid, a, 0.0))])
    ccount = np.concatenate([[0.0], np.cumsum(valid)])
    idx = np.arange(len(a))
    lo = np.maximum(idx - window + 1, 0)
    total = csum[idx + 1] - csum[lo]
    count = ccount[idx + 1] - ccount[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _previous_published(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    """For each cell, the last published value strictly before it and its age in hours
    (NaN where there is none); reads only cells ``< i``."""
    n = len(a)
    idx = np.arange(n)
    seen = np.where(~np.isnan(a), idx, -1)
    last_incl = np.maximum.accumulate(seen) if n else seen
    before = np.concatenate([[-1], last_incl[:-1]]) if n else last_incl
    value = np.where(before >= 0, a[np.maximum(before, 0)], np.nan)
    age = np.where(before >= 0, idx - before, np.nan).astype(float)
    return value, age


def _hours_unchanged(a: FloatArray) -> FloatArray:
    """Hours since the published wait last took a different value (reads cells ``<= i``);
    NaN where the cell itself is unpublished."""
    out = np.full(len(a), np.nan)
    idx = np.flatnonzero(~np.isnan(a))
    if len(idx) == 0:
        return out
    v = a[idx]
    changed = np.concatenate([[True], v[1:] != v[:-1]])
    since = np.maximum.accumulate(np.where(changed, idx, -1))
    out[idx] = idx - since
    return out


def _trailing_max(a: FloatArray, window: int) -> FloatArray:
    """Max of the observed values in ``a[i-window+1 .. i]`` (NaN if none)."""
    from numpy.lib.stride_tricks import sliding_window_view

    if len(a) == 0:
        return a.copy()
    padded = np.concatenate([np.full(window - 1, np.nan), a])
    view = sliding_window_view(padded, window)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out: FloatArray = np.nanmax(view, axis=1)
    return out


def _mean_of_lags(a: FloatArray, lags: list[int]) -> FloatArray:
    """Mean of the published values among ``a[i - lag]`` (NaN if none); lags > 0 only."""
    total = np.zeros(len(a))
    count = np.zeros(len(a))
    for lag in lags:
        v = _shift(a, lag)
        seen = ~np.isnan(v)
        total += np.where(seen, v, 0.0)
        count += seen
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def series_features(
    series: Series,
    horizon_h: int,
    *,
    crossing_code: int,
    profile_now: FloatArray,
    profile_target: FloatArray,
    cal: Calendar,
) -> NDArray[np.float64]:
    """The feature matrix (one row per grid cell as issue hour) for ``horizon_h`` ahead.

    Row ``i`` reads ``series.wait[:i+1]`` and ``series.lanes[:i+1]`` only (all through
    :func:`_shift` with non-negative lags), plus the calendar and the training profile at
    the issue and target hours (``profile_now[i]``, ``profile_target[i]``, from
    :func:`profile_at` or :func:`profile_at_leave_week_out`). ``cal`` must cover
    ``series.start .. stop + horizon_h``.
    """
    n = len(series.wait)
    w = series.wait
    k = horizon_h
    off = series.start - cal.start
    issue = slice(off, off + n)
    target = slice(off + k, off + k + n)
    prof_now, prof_target = profile_now, profile_target
    lane_code = LANE_TYPES.index(series.lane) if series.lane in LANE_TYPES else len(LANE_TYPES)
    lag1, lag3 = _shift(w, 1), _shift(w, 3)
    prev, prev_age = _previous_published(w)
    valid = (~np.isnan(w)).astype(float)
    cols = [
        np.full(n, float(crossing_code)),
        np.full(n, float(lane_code)),
        np.full(n, float(k)),
        cal.hour[target],
        cal.weekday[target],
        cal.hour[issue],
        cal.us_holiday[target],
        cal.mx_holiday[target],
        cal.holiday_eve[target],
        w,
        lag1,
        _shift(w, 2),
        lag3,
        _trailing_mean(w, 24),
        _shift(w, 24 - k),
        _shift(w, 168 - k),
        series.lanes,
        series.lanes - _shift(series.lanes, 1),
        prof_target,
        prof_now,
        w - lag1,
        w - lag3,
        w - prof_now,
        prof_target - prof_now,
        prof_target + (w - prof_now),
        prof_target - w,
        prev,
        prev_age,
        w - prev,
        _hours_unchanged(w),
        _trailing_mean(valid, 24) * np.minimum(np.arange(1, n + 1), 24),
        _trailing_max(w, 24),
        _mean_of_lags(w, [24 * d - k for d in range(1, 8)]),
        _mean_of_lags(w, [168 * d - k for d in range(1, 5)]),
    ]
    return np.column_stack(cols)


def hour_of_week_profile(series: Series, cal: Calendar) -> FloatArray:
    """Mean wait in each of the 168 local hours of the week (NaN where never observed)."""
    off = series.start - cal.start
    how = cal.hour_of_week[off : off + len(series.wait)]
    valid = ~np.isnan(series.wait)
    sums = np.bincount(how[valid], weights=series.wait[valid], minlength=168)
    counts = np.bincount(how[valid], minlength=168)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def profile_at(
    profile: FloatArray | None, series: Series, cal: Calendar, shift_h: int
) -> FloatArray:
    """``profile`` read at the hour of week of each cell ``i + shift_h`` (NaN if no profile)."""
    n = len(series.wait)
    if profile is None:
        return np.full(n, np.nan)
    off = series.start - cal.start + shift_h
    return profile[cal.hour_of_week[off : off + n]]


def profile_at_leave_week_out(series: Series, cal: Calendar, shift_h: int) -> FloatArray:
    """Like :func:`profile_at` with the series' own profile, but each cell ``i + shift_h``
    reads a profile that leaves out the week holding that cell.

    For training rows: the profile at the target hour must not contain the label itself,
    or the model learns to trust the profile more than it deserves on unseen weeks.
    """
    n = len(series.wait)
    off = series.start - cal.start
    how_all = cal.hour_of_week[off : off + n]
    week_all = (series.start + np.arange(n)) // 168
    valid = ~np.isnan(series.wait)
    w0 = int(week_all.min()) if n else 0
    nweeks = int(week_all.max()) - w0 + 1 if n else 1
    cell = (week_all - w0) * 168 + how_all
    wsum = np.bincount(cell[valid], weights=series.wait[valid], minlength=nweeks * 168)
    wcnt = np.bincount(cell[valid], minlength=nweeks * 168).astype(float)
    tsum = wsum.reshape(nweeks, 168).sum(axis=0)
    tcnt = wcnt.reshape(nweeks, 168).sum(axis=0)
    idx = np.arange(n) + shift_h
    how = cal.hour_of_week[off + idx]
    week = (series.start + idx) // 168 - w0
    inside = week < nweeks
    own = np.where(inside, (np.minimum(week, nweeks - 1)) * 168 + how, 0)
    s = tsum[how] - np.where(inside, wsum[own], 0.0)
    c = tcnt[how] - np.where(inside, wcnt[own], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / np.maximum(c, 1), np.nan)
