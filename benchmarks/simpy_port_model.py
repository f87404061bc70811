"""The twin's port model written as a classic SimPy discrete-event simulation: the reference
the numba engine is benchmarked against (benchmarks/bench_twin_engine.py).

Same model: piecewise-Poisson arrivals by hour and class; lane groups of booths that open by
hourly schedule (booth k open while k < booths[h]); a booth that closes finishes its vehicle;
each vehicle joins the eligible lane where it would start soonest given the vehicles already
queued (classes with ``prefer_first`` take their first lane whenever a booth is open there);
referral to a FIFO secondary with a fixed number of spaces. Booths are SimPy processes pulling
from one FIFO store per lane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import simpy

from smartborder.twin.compiled import CompiledScenario


@dataclass
class SimpyResult:
    vehicles: int
    waits: dict[int, list[float]] = field(default_factory=dict)  # lane -> waits (measured)
    secondary_waits: dict[int, list[float]] = field(default_factory=dict)  # plan -> waits


def run_simpy(comp: CompiledScenario, rng: np.random.Generator) -> SimpyResult:
    env = simpy.Environment()
    n_g = comp.n_lanes
    n_h = comp.total_h
    booths = comp.booths
    queues = [simpy.Store(env) for _ in range(n_g)]
    shadow = [np.zeros(int(comp.max_booths[g])) for g in range(n_g)]  # when each booth frees
    warm_s = 3600.0 * comp.warm_h
    res = SimpyResult(vehicles=0, waits={g: [] for g in range(n_g)})
    plan_of = {}
    sec_res = []
    for m, plan in enumerate(comp.secondary):
        sec_res.append(simpy.Resource(env, capacity=plan.spaces))
        res.secondary_waits[m] = []
        for g in plan.lanes:
            plan_of[int(g)] = m

    def is_open(g: int, k: int, t: float) -> bool:
        h = int(t // 3600.0)
        return h < n_h and k < booths[g, h]

    def next_open(g: int, k: int, t: float) -> float:
        h = int(t // 3600.0)
        while h < n_h:
            if k < booths[g, h]:
                return max(t, 3600.0 * h)
            h += 1
        return math.inf

    def predicted_start(g: int, t: float) -> tuple[float, int]:
        best, best_k = math.inf, -1
        for k in range(shadow[g].size):
            s = next_open(g, k, max(t, shadow[g][k]))
            if s < best:
                best, best_k = s, k
        return best, best_k

    def secondary(m: int, t_arr: float) -> simpy.events.ProcessGenerator:
        plan = comp.secondary[m]
        kind = int(np.searchsorted(plan.shares, rng.random(), side="right"))
        dur = float(plan.durations[kind].sample(rng, 1)[0])
        with sec_res[m].request() as req:
            yield req
            if t_arr >= warm_s:
                res.secondary_waits[m].append(env.now - t_arr)
            yield env.timeout(dur)

    def booth(g: int, k: int) -> simpy.events.ProcessGenerator:
        while True:
            t = env.now
            if not is_open(g, k, t):
                nxt = next_open(g, k, t)
                if nxt == math.inf:
                    return
                yield env.timeout(nxt - t)
                continue
            hour_end = 3600.0 * (int(t // 3600.0) + 1)
            get = queues[g].get()
            got = yield get | env.timeout(hour_end - t)
            if get not in got:
                get.cancel()
                if hour_end - env.now > 0:
                    yield env.timeout(hour_end - env.now)
                continue
            t_arr, service, referred = get.value
            if t_arr >= warm_s:
                res.waits[g].append(env.now - t_arr)
            yield env.timeout(service)
            if referred and g in plan_of:
                env.process(secondary(plan_of[g], env.now))

    def arrivals() -> simpy.events.ProcessGenerator:
        for h in range(comp.run_h):
            lam = comp.rate[h]
            if lam <= 0:
                continue
            t = 3600.0 * h
            end = t + 3600.0
            while True:
                t += rng.exponential(3600.0 / lam)
                if t >= end:
                    break
                yield env.timeout(t - env.now)
                res.vehicles += 1
                c = int(np.searchsorted(comp.cum_prob[h], rng.random(), side="right"))
                c = min(c, comp.cum_prob.shape[1] - 1)
                best, best_g, best_k, best_e = math.inf, -1, -1, -1
                for e in range(int(comp.n_elig[c])):
                    g = int(comp.elig[c, e])
                    s, k = predicted_start(g, t)
                    if e == 0 and comp.prefer_first[c] and booths[g, h] > 0 and k >= 0:
                        best, best_g, best_k, best_e = s, g, k, e
                        break
                    if s < best:
                        best, best_g, best_k, best_e = s, g, k, e
                if best_g < 0:
                    continue
                service = float(comp.service[c][best_e].sample(rng, 1)[0])
                shadow[best_g][best_k] = best + service
                referred = rng.random() < comp.referral[best_g]
                queues[best_g].put((t, service, referred))

    for g in range(n_g):
        for k in range(int(comp.max_booths[g])):
            env.process(booth(g, k))
    env.process(arrivals())
    env.run(until=3600.0 * n_h)
    return res
