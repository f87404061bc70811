"""Queueing theory the twin is checked against (and that planners can use for quick bounds).

Erlang C for M/M/c, Pollaczek-Khinchine for M/G/1, Cobham's formula for non-preemptive
priority M/G/1, and the Kolmogorov forward equations of an M(t)/M/c(t) queue integrated hour
by hour. Rates are per second; times in seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.linalg import expm  # type: ignore[import-untyped]


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability an arrival waits in M/M/c with offered load a = λ/μ < c (Erlang C)."""
    c, a = servers, offered_load
    if a >= c:
        return 1.0
    term = 1.0
    total = 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c * c / (c - a)
    return last / (total + last)


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue of M/M/c: C(c, a) / (cμ - λ)."""
    return erlang_c(servers, arrival_rate / service_rate) / (servers * service_rate - arrival_rate)


def mmc_wait_quantile(arrival_rate: float, service_rate: float, servers: int, q: float) -> float:
    """The q-quantile of the M/M/c wait: P(W > t) = C e^{-(cμ-λ)t}."""
    pw = erlang_c(servers, arrival_rate / service_rate)
    if q <= 1.0 - pw:
        return 0.0
    return -math.log((1.0 - q) / pw) / (servers * service_rate - arrival_rate)


def mg1_mean_wait(arrival_rate: float, mean_service: float, service_variance: float) -> float:
    """Pollaczek-Khinchine: Wq = λ E[S²] / (2 (1 - ρ))."""
    rho = arrival_rate * mean_service
    return arrival_rate * (service_variance + mean_service**2) / (2.0 * (1.0 - rho))


def priority_mg1_mean_waits(
    arrival_rates: Sequence[float], mean_services: Sequence[float], second_moments: Sequence[float]
) -> list[float]:
    """Cobham: mean wait of each class (0 served first) in a non-preemptive priority M/G/1,
    W_k = W0 / ((1 - σ_{k-1})(1 - σ_k)), W0 = Σ λ_i E[S_i²] / 2, σ_k = Σ_{i<=k} ρ_i."""
    w0 = sum(lam * m2 for lam, m2 in zip(arrival_rates, second_moments, strict=True)) / 2.0
    out = []
    sigma_prev = 0.0
    for lam, m in zip(arrival_rates, mean_services, strict=True):
        sigma = sigma_prev + lam * m
        out.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return out


def mtmct_hourly_queue(
    arrivals_per_h: Sequence[float],
    servers: Sequence[int],
    service_rate: float,
    *,
    max_n: int = 400,
    steps_per_h: int = 60,
) -> np.ndarray:
    """Mean number waiting (not in service) in each hour of an M(t)/M/c(t) queue that starts
    empty: the Kolmogorov forward equations dp/dt = p Q(t), with Q constant within an hour,
    solved exactly by matrix exponentials on a grid and averaged by the trapezoid rule.
    States are truncated at ``max_n`` (choose it far above any queue reached)."""
    n = np.arange(max_n + 1)
    p = np.zeros(max_n + 1)
    p[0] = 1.0
    out = []
    dt = 3600.0 / steps_per_h
    for lam_h, c in zip(arrivals_per_h, servers, strict=True):
        lam = lam_h / 3600.0
        q = np.zeros((max_n + 1, max_n + 1))
        q[n[:-1], n[:-1] + 1] = lam
        q[n[1:], n[1:] - 1] = service_rate * np.minimum(n[1:], c)
        q[n, n] = -q.sum(axis=1)
        step = expm(q * dt)
        waiting = np.maximum(n - c, 0).astype(np.float64)
        vals = [float(p @ waiting)]
        for _ in range(steps_per_h):
            p = p @ step
            vals.append(float(p @ waiting))
        v = np.asarray(vals)
        out.append(float((v[:-1] + v[1:]).sum() / 2.0 / steps_per_h))
    return np.asarray(out)


__all__ = [
    "erlang_c",
    "mg1_mean_wait",
    "mmc_mean_wait",
    "mmc_wait_quantile",
    "mtmct_hourly_queue",
    "priority_mg1_mean_waits",
]
