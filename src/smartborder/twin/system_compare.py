"""A system of ports before and after: every port and the system-wide figures (waits,
vehicles, booth-hours, emissions), the runs on the same seeds. See :mod:`.system`."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from smartborder.twin.results import RunResult
from smartborder.twin.scenario import Scenario
from smartborder.twin.system import Resolved, _tile


class PortRow(BaseModel):
    """One port before and after (``None`` where the port does not exist)."""

    port: str
    name: str
    new: bool
    location: tuple[float, float] | None = Field(description="Latitude and longitude, if given.")
    share_before: float | None = Field(description="Share of the split's pooled demand before.")
    share_after: float | None
    vehicles_per_day_before: float | None
    vehicles_per_day_after: float | None
    wait_mean_min_before: float | None
    wait_mean_min_after: float | None
    worst_p95_min_before: float | None
    worst_p95_min_after: float | None
    booth_hours_per_day_before: float | None
    booth_hours_per_day_after: float | None
    co2_kg_per_day_before: float | None
    co2_kg_per_day_after: float | None


class SystemTotals(BaseModel):
    vehicles_per_day: float
    served_per_day: float
    wait_mean_min: float | None
    vehicle_hours_waiting_per_day: float
    booth_hours_per_day: float
    co2_kg_per_day: float
    nox_g_per_day: float
    pm25_g_per_day: float


class SystemComparison(BaseModel):
    system: str
    replications: int
    seed: int | None
    days: int
    ports: list[PortRow]
    before: SystemTotals
    after: SystemTotals
    elapsed_s: float
    results_before: dict[str, RunResult] = Field(exclude=True, default_factory=dict)
    results_after: dict[str, RunResult] = Field(exclude=True, default_factory=dict)


def _wait(r: RunResult) -> tuple[float, float]:
    served = sum(s.served_per_day for s in r.summary)
    waited = sum((s.wait_mean_min or 0.0) * s.served_per_day for s in r.summary)
    return served, waited


def _totals(results: dict[str, RunResult]) -> SystemTotals:
    arrived = sum(s.arrivals_per_day for r in results.values() for s in r.summary)
    served = waited = 0.0
    for r in results.values():
        a, b = _wait(r)
        served += a
        waited += b
    return SystemTotals(
        vehicles_per_day=arrived,
        served_per_day=served,
        wait_mean_min=waited / served if served else None,
        vehicle_hours_waiting_per_day=waited / 60.0,
        booth_hours_per_day=sum(r.booth_hours_per_day for r in results.values()),
        co2_kg_per_day=sum(s.co2_kg_per_day for r in results.values() for s in r.summary),
        nox_g_per_day=sum(s.nox_g_per_day for r in results.values() for s in r.summary),
        pm25_g_per_day=sum(s.pm25_g_per_day for r in results.values() for s in r.summary),
    )


def _mode_volume(s: Scenario, mode: str) -> float:
    return sum(
        float(np.sum(_tile(c.rate_per_h, s.profile_hours))) * s.demand_scale
        for c in s.classes
        if c.mode.value == mode
    )


def compare_system(
    resolved: Resolved, *, replications: int = 2, seed: int | None = 0
) -> SystemComparison:
    """Run every port before and after with the same seeds; per port and system-wide figures."""
    import time

    from smartborder.twin.simulate import simulate

    t0 = time.perf_counter()
    before = {
        k: simulate(s, replications=replications, seed=seed) for k, s in resolved.before.items()
    }
    after = {
        k: simulate(s, replications=replications, seed=seed) for k, s in resolved.after.items()
    }
    demand = resolved.system.demand
    shares_b: dict[str, float] = {}
    shares_a: dict[str, float] = {}
    if demand is not None:
        mode = demand.mode.value
        vb = {
            p: _mode_volume(resolved.before[p], mode) for p in demand.split if p in resolved.before
        }
        va = {p: _mode_volume(resolved.after[p], mode) for p in demand.split}
        shares_b = {p: v / sum(vb.values()) for p, v in vb.items()} if sum(vb.values()) else {}
        shares_a = {p: v / sum(va.values()) for p, v in va.items()} if sum(va.values()) else {}
    rows = []
    for entry in resolved.system.ports:
        pid = entry.id
        b, a = before.get(pid), after.get(pid)
        rows.append(
            PortRow(
                port=pid,
                name=resolved.after[pid].name,
                new=entry.new_port is not None,
                location=resolved.after[pid].location,
                share_before=shares_b.get(pid, 0.0 if pid in shares_a else None),
                share_after=shares_a.get(pid),
                vehicles_per_day_before=_served(b),
                vehicles_per_day_after=_served(a),
                wait_mean_min_before=_mean_wait(b),
                wait_mean_min_after=_mean_wait(a),
                worst_p95_min_before=_worst(b),
                worst_p95_min_after=_worst(a),
                booth_hours_per_day_before=b.booth_hours_per_day if b else None,
                booth_hours_per_day_after=a.booth_hours_per_day if a else None,
                co2_kg_per_day_before=_co2(b),
                co2_kg_per_day_after=_co2(a),
            )
        )
    return SystemComparison(
        system=resolved.system.name,
        replications=replications,
        seed=seed,
        days=resolved.system.days,
        ports=rows,
        before=_totals(before),
        after=_totals(after),
        elapsed_s=time.perf_counter() - t0,
        results_before=before,
        results_after=after,
    )


def _served(r: RunResult | None) -> float | None:
    return None if r is None else sum(s.arrivals_per_day for s in r.summary)


def _mean_wait(r: RunResult | None) -> float | None:
    if r is None:
        return None
    served, waited = _wait(r)
    return waited / served if served else None


def _worst(r: RunResult | None) -> float | None:
    if r is None:
        return None
    p95s = [s.wait_p95_min for s in r.summary if s.wait_p95_min is not None]
    return max(p95s) if p95s else None


def _co2(r: RunResult | None) -> float | None:
    return None if r is None else sum(s.co2_kg_per_day for s in r.summary)


__all__ = ["PortRow", "SystemComparison", "SystemTotals", "compare_system"]
