"""One replication of a compiled scenario: sample, run the engine, reduce to hourly statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smartborder.twin import _stats as st
from smartborder.twin.compiled import CompiledScenario
from smartborder.twin.loop import (
    arrival_times,
    assign,
    fifo_constant,
    pick_classes,
    priority_pass,
)


@dataclass(frozen=True, slots=True)
class Replication:
    """Statistics of one replication over the measured days (warm-up excluded).

    ``sums[g, h, col]`` are per lane and measured hour (columns in ``_stats``); ``quantiles``
    per lane and profile hour; secondary figures per plan.
    """

    vehicles: int
    unserved: (
        int  # still queued when the drain period ended (conservation: arrivals = served + this)
    )
    sums: np.ndarray
    quantiles: np.ndarray
    secondary_referred: np.ndarray
    secondary_wait_s: np.ndarray  # total wait for a secondary space
    secondary_busy_s: np.ndarray
    secondary_unserved: np.ndarray


@dataclass(frozen=True, slots=True)
class Trace:
    """Every vehicle of a replication (for tests and the SimPy comparison)."""

    t: np.ndarray
    cls: np.ndarray
    lane: np.ndarray
    start: np.ndarray
    service: np.ndarray
    referred: np.ndarray


def run_trace(comp: CompiledScenario, rng: np.random.Generator) -> Trace:
    """Sample arrivals and primary times, then choose lanes and start times."""
    counts = rng.poisson(comp.rate)
    n = int(counts.sum())
    t = arrival_times(counts, rng.standard_exponential(n + comp.run_h))
    cls = pick_classes(t, rng.random(n), comp.cum_prob)
    n_e = comp.elig.shape[1]
    kinds = comp.svc_kind
    z = rng.standard_normal(n) if (kinds == 2).any() else np.zeros(0)
    ex = rng.standard_exponential(n) if (kinds == 1).any() else np.zeros(0)
    other = np.zeros((n if (kinds == 3).any() else 0, n_e), dtype=np.float64)
    for c, dists in enumerate(comp.service):
        if not (kinds[c] == 3).any():
            continue
        idx = np.flatnonzero(cls == c)
        for e, dist in enumerate(dists):
            if kinds[c, e] == 3:
                other[idx, e] = dist.sample(rng, idx.size)
    ref_u = rng.random(n)
    lane, start, service = assign(
        t,
        cls,
        kinds,
        comp.svc_p1,
        comp.svc_p2,
        z,
        ex,
        other,
        comp.elig,
        comp.n_elig,
        comp.prefer_first,
        comp.booths,
        comp.next_open,
        comp.max_booths,
    )
    for g in comp.priority_lanes:
        idx = np.flatnonzero(lane == g)
        start[idx] = priority_pass(
            t[idx],
            service[idx],
            comp.priority[cls[idx]],
            int(comp.priority.max()) + 1,
            comp.booths[g],
            comp.next_open[g],
            int(comp.max_booths[g]),
        )
    referred = (lane >= 0) & (start < np.inf) & (ref_u < comp.referral[np.maximum(lane, 0)])
    return Trace(t, cls, lane, start, service, referred)


def run_replication(comp: CompiledScenario, rng: np.random.Generator) -> Replication:
    """One replication's statistics over the measured days."""
    tr = run_trace(comp, rng)
    n_g = comp.n_lanes
    sums = st.hourly_sums(tr.t, tr.lane, tr.start, tr.service, tr.referred, n_g, comp.total_h)
    quant = st.profile_quantiles(
        tr.t, tr.lane, tr.start, tr.service, n_g, comp.period, comp.warm_h, comp.run_h
    )
    n_sec = len(comp.secondary)
    sec = np.zeros((4, n_sec), dtype=np.float64)
    warm_s = 3600.0 * comp.warm_h
    end_s = 3600.0 * comp.total_h
    for m, plan in enumerate(comp.secondary):
        idx = np.flatnonzero(tr.referred & np.isin(tr.lane, plan.lanes))
        arrive = tr.start[idx] + tr.service[idx]
        arrive.sort()
        kind = np.searchsorted(plan.shares, rng.random(arrive.size), side="right")
        dur = np.zeros(arrive.size)
        for k, dist in enumerate(plan.durations):
            sel = np.flatnonzero(kind == k)
            dur[sel] = dist.sample(rng, sel.size)
        s2 = fifo_constant(arrive, dur, plan.spaces)
        measured = (arrive >= warm_s) & (s2 < end_s)
        sec[0, m] = np.count_nonzero(arrive >= warm_s)
        sec[1, m] = float(np.sum((s2 - arrive)[measured]))
        busy_end = np.minimum(s2 + dur, end_s)
        sec[2, m] = float(np.sum(np.clip(busy_end - np.maximum(s2, warm_s), 0.0, None)))
        sec[3, m] = np.count_nonzero((arrive >= warm_s) & (s2 >= end_s))
    measured_arrivals = tr.t >= warm_s
    unserved = int(np.count_nonzero(measured_arrivals & ~(tr.start < np.inf)))
    return Replication(
        vehicles=int(tr.t.size),
        unserved=unserved,
        sums=sums[:, comp.warm_h : comp.run_h],
        quantiles=quant,
        secondary_referred=sec[0],
        secondary_wait_s=sec[1],
        secondary_busy_s=sec[2],
        secondary_unserved=sec[3],
    )
