"""One replication of a compiled scenario: sample, run the engine, reduce to hourly statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smartborder.twin import _stats as st
from smartborder.twin import chain as ch
from smartborder.twin.compiled import CompiledScenario, SecondaryPlan, compile_scenario
from smartborder.twin.loop import (
    arrival_times,
    assign,
    fifo_constant,
    pick_classes,
    priority_pass,
)
from smartborder.twin.scenario import Scenario


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
    chain: np.ndarray | None = None  # a chained crossing's sums (columns in ``twin.chain``)


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
    return _serve_primary(comp, t, cls, rng)


def _serve_primary(
    comp: CompiledScenario,
    t: np.ndarray,
    cls: np.ndarray,
    rng: np.random.Generator,
    referred: np.ndarray | None = None,
) -> Trace:
    """Primary times, lanes and start times of the vehicles arriving at ``t`` (sorted) in
    classes ``cls``; referrals drawn from each lane's share unless ``referred`` is given."""
    n = int(t.size)
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
    served = (lane >= 0) & (start < np.inf)
    if referred is None:
        referred = served & (ref_u < comp.referral[np.maximum(lane, 0)])
    else:
        referred = served & referred
    return Trace(t, cls, lane, start, service, referred)


def _secondary_queue(
    plan: SecondaryPlan, tr: Trace, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The referrals of ``plan``'s lanes through its spaces (FIFO in order of leaving primary):
    their vehicle indices, when each reached secondary, its exam time and when it started."""
    idx = np.flatnonzero(tr.referred & np.isin(tr.lane, plan.lanes))
    arrive = tr.start[idx] + tr.service[idx]
    order = np.argsort(arrive, kind="stable")
    idx, arrive = idx[order], arrive[order]
    kind = np.searchsorted(plan.shares, rng.random(arrive.size), side="right")
    dur = np.zeros(arrive.size)
    for k, dist in enumerate(plan.durations):
        sel = np.flatnonzero(kind == k)
        dur[sel] = dist.sample(rng, sel.size)
    return idx, arrive, dur, fifo_constant(arrive, dur, plan.spaces)


@dataclass(frozen=True, slots=True)
class VehiclePaths:
    """Every vehicle of :func:`serve_arrivals`, in the order given: its lane group (an index
    in ``scenario.lanes``), when it reached a primary booth and left it, whether it was
    referred, and when its secondary exam started and ended (seconds from the start of the
    day; ``inf`` where that step was not reached before the drain period ended)."""

    lane: np.ndarray
    primary_start_s: np.ndarray
    primary_end_s: np.ndarray
    referred: np.ndarray
    secondary_start_s: np.ndarray
    secondary_end_s: np.ndarray


def serve_arrivals(
    scenario: Scenario | CompiledScenario,
    arrival_s: np.ndarray,
    classes: np.ndarray,
    *,
    rng: np.random.Generator,
    referred: np.ndarray | None = None,
) -> VehiclePaths:
    """Run the port on known arrivals instead of sampled ones (pre-arrival declarations):
    ``arrival_s`` seconds from the start of the run (sorted, within its days), ``classes``
    indices in ``scenario.classes``; ``referred`` (optional) says who is sent to secondary,
    else each lane's referral share decides. Primary and exam times are drawn with ``rng``."""
    comp = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    t = np.ascontiguousarray(arrival_s, dtype=np.float64)
    cls = np.ascontiguousarray(classes, dtype=np.int32)
    if t.shape != cls.shape or (t.size and (np.any(np.diff(t) < 0) or t[0] < 0)):
        raise ValueError("arrivals must be sorted, >= 0 and one class per arrival")
    if t.size and t[-1] >= 3600.0 * comp.run_h:
        raise ValueError("an arrival falls after the scenario's last day")
    if cls.size and (cls.min() < 0 or cls.max() >= len(comp.scenario.classes)):
        raise ValueError("a class index is outside scenario.classes")
    ref = None if referred is None else np.asarray(referred, dtype=np.bool_)
    tr = _serve_primary(comp, t, cls, rng, ref)
    sec_start = np.full(t.size, np.inf)
    sec_end = np.full(t.size, np.inf)
    end_s = 3600.0 * comp.total_h
    for plan in comp.secondary:
        idx, _arrive, dur, s2 = _secondary_queue(plan, tr, rng)
        ok = s2 < end_s
        sec_start[idx[ok]] = s2[ok]
        sec_end[idx[ok]] = s2[ok] + dur[ok]
    return VehiclePaths(
        lane=tr.lane,
        primary_start_s=tr.start,
        primary_end_s=tr.start + tr.service,
        referred=tr.referred,
        secondary_start_s=sec_start,
        secondary_end_s=sec_end,
    )


def run_replication(comp: CompiledScenario, rng: np.random.Generator) -> Replication:
    """One replication's statistics over the measured days."""
    if comp.chain is not None:
        return _run_chained(comp, rng)
    tr = run_trace(comp, rng)
    n_sec = len(comp.secondary)
    sec = np.zeros((4, n_sec), dtype=np.float64)
    for m, plan in enumerate(comp.secondary):
        _idx, arrive, dur, s2 = _secondary_queue(plan, tr, rng)
        sec[:, m] = _secondary_sums(comp, arrive, dur, s2)
    return _replication(comp, tr, sec)


def _secondary_sums(
    comp: CompiledScenario, arrive: np.ndarray, dur: np.ndarray, s2: np.ndarray
) -> np.ndarray:
    """Referred, total wait, busy seconds and unserved of one secondary over the measured days."""
    warm_s = 3600.0 * comp.warm_h
    end_s = 3600.0 * comp.total_h
    measured = (arrive >= warm_s) & (s2 < end_s)
    busy_end = np.minimum(s2 + dur, end_s)
    return np.asarray(
        [
            np.count_nonzero(arrive >= warm_s),
            float(np.sum((s2 - arrive)[measured])),
            float(np.sum(np.clip(busy_end - np.maximum(s2, warm_s), 0.0, None))),
            np.count_nonzero((arrive >= warm_s) & (s2 >= end_s)),
        ]
    )


def _replication(
    comp: CompiledScenario, tr: Trace, sec: np.ndarray, chain: np.ndarray | None = None
) -> Replication:
    n_g = comp.n_lanes
    sums = st.hourly_sums(tr.t, tr.lane, tr.start, tr.service, tr.referred, n_g, comp.total_h)
    quant = st.profile_quantiles(
        tr.t, tr.lane, tr.start, tr.service, n_g, comp.period, comp.warm_h, comp.run_h
    )
    measured_arrivals = tr.t >= 3600.0 * comp.warm_h
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
        chain=chain,
    )


def _run_chained(comp: CompiledScenario, rng: np.random.Generator) -> Replication:
    """A crossing through the exit side, then this scenario's port (see :mod:`twin.chain`)."""
    plan = comp.chain
    assert plan is not None
    counts = rng.poisson(comp.rate)
    n = int(counts.sum())
    t0 = arrival_times(counts, rng.standard_exponential(n + comp.run_h))
    cls = pick_classes(t0, rng.random(n), comp.cum_prob)
    ex = ch.exit_side(plan, t0, rng)
    t1 = ex.left + plan.transit_s
    order = np.argsort(t1, kind="stable")
    t0, t1, cls, ex = t0[order], t1[order], cls[order], ex.take(order)
    end_s = 3600.0 * comp.total_h
    k = int(np.searchsorted(t1, end_s))  # the rest never left the exit side within the run
    tr = _serve_primary(comp, t1[:k], cls[:k], rng)
    start = np.concatenate([tr.start, np.full(n - k, np.inf)])
    service = np.concatenate([tr.service, np.zeros(n - k)])
    referred = np.concatenate([tr.referred, np.zeros(n - k, dtype=np.bool_)])
    lane = np.concatenate([tr.lane, np.full(n - k, -1, dtype=np.int32)])
    served = start < np.inf
    release = start + service
    insp_wait = np.zeros(n)
    inspected = np.zeros(n, dtype=np.bool_)
    sec = np.zeros((4, len(comp.secondary)), dtype=np.float64)
    for m, sp in enumerate(comp.secondary):
        if plan.joint and plan.exam is not None:
            who = (referred | (ex.selected & served)) & np.isin(lane, sp.lanes)
            idx = np.flatnonzero(who)
            arrive = release[idx]
            o = np.argsort(arrive, kind="stable")
            idx, arrive = idx[o], arrive[o]
            kind = np.searchsorted(sp.shares, rng.random(idx.size), side="right")
            ours = np.zeros(idx.size)
            for k, dist in enumerate(sp.durations):
                sel = np.flatnonzero(kind == k)
                ours[sel] = dist.sample(rng, sel.size)
            theirs = plan.exam.sample(rng, idx.size)
            by_us, by_them = referred[idx], ex.selected[idx]
            dur = np.where(by_us & by_them, np.maximum(ours, theirs), np.where(by_us, ours, theirs))
            s2 = fifo_constant(arrive, dur, sp.spaces)
        else:
            idx, arrive, dur, s2 = _secondary_queue(sp, tr, rng)
        sec[:, m] = _secondary_sums(comp, arrive, dur, s2)
        release[idx] = np.where(s2 < end_s, s2 + dur, np.inf)
        insp_wait[idx] = s2 - arrive
        inspected[idx] = True
    release[~served] = np.inf
    measured = t0 >= 3600.0 * comp.warm_h
    done = measured & (release < end_s)
    tis = release[done] - t0[done]
    entry_wait = np.where(served, start - t1, 0.0)
    idle = ex.wait + ex.service + ex.inspection_wait + entry_wait + np.where(served, service, 0.0)
    idle = idle + np.where(inspected & np.isfinite(insp_wait), insp_wait, 0.0)
    x_insp = measured & (ex.exam > 0)
    sums = np.zeros(ch.N_COLS)
    sums[ch.N] = np.count_nonzero(measured)
    sums[ch.RELEASED] = np.count_nonzero(done)
    sums[ch.TIS_SUM] = float(tis.sum())
    sums[ch.EXIT_WAIT] = float(ex.wait[measured].sum())
    sums[ch.EXIT_INSP_WAIT] = float(ex.inspection_wait[x_insp].sum())
    sums[ch.EXIT_INSPECTED] = np.count_nonzero(x_insp)
    sums[ch.ENTRY_WAIT] = float(entry_wait[measured].sum())
    ok = measured & inspected & np.isfinite(insp_wait)
    sums[ch.INSP_WAIT] = float(insp_wait[ok].sum())
    sums[ch.INSPECTED] = np.count_nonzero(measured & inspected)
    sums[ch.EXAMS] = sums[ch.INSPECTED] + sums[ch.EXIT_INSPECTED]
    sums[ch.IDLE_S] = float(idle[measured & served].sum())
    sums[ch.TIS_P95] = float(np.quantile(tis, 0.95)) if tis.size else np.nan
    sums[ch.SELECTED_EXIT] = np.count_nonzero(measured & ex.selected)
    return _replication(comp, tr, sec, sums)
