"""A scenario turned into the arrays the engine loops over (built once, reused per replication)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from smartborder.twin.chain import ChainPlan, compile_chain
from smartborder.twin.distributions import (
    Deterministic,
    Distribution,
    Exponential,
    LogNormal,
    parse_distribution,
)
from smartborder.twin.loop import next_open_table
from smartborder.twin.scenario import Scenario

DRAIN_H = 24  # hours after the last arrival in which queued vehicles are still served


@dataclass(frozen=True, slots=True)
class SecondaryPlan:
    mode: str
    lanes: np.ndarray  # lane indices whose referrals go here
    spaces: int
    shares: np.ndarray  # cumulative shares of the kinds of exam
    durations: tuple[Distribution, ...]
    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CompiledScenario:
    scenario: Scenario
    period: int
    warm_h: int
    run_h: int  # warm-up + measured hours; arrivals happen in [0, run_h)
    total_h: int  # run_h + drain
    booths: np.ndarray  # [G, total_h] int32
    max_booths: np.ndarray  # [G] int64
    next_open: np.ndarray  # [G, K, total_h] int32
    rate: np.ndarray  # [run_h] total arrivals per hour
    cum_prob: np.ndarray  # [run_h, C] cumulative class shares
    elig: np.ndarray  # [C, E] int32 lane indices
    n_elig: np.ndarray  # [C] int32
    prefer_first: np.ndarray  # [C] bool
    priority: np.ndarray  # [C] int64
    service: tuple[tuple[Distribution, ...], ...]  # [C][E]
    svc_kind: np.ndarray  # [C, E] int64: 0 deterministic, 1 exponential, 2 log-normal, 3 other
    svc_p1: np.ndarray  # [C, E]
    svc_p2: np.ndarray  # [C, E]
    referral: np.ndarray  # [G]
    priority_lanes: tuple[int, ...]
    secondary: tuple[SecondaryPlan, ...]
    chain: ChainPlan | None = None  # the exit side of a chained crossing (both sides of the line)

    @property
    def n_lanes(self) -> int:
        return int(self.booths.shape[0])

    @property
    def days(self) -> int:
        return self.scenario.days


def _tile(v: float | list[float], period: int, hours: int) -> np.ndarray:
    base = np.asarray(v if isinstance(v, list) else [v] * period, dtype=np.float64)
    if base.size == 1:
        base = np.repeat(base, period)
    reps = -(-hours // period)
    return np.tile(base, reps)[:hours]


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Expand profiles over warm-up, measured days and drain; index lanes and classes."""
    s = scenario
    period = s.profile_hours
    warm_h = 24 * s.warmup_days
    run_h = warm_h + 24 * s.days
    total_h = run_h + DRAIN_H
    lane_ix = {g.id: i for i, g in enumerate(s.lanes)}
    booths = np.stack([_tile(g.booths, period, total_h) for g in s.lanes]).astype(np.int32)
    max_booths = np.asarray([g.max_booths for g in s.lanes], dtype=np.int64)
    rates = np.stack([_tile(c.rate_per_h, period, run_h) for c in s.classes]) * s.demand_scale
    total = rates.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, rates / np.where(total > 0, total, 1.0), 1.0 / len(s.classes))
    cum_prob = np.cumsum(shares, axis=0).T.copy()
    n_e = max(len(c.lanes) for c in s.classes)
    elig = np.zeros((len(s.classes), n_e), dtype=np.int32)
    for j, c in enumerate(s.classes):
        elig[j, : len(c.lanes)] = [lane_ix[x] for x in c.lanes]
    service = tuple(
        tuple(s.service_for(s.lanes[lane_ix[x]], c.name) for x in c.lanes) for c in s.classes
    )
    kind = np.full(elig.shape, 3, dtype=np.int64)
    p1 = np.zeros(elig.shape)
    p2 = np.zeros(elig.shape)
    for j, dists in enumerate(service):
        for e, d in enumerate(dists):
            if isinstance(d, Deterministic):
                kind[j, e], p1[j, e] = 0, d.mean_s
            elif isinstance(d, Exponential):
                kind[j, e], p1[j, e] = 1, d.mean_s
            elif isinstance(d, LogNormal):
                sigma2 = math.log1p(d.cv**2)
                kind[j, e], p1[j, e], p2[j, e] = (
                    2,
                    math.log(d.mean_s) - sigma2 / 2,
                    math.sqrt(sigma2),
                )
    plans = []
    chain = compile_chain(s)
    for m, sec in enumerate(s.secondary):
        lanes = np.asarray([i for i, g in enumerate(s.lanes) if g.mode == sec.mode], dtype=np.int64)
        w = np.asarray([k.share for k in sec.kinds], dtype=np.float64)
        plans.append(
            SecondaryPlan(
                mode=sec.mode.value,
                lanes=lanes,
                # UCP: one joint inspection with both agencies' spaces
                spaces=sec.spaces + (chain.spaces if chain and chain.joint else 0),
                shares=np.cumsum(w / w.sum()),
                durations=tuple(
                    parse_distribution(k.duration, pointer=f"/secondary/{m}/kinds/{i}/duration")
                    for i, k in enumerate(sec.kinds)
                ),
                kinds=tuple(k.name for k in sec.kinds),
            )
        )
    return CompiledScenario(
        scenario=s,
        period=period,
        warm_h=warm_h,
        run_h=run_h,
        total_h=total_h,
        booths=booths,
        max_booths=max_booths,
        next_open=next_open_table(booths, max_booths),
        rate=total,
        cum_prob=cum_prob,
        elig=elig,
        n_elig=np.asarray([len(c.lanes) for c in s.classes], dtype=np.int32),
        prefer_first=np.asarray([c.prefer_first for c in s.classes], dtype=np.bool_),
        priority=np.asarray([c.priority for c in s.classes], dtype=np.int64),
        service=service,
        svc_kind=kind,
        svc_p1=p1,
        svc_p2=p2,
        referral=np.asarray([g.referral for g in s.lanes], dtype=np.float64),
        priority_lanes=tuple(i for i, g in enumerate(s.lanes) if g.discipline == "priority"),
        secondary=tuple(plans),
        chain=chain,
    )
