"""Staffing optimizer: the booth schedule with the fewest booth-hours that keeps the p95 wait
at or under a target in every hour and lane, within the booths that exist.

Method (simulation-based, greedy): start from the fewest booths that carry each hour's work
(offered load / 0.95, from a run of the current schedule), then repeatedly simulate and add a
booth to every (lane, hour) over the target, until none is; then try to give back one booth in
hours well under the target, keeping only the removals that stay feasible. Limits: a lane's
``max_booths`` and, where the scenario names a crossing known to :mod:`smartborder.ports`, the
crossing's maximum lanes per mode shared by its lane types.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from pydantic import BaseModel

from smartborder.ports import UnknownCrossing, get_crossing
from smartborder.twin._refdata import Mode
from smartborder.twin.results import LaneSummary, RunResult
from smartborder.twin.scenario import Scenario
from smartborder.twin.simulate import simulate

Progress = Callable[[int, int], None]


class StaffingPlan(BaseModel):
    """The optimized schedule and how it compares with the current one."""

    target_p95_min: float
    feasible: bool
    iterations: int
    booths: dict[str, list[int]]
    booth_hours_per_day_current: float
    booth_hours_per_day_optimized: float
    worst_p95_current_min: float | None
    worst_p95_optimized_min: float | None
    current: list[LaneSummary]
    optimized: list[LaneSummary]
    violations: list[tuple[str, int, float]]  # (lane, hour, p95 minutes) left, if infeasible


def _with(s: Scenario, sched: np.ndarray) -> Scenario:
    data = s.model_dump(mode="json")
    for i, lane in enumerate(data["lanes"]):
        lane["booths"] = [int(x) for x in sched[i]]
    return Scenario.model_validate(data)


def _mode_limits(s: Scenario) -> dict[Mode, int]:
    if not s.crossing:
        return {}
    try:
        crossing = get_crossing(s.crossing)
    except UnknownCrossing:
        return {}
    return {m: crossing.max_lanes(m) for m in crossing.modes}


def _violations(res: RunResult, target_min: float) -> list[tuple[int, int, float]]:
    lane_ix = {g.lane: i for i, g in enumerate(res.summary)}
    out = []
    for row in res.hourly:
        if row.arrivals_per_h > 0 and (row.wait_p95_min is None and row.served_per_h == 0):
            out.append((lane_ix[row.lane], row.hour, math.inf))
        elif row.wait_p95_min is not None and row.wait_p95_min > target_min:
            out.append((lane_ix[row.lane], row.hour, row.wait_p95_min))
    return out


def _worst(res: RunResult) -> float | None:
    vals = [r.wait_p95_min for r in res.hourly if r.wait_p95_min is not None]
    return max(vals) if vals else None


def optimize_staffing(
    scenario: Scenario,
    *,
    target_p95_min: float = 20.0,
    replications: int = 4,
    seed: int | None = 0,
    max_iterations: int = 40,
    progress: Progress | None = None,
) -> StaffingPlan:
    """Fewest booth-hours with p95 wait <= ``target_p95_min`` in every hour and lane."""
    s = scenario
    period = s.profile_hours
    max_b = np.asarray([g.max_booths for g in s.lanes], dtype=np.int64)
    modes = [g.mode for g in s.lanes]
    limits = _mode_limits(s)
    current = simulate(s, replications=replications, seed=seed)

    def can_add(sched: np.ndarray, g: int, h: int) -> bool:
        if sched[g, h] >= max_b[g]:
            return False
        lim = limits.get(modes[g])
        if lim is None:
            return True
        used = sum(int(sched[j, h]) for j in range(len(modes)) if modes[j] == modes[g])
        return used < lim

    # Lower bound: enough booths for each hour's offered load at 95% utilization.
    sched = np.zeros((len(s.lanes), period), dtype=np.int64)
    for row in current.hourly:
        g = next(i for i, lane in enumerate(s.lanes) if lane.id == row.lane)
        mean_s = np.mean(
            [s.service_for(s.lanes[g], c.name).mean for c in s.classes if row.lane in c.lanes]
            or [60.0]
        )
        need = (
            math.ceil(row.arrivals_per_h * mean_s / 3600.0 / 0.95) if row.arrivals_per_h > 0 else 0
        )
        sched[g, row.hour] = min(max(need, 1 if row.arrivals_per_h > 0 else 0), max_b[g])
    for mode, lim in limits.items():  # the lane types of a mode share the crossing's lanes
        rows = [j for j in range(len(modes)) if modes[j] == mode]
        for h in range(period):
            while rows and sum(int(sched[j, h]) for j in rows) > lim:
                top = max(rows, key=lambda j: int(sched[j, h]))
                sched[top, h] -= 1
    iterations = 0
    res = simulate(_with(s, sched), replications=replications, seed=seed)
    viol = _violations(res, target_p95_min)
    while viol and iterations < max_iterations:
        iterations += 1
        added = False
        for g, h, _ in viol:
            if can_add(sched, g, h):
                sched[g, h] += 1
                added = True
        if not added:
            break
        res = simulate(_with(s, sched), replications=replications, seed=seed)
        viol = _violations(res, target_p95_min)
        if progress is not None:
            progress(iterations, max_iterations)
    # Give back booths where the hour is well under target, keeping feasible removals.
    if not viol:
        for _ in range(3):
            cands = [
                (s.lanes.index(next(x for x in s.lanes if x.id == r.lane)), r.hour)
                for r in res.hourly
                if r.wait_p95_min is not None and r.wait_p95_min < target_p95_min / 2
            ]
            trial = sched.copy()
            tried = [(g, h) for g, h in cands if trial[g, h] > 1]
            for g, h in tried:
                trial[g, h] -= 1
            if not tried:
                break
            iterations += 1
            r2 = simulate(_with(s, trial), replications=replications, seed=seed)
            bad = {(g, h) for g, h, _ in _violations(r2, target_p95_min)}
            if not bad:
                sched, res = trial, r2
                continue
            # Undo removals in violating hours and the hour before them (backlog carries over).
            for g, h in tried:
                if (g, h) in bad or (g, (h + 1) % period) in bad:
                    trial[g, h] += 1
            r3 = simulate(_with(s, trial), replications=replications, seed=seed)
            if _violations(r3, target_p95_min):
                break
            sched, res = trial, r3
    lanes = [x.lane for x in res.summary]
    return StaffingPlan(
        target_p95_min=target_p95_min,
        feasible=not _violations(res, target_p95_min),
        iterations=iterations,
        booths={gid: [int(x) for x in sched[i]] for i, gid in enumerate(lanes)},
        booth_hours_per_day_current=current.booth_hours_per_day,
        booth_hours_per_day_optimized=res.booth_hours_per_day,
        worst_p95_current_min=_worst(current),
        worst_p95_optimized_min=_worst(res),
        current=current.summary,
        optimized=res.summary,
        violations=[(lanes[g], h, p) for g, h, p in _violations(res, target_p95_min)],
    )


__all__ = ["StaffingPlan", "optimize_staffing"]
