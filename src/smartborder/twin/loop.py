"""The event loop of the twin, compiled with numba over plain numpy arrays.

Why numba: a port model is a set of multi-server queues whose state is, per booth, the time it
next frees up. Processing vehicles in arrival order with that state is exact for FIFO lanes
(start = the earliest time any booth of the chosen lane is free and open), needs no event heap,
and compiles to a tight loop: measured at millions of vehicles per second per core, where an
event-heap engine in pure Python (SimPy) manages tens of thousands (benchmarks/bench_twin_engine.py).

Conventions: times are seconds from the start of the run (warm-up included); hour ``h`` covers
``[3600 h, 3600 (h + 1))``; booth ``k`` of lane ``g`` is open in hour ``h`` iff
``k < booths[g, h]``, so schedules open booths in a fixed order. A booth that closes finishes the
vehicle it is serving; a vehicle waits for a booth that is both free and open. ``inf`` marks a
vehicle that never reached a booth before the end of the drain period.
"""

from __future__ import annotations

import numpy as np
from numba import njit

INF = np.inf


@njit(cache=True, nogil=True)
def next_open_table(booths: np.ndarray, max_booths: np.ndarray) -> np.ndarray:
    """``table[g, k, h]``: the first hour >= h in which booth k of lane g is open (H if never)."""
    n_g, n_h = booths.shape
    k_max = 1
    for g in range(n_g):
        k_max = max(k_max, max_booths[g])
    table = np.empty((n_g, k_max, n_h), dtype=np.int32)
    for g in range(n_g):
        for k in range(k_max):
            nxt = n_h
            for h in range(n_h - 1, -1, -1):
                if k < booths[g, h]:
                    nxt = h
                table[g, k, h] = nxt
    return table


@njit(cache=True, nogil=True)
def arrival_times(counts: np.ndarray, spacings: np.ndarray) -> np.ndarray:
    """Sorted arrival times of a piecewise-constant Poisson process.

    ``counts[h]`` arrivals fall in hour h; given the count they are uniform in the hour, and
    sorted uniforms are normalized cumulative sums of n + 1 exponential spacings (O(n), no sort).
    """
    n = 0
    for h in range(counts.shape[0]):
        n += counts[h]
    out = np.empty(n, dtype=np.float64)
    i = 0
    j = 0
    for h in range(counts.shape[0]):
        c = counts[h]
        if c == 0:
            continue
        total = 0.0
        for m in range(c + 1):
            total += spacings[j + m]
        acc = 0.0
        for m in range(c):
            acc += spacings[j + m]
            out[i + m] = 3600.0 * (h + acc / total)
        i += c
        j += c + 1
    return out


@njit(cache=True, nogil=True)
def pick_classes(t: np.ndarray, u: np.ndarray, cum_prob: np.ndarray) -> np.ndarray:
    """Class of each arrival: ``cum_prob[h, c]`` is the cumulative share of classes in hour h."""
    n = t.shape[0]
    n_c = cum_prob.shape[1]
    out = np.empty(n, dtype=np.int32)
    for i in range(n):
        h = int(t[i] // 3600.0)
        c = 0
        while c < n_c - 1 and u[i] >= cum_prob[h, c]:
            c += 1
        out[i] = c
    return out


@njit(cache=True, nogil=True, inline="always")
def _start_at(
    g: int, k: int, x: float, free: np.ndarray, booths: np.ndarray, nxt: np.ndarray, n_h: int
) -> float:
    """When booth k of lane g could start someone arriving at x (INF: not within the horizon):
    when it is free, or the next hour it is open if it is closed then."""
    y: float = free[g, k]
    if y < x:
        y = x
    h = int(y // 3600.0)
    if h >= n_h:
        return INF
    if k >= booths[g, h]:
        h2 = nxt[g, k, h]
        if h2 >= n_h:
            return INF
        y = 3600.0 * h2
    return y


@njit(cache=True, nogil=True)
def _earliest(
    g: int, x: float, free: np.ndarray, booths: np.ndarray, nxt: np.ndarray, max_booths: np.ndarray
) -> tuple[float, int]:
    """Earliest time >= x at which a booth of lane g is free and open, and that booth.

    Booths open now are scanned first; a booth closed now cannot start anyone before the next
    hour, so the closed ones are skipped when an open booth starts someone within this hour.
    """
    n_h = booths.shape[1]
    h0 = int(x // 3600.0)
    if h0 >= n_h:
        return INF, -1
    open_now = booths[g, h0]
    best = INF
    best_k = -1
    for k in range(open_now):
        y = _start_at(g, k, x, free, booths, nxt, n_h)
        if y < best:
            best = y
            best_k = k
            if y <= x:
                return best, best_k  # a booth is free now: nobody can start earlier
    if best < 3600.0 * (h0 + 1):
        return best, best_k
    for k in range(open_now, max_booths[g]):
        y = _start_at(g, k, x, free, booths, nxt, n_h)
        if y < best:
            best = y
            best_k = k
    return best, best_k


@njit(cache=True, nogil=True)
def assign(
    t: np.ndarray,
    cls: np.ndarray,
    svc_kind: np.ndarray,
    svc_p1: np.ndarray,
    svc_p2: np.ndarray,
    z: np.ndarray,
    ex: np.ndarray,
    svc_other: np.ndarray,
    elig: np.ndarray,
    n_elig: np.ndarray,
    prefer_first: np.ndarray,
    booths: np.ndarray,
    nxt: np.ndarray,
    max_booths: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lane choice and primary start times, vehicles in arrival order.

    Each vehicle joins the eligible lane where it would start soonest (its expected wait given
    the vehicles already queued); a class with ``prefer_first`` takes its first lane whenever a
    booth is open there (SENTRI members use SENTRI lanes). The primary time is drawn for the
    chosen lane only, from the vehicle's own standard variates (``z`` normal, ``ex`` exponential)
    by the (class, lane) parameters: kind 0 deterministic (p1 seconds), 1 exponential (mean
    p1), 2 log-normal (exp(p1 + p2 z)), 3 pre-sampled in ``svc_other``. Lane choice does not
    depend on the vehicle's own time, so each time has its distribution. Returns (lane, start, service) per
    vehicle; start is inf (and lane the class's first) when no eligible booth opens again.
    """
    n = t.shape[0]
    n_g = booths.shape[0]
    n_h = booths.shape[1]
    k_max = nxt.shape[1]
    free = np.zeros((n_g, k_max), dtype=np.float64)
    lane = np.full(n, -1, dtype=np.int32)
    start = np.full(n, INF, dtype=np.float64)
    service = np.zeros(n, dtype=np.float64)
    for i in range(n):
        x = t[i]
        c = cls[i]
        h = int(x // 3600.0)
        best = INF
        best_g = -1
        best_k = -1
        best_e = -1
        for e in range(n_elig[c]):
            g = elig[c, e]
            s, k = _earliest(g, x, free, booths, nxt, max_booths)
            if e == 0 and prefer_first[c] and h < n_h and booths[g, h] > 0 and k >= 0:
                best, best_g, best_k, best_e = s, g, k, e
                break
            if s < best:
                best, best_g, best_k, best_e = s, g, k, e
        if best_g < 0:
            lane[i] = elig[c, 0]  # queues at its first lane, never served
            continue
        kind = svc_kind[c, best_e]
        if kind == 0:
            d = svc_p1[c, best_e]
        elif kind == 1:
            d = svc_p1[c, best_e] * ex[i]
        elif kind == 2:
            d = np.exp(svc_p1[c, best_e] + svc_p2[c, best_e] * z[i])
        else:
            d = svc_other[i, best_e]
        lane[i] = best_g
        start[i] = best
        service[i] = d
        free[best_g, best_k] = best + d
    return lane, start, service


@njit(cache=True, nogil=True)
def priority_pass(
    t: np.ndarray,
    service: np.ndarray,
    prio: np.ndarray,
    n_prio: int,
    booths_g: np.ndarray,
    nxt_g: np.ndarray,
    max_booths_g: int,
) -> np.ndarray:
    """Start times in one lane served by non-preemptive priority (0 first, FIFO within).

    ``t`` are the arrival times of the vehicles that chose this lane (sorted). When a booth
    frees, the waiting vehicle of highest priority that has arrived by then starts.
    """
    n = t.shape[0]
    n_h = booths_g.shape[0]
    free = np.zeros(max_booths_g, dtype=np.float64)
    start = np.full(n, INF, dtype=np.float64)
    queues = np.empty((n_prio, n), dtype=np.int64)
    head = np.zeros(n_prio, dtype=np.int64)
    tail = np.zeros(n_prio, dtype=np.int64)
    i = 0
    j = -1
    waiting = 0
    done = 0
    while done < n:
        if waiting == 0:
            queues[prio[i], tail[prio[i]]] = i
            tail[prio[i]] += 1
            waiting += 1
            i += 1
        t_min = INF  # earliest arrival among the waiting: no one can start before it
        for p in range(n_prio):
            if head[p] < tail[p]:
                t_min = min(t_min, t[queues[p, head[p]]])
        best = INF
        best_k = -1
        for k in range(max_booths_g):
            y = max(free[k], t_min)
            h = int(y // 3600.0)
            if h >= n_h:
                continue
            if k >= booths_g[h]:
                h2 = nxt_g[k, h]
                if h2 >= n_h:
                    continue
                y = 3600.0 * h2
            if y < best:
                best = y
                best_k = k
        if best_k < 0:
            break  # no booth opens again: the rest stay queued
        while i < n and t[i] <= best:
            queues[prio[i], tail[prio[i]]] = i
            tail[prio[i]] += 1
            waiting += 1
            i += 1
        for p in range(n_prio):
            if head[p] < tail[p]:
                j = queues[p, head[p]]
                head[p] += 1
                break
        waiting -= 1
        done += 1
        start[j] = best
        free[best_k] = best + service[j]
    return start


@njit(cache=True, nogil=True)
def fifo_constant(t: np.ndarray, service: np.ndarray, servers: int) -> np.ndarray:
    """Start times of a FIFO queue with a constant number of servers; ``t`` sorted."""
    n = t.shape[0]
    free = np.zeros(servers, dtype=np.float64)
    start = np.empty(n, dtype=np.float64)
    for i in range(n):
        k = 0
        for m in range(1, servers):
            if free[m] < free[k]:
                k = m
        s = max(t[i], free[k])
        start[i] = s
        free[k] = s + service[i]
    return start
