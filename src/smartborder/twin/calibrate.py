"""Calibration: a scenario for one crossing and mode built from real data.

- Daily volume: the port's latest 12 months in BTS Border Crossing Entry Data (read with
  :func:`smartborder.kpi.parse_bts`), shared among the port's crossings in proportion to their
  maximum lanes for the mode (BTS counts ports, not crossings).
- Booths open by hour of day and lane type: the mean ``lanes_open`` in the Border Wait Times
  archive (read with :func:`smartborder.kpi.parse_bwt`), by local hour at the port.
- Hourly demand shape: proportional to the lanes open in all lane types (CBP staffs to demand;
  the feed publishes no volumes). Traveler classes are split across lane types in proportion to
  their lanes open over the day.
- Primary times: each lane type's default mean is scaled by a factor found by golden-section
  search so the simulated hourly mean waits match the feed's ``delay_minutes``; the fit is the
  mean absolute error of hourly mean waits per lane type.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from smartborder.i18n import Text
from smartborder.kpi import (
    PLATFORM_LANE,
    PLATFORM_MODE,
    iter_snapshot_sources,
    parse_bts,
    parse_bwt,
)
from smartborder.ports import PRIMARY_INSPECTION_S, get_crossing, get_port, zone_of
from smartborder.twin._refdata import LaneType, Mode
from smartborder.twin.errors import CalibrationFailed
from smartborder.twin.results import RunResult
from smartborder.twin.scenario import FAST_TRUCK_PRIMARY_S, Scenario
from smartborder.twin.simulate import simulate

Progress = Callable[[int, int], None]

BTS_MEASURE: dict[Mode, str] = {
    Mode.PASSENGER_VEHICLE: "Personal Vehicles",
    Mode.PEDESTRIAN: "Pedestrians",
    Mode.COMMERCIAL: "Trucks",
}
# Relative primary times by lane type before fitting (trusted travelers are vetted in advance).
_BASE_FACTOR: dict[LaneType, float] = {
    LaneType.SENTRI: 0.7,
    LaneType.READY: 1.0,
    LaneType.GENERAL: 1.3,
    LaneType.FAST: 1.0,
    LaneType.PRECLEARED: 0.7,
}
# Lanes a class may use, preferred first, per lane type the class is named after.
_ELIGIBLE: dict[LaneType, list[LaneType]] = {
    LaneType.SENTRI: [LaneType.SENTRI, LaneType.READY, LaneType.GENERAL],
    LaneType.READY: [LaneType.READY, LaneType.GENERAL],
    LaneType.FAST: [LaneType.FAST, LaneType.GENERAL],
    LaneType.GENERAL: [LaneType.GENERAL],
}


class LaneFit(BaseModel):
    lane_type: str
    snapshots: int
    service_factor: float
    service_mean_s: float
    mae_min: float | None
    reported_mean_min: float | None
    simulated_mean_min: float | None


class Calibration(BaseModel):
    scenario: Scenario
    daily_volume: float
    bts_months: list[str]
    fit: list[LaneFit]
    simulated_daily_volume: float = Field(description="Arrivals per day in the final run.")
    bts_monthly: dict[str, float] = Field(description="BTS daily volume per month, this crossing.")


class FeedProfile(BaseModel):
    """Hour-of-day means from the BWT archive for one crossing and mode, per lane type."""

    lanes_open: dict[str, list[float]]
    delay_min: dict[str, list[float | None]]
    snapshots: dict[str, int]


def _fail(en: str, es: str) -> CalibrationFailed:
    return CalibrationFailed(Text(en, es))


def bts_monthly_volumes(path: Path, port: str, mode: Mode) -> dict[str, float]:
    """Daily inbound volume of ``mode`` at ``port`` per month ("YYYY-MM"), latest 12 months."""
    parsed = parse_bts(path)
    measure = BTS_MEASURE[mode]
    by_month: dict[date, int] = defaultdict(int)
    for rec in parsed.records:
        if rec.port_code == port and rec.measure == measure:
            by_month[rec.month] += rec.value
    if not by_month:
        raise _fail(
            f"No BTS counts of {measure} at port {port} in {path}; check the port code and mode.",
            f"No hay conteos BTS de {measure} en el puerto {port} en {path}; revise el código y el modo.",
        )
    return {m.strftime("%Y-%m"): by_month[m] / _days_in(m) for m in sorted(by_month)[-12:]}


def bts_daily_volume(path: Path, port: str, mode: Mode) -> tuple[float, list[str]]:
    """Mean daily inbound volume of ``mode`` at ``port`` over its latest 12 months in BTS."""
    monthly = bts_monthly_volumes(path, port, mode)
    days = {m: _days_in(date.fromisoformat(m + "-01")) for m in monthly}
    total = sum(v * days[m] for m, v in monthly.items())
    return total / sum(days.values()), list(monthly)


def _days_in(m: date) -> int:
    nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return (nxt - m).days


def bwt_profile(paths: Sequence[Path], crossing: str, mode: Mode, port: str) -> FeedProfile:
    """Mean lanes open and reported delay by local hour of day and lane type."""
    zone = zone_of(port)
    lanes: dict[str, list[list[float]]] = defaultdict(lambda: [[] for _ in range(24)])
    delays: dict[str, list[list[float]]] = defaultdict(lambda: [[] for _ in range(24)])
    seen: dict[str, set[Any]] = defaultdict(set)
    for src in iter_snapshot_sources(list(paths)):
        if src.data is None:
            continue
        snap = parse_bwt(src.data, source=src.name)
        for r in snap.readings:
            if r.port_number != crossing or PLATFORM_MODE.get(r.mode) != mode.value:
                continue
            lt = PLATFORM_LANE.get(r.lane_type)
            if lt is None or r.updated_at in seen[lt]:
                continue  # the feed repeats a reading until the port updates it
            seen[lt].add(r.updated_at)
            h = r.updated_at.astimezone(zone).hour
            if r.status == "closed":
                lanes[lt][h].append(0.0)
            elif r.lanes_open is not None:
                lanes[lt][h].append(float(r.lanes_open))
                if r.delay_min is not None:
                    delays[lt][h].append(float(r.delay_min))
    if not lanes:
        raise _fail(
            f"No Border Wait Times readings for crossing {crossing} ({mode.value}) in the files given.",
            f"No hay lecturas de Border Wait Times del cruce {crossing} ({mode.value}) en los archivos dados.",
        )
    return FeedProfile(
        lanes_open={
            lt: [float(np.mean(v)) if v else 0.0 for v in hrs] for lt, hrs in lanes.items()
        },
        delay_min={lt: [float(np.mean(v)) if v else None for v in delays[lt]] for lt in lanes},
        snapshots={lt: len(seen[lt]) for lt in lanes},
    )


def _busiest_crossing(port: str, mode: Mode) -> str:
    crossings = [c for c in get_port(port).crossings if mode in c.modes]
    if not crossings:
        raise _fail(
            f"Port {port} has no crossing serving {mode.value}.",
            f"El puerto {port} no tiene un cruce que atienda {mode.value}.",
        )
    return max(crossings, key=lambda c: c.max_lanes(mode)).bwt_number


def build_scenario(
    *,
    port: str,
    crossing: str,
    mode: Mode,
    daily_volume: float,
    profile: FeedProfile,
    factors: dict[str, float],
    shape: Sequence[float] | np.ndarray | None = None,
    days: int = 7,
) -> Scenario:
    """The scenario for given service factors (one per lane type)."""
    xing = get_crossing(crossing)
    types = [
        lt
        for lt in LaneType
        if lt.value in profile.lanes_open and sum(profile.lanes_open[lt.value]) > 0
    ]
    if LaneType.GENERAL not in types:
        raise _fail(
            f"Crossing {crossing} reports no general lanes open for {mode.value}; cannot calibrate.",
            f"El cruce {crossing} no reporta carriles generales abiertos para {mode.value}; no se puede calibrar.",
        )
    limit = xing.max_lanes(mode)
    booths = {lt: [int(round(x)) for x in profile.lanes_open[lt.value]] for lt in types}
    for h in range(24):  # keep within the crossing's shared lanes
        while sum(booths[lt][h] for lt in types) > limit:
            top = max(types, key=lambda lt: booths[lt][h])
            booths[top][h] -= 1
    total_open = np.asarray(
        [sum(booths[lt][h] for lt in types) for h in range(24)], dtype=np.float64
    )
    day = lanes_open_shape(profile, booths_total=total_open) if shape is None else np.asarray(shape)
    day = day / float(np.sum(day))
    lane_weight = {lt: float(sum(booths[lt])) for lt in types}
    weight_sum = sum(lane_weight.values())
    base = FAST_TRUCK_PRIMARY_S if mode is Mode.COMMERCIAL else PRIMARY_INSPECTION_S[mode.value]
    lanes = []
    for lt in types:
        mean = (
            FAST_TRUCK_PRIMARY_S if lt is LaneType.FAST else base * _BASE_FACTOR[lt]
        ) * factors.get(lt.value, 1.0)
        lanes.append(
            {
                "id": lt.value,
                "mode": mode.value,
                "lane_type": lt.value,
                "max_booths": max(1, min(limit, max(booths[lt]))),
                "booths": booths[lt],
                "service": {"dist": "lognormal", "mean_s": round(mean, 2), "cv": 0.6},
            }
        )
    classes = []
    for lt in types:
        share = lane_weight[lt] / weight_sum
        rates = [round(float(daily_volume * share * x), 2) for x in day]
        eligible = [x.value for x in _ELIGIBLE.get(lt, [lt, LaneType.GENERAL]) if x in types]
        classes.append(
            {
                "name": lt.value if lt is not LaneType.GENERAL else "other",
                "mode": mode.value,
                "rate_per_h": rates,
                "lanes": eligible,
                "prefer_first": lt is not LaneType.GENERAL,
            }
        )
    return Scenario.model_validate(
        {
            "name": f"{xing.name} {mode.value} (calibrated)",
            "description": f"Calibrated from BTS volumes and the Border Wait Times archive for crossing {crossing}.",
            "port": port,
            "crossing": crossing,
            "days": days,
            "warmup_days": 1,
            "lanes": lanes,
            "classes": classes,
        }
    )


def lanes_open_shape(profile: FeedProfile, *, booths_total: np.ndarray | None = None) -> np.ndarray:
    """Share of the day's arrivals per hour, proportional to the lanes open in all lane types."""
    if booths_total is None:
        booths_total = np.sum([np.asarray(v) for v in profile.lanes_open.values()], axis=0)
    total = np.asarray(booths_total, dtype=np.float64)
    return total / total.sum() if total.sum() else np.full(24, 1 / 24)


def _hourly_mean(res: RunResult, lane: str) -> list[float | None]:
    rows = sorted((r for r in res.hourly if r.lane == lane), key=lambda r: r.hour)
    return [r.wait_mean_min for r in rows]


def _mae(sim: list[float | None], rep: list[float | None]) -> float | None:
    pairs = [(s, r) for s, r in zip(sim, rep, strict=True) if r is not None and s is not None]
    return float(np.mean([abs(s - r) for s, r in pairs])) if pairs else None


def calibrate(
    *,
    port: str,
    bts_path: Path,
    bwt_paths: Sequence[Path],
    crossing: str | None = None,
    mode: str | Mode = Mode.PASSENGER_VEHICLE,
    replications: int = 2,
    seed: int | None = 0,
    rounds: int = 2,
    progress: Progress | None = None,
) -> Calibration:
    """Build and fit a scenario for ``port`` (and ``crossing``, default the busiest)."""
    m = Mode(mode)
    crossing = crossing or _busiest_crossing(port, m)
    siblings = [c for c in get_port(port).crossings if m in c.modes]
    lanes_here = next((c.max_lanes(m) for c in siblings if c.bwt_number == crossing), 0)
    share = lanes_here / sum(c.max_lanes(m) for c in siblings) if siblings else 1.0
    monthly = {k: v * share for k, v in bts_monthly_volumes(bts_path, port, m).items()}
    days_of = {k: _days_in(date.fromisoformat(k + "-01")) for k in monthly}
    volume = sum(v * days_of[k] for k, v in monthly.items()) / sum(days_of.values())
    months = list(monthly)
    profile = bwt_profile(bwt_paths, crossing, m, port)
    types = [lt for lt, v in profile.lanes_open.items() if sum(v) > 0]
    factors = dict.fromkeys(types, 1.0)
    steps = rounds * len(types) * 8
    done = 0

    shape = lanes_open_shape(profile)

    def run(f: dict[str, float]) -> RunResult:
        s = build_scenario(
            port=port,
            crossing=crossing,
            mode=m,
            daily_volume=volume,
            profile=profile,
            factors=f,
            shape=shape,
        )
        return simulate(s, replications=replications, seed=seed)

    def total_mae(res: RunResult) -> float:
        return sum(_mae(_hourly_mean(res, lt), profile.delay_min[lt]) or 0.0 for lt in types)

    def loss(lt: str, x: float) -> float:
        nonlocal done
        res = run({**factors, lt: x})
        done += 1
        if progress is not None:
            progress(min(done, steps), steps)
        err = _mae(_hourly_mean(res, lt), profile.delay_min[lt])
        return math.inf if err is None else err

    phi = (math.sqrt(5) - 1) / 2

    def fit_factors() -> None:
        for lt in types:
            if all(v is None for v in profile.delay_min[lt]):
                continue
            lo, hi = math.log(0.25), math.log(4.0)  # golden-section search on log(factor)
            a, b = hi - phi * (hi - lo), lo + phi * (hi - lo)
            fa, fb = loss(lt, math.exp(a)), loss(lt, math.exp(b))
            for _ in range(6):
                if fa <= fb:
                    hi, b, fb = b, a, fa
                    a = hi - phi * (hi - lo)
                    fa = loss(lt, math.exp(a))
                else:
                    lo, a, fa = a, b, fb
                    b = lo + phi * (hi - lo)
                    fb = loss(lt, math.exp(b))
            factors[lt] = math.exp(a if fa <= fb else b)

    for _ in range(rounds):
        fit_factors()
        # Then reshape demand over the day: more arrivals in hours simulated too short, fewer
        # where too long (damped, the day's total kept), while the fit improves.
        res = run(factors)
        best = total_mae(res)
        for _ in range(4):
            sim = np.zeros(24)
            rep = np.zeros(24)
            for lt in types:
                for h, (x, y) in enumerate(
                    zip(_hourly_mean(res, lt), profile.delay_min[lt], strict=True)
                ):
                    if x is not None and y is not None:
                        sim[h] += x
                        rep[h] += y
            trial = shape * ((rep + 5.0) / (sim + 5.0)) ** 0.3
            trial /= trial.sum()
            old_shape, shape = shape, trial
            res2 = run(factors)
            score = total_mae(res2)
            if score >= best:
                shape = old_shape
                break
            best, res = score, res2
    final = build_scenario(
        port=port,
        crossing=crossing,
        mode=m,
        daily_volume=volume,
        profile=profile,
        factors=factors,
        shape=shape,
    )
    res = simulate(final, replications=replications, seed=seed)
    fit = []
    for lane in final.lanes:
        lt = lane.lane_type.value
        sim_h = _hourly_mean(res, lt)
        rep_h = profile.delay_min.get(lt, [None] * 24)
        reported = [r for r in rep_h if r is not None]
        simulated = [
            x for x, r in zip(sim_h, rep_h, strict=True) if x is not None and r is not None
        ]
        fit.append(
            LaneFit(
                lane_type=lt,
                snapshots=profile.snapshots.get(lt, 0),
                service_factor=factors.get(lt, 1.0),
                service_mean_s=final.service_for(lane, "other").mean,
                mae_min=_mae(sim_h, rep_h),
                reported_mean_min=float(np.mean(reported)) if reported else None,
                simulated_mean_min=float(np.mean(simulated)) if simulated else None,
            )
        )
    return Calibration(
        scenario=final,
        daily_volume=volume,
        bts_months=months,
        fit=fit,
        simulated_daily_volume=sum(x.arrivals_per_day for x in res.summary),
        bts_monthly=monthly,
    )


__all__ = [
    "Calibration",
    "FeedProfile",
    "LaneFit",
    "bts_daily_volume",
    "bts_monthly_volumes",
    "bwt_profile",
    "build_scenario",
    "calibrate",
]
