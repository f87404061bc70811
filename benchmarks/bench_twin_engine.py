"""Benchmark of the twin's engine: vehicles per second on one core for a full port model
(San Ysidro: booth schedules, five lane groups in two modes, lane choice, secondary), and the
same model in SimPy (benchmarks/simpy_port_model.py) as the baseline measured in the same run.

Prints (1) the statistics of both implementations with 95% confidence intervals over
replications, to show they agree, and (2) the speed of each in CPU seconds of this process
(``time.process_time``: fair on a shared machine) and wall seconds, medians of repeats.

    .venv/bin/python benchmarks/bench_twin_engine.py [--simpy-reps 4] [--days 28]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from simpy_port_model import run_simpy
from smartborder.twin import _stats as st
from smartborder.twin import compile_scenario, load_scenario, replication_seeds, shipped_scenarios
from smartborder.twin.replication import run_replication
from smartborder.twin.results import mean_ci

ALL_PORTS_YEAR = (
    130_000_000  # inbound crossings at every U.S.-Mexico port in 2019 (BTS), the goal's scale
)


def ci_text(values: list[float]) -> str:
    ci = mean_ci(values)
    m = float(np.mean(values))
    return f"{m:7.2f} [{ci[0]:6.2f}, {ci[1]:6.2f}]" if ci else f"{m:7.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--simpy-reps", type=int, default=3)
    ap.add_argument("--engine-reps", type=int, default=20)
    ap.add_argument("--days", type=int, default=28, help="days per replication in the speed run")
    args = ap.parse_args()

    base = load_scenario(shipped_scenarios()["san_ysidro"])
    small = compile_scenario(base.with_changes(days=1, warmup_days=1))
    run_replication(small, np.random.default_rng(0))  # load the compiled kernels

    # 1. Same statistics: mean wait per lane and secondary wait, both engines.
    eng: dict[int, list[float]] = {g: [] for g in range(small.n_lanes)}
    eng_sec: list[float] = []
    for ss in replication_seeds(1, args.engine_reps):
        rep = run_replication(small, np.random.default_rng(ss))
        for g in range(small.n_lanes):
            s = rep.sums[g]
            eng[g].append(s[:, st.WAIT_SUM].sum() / s[:, st.SERVED].sum() / 60.0)
        eng_sec.append(rep.secondary_wait_s[0] / max(rep.secondary_referred[0], 1) / 60.0)
    sim: dict[int, list[float]] = {g: [] for g in range(small.n_lanes)}
    sim_sec: list[float] = []
    simpy_cpu, simpy_wall, simpy_vehicles = [], [], []
    for ss in replication_seeds(2, args.simpy_reps):
        c0, w0 = time.process_time(), time.perf_counter()
        r = run_simpy(small, np.random.default_rng(ss))
        simpy_cpu.append(time.process_time() - c0)
        simpy_wall.append(time.perf_counter() - w0)
        simpy_vehicles.append(r.vehicles)
        for g in range(small.n_lanes):
            sim[g].append(float(np.mean(r.waits[g])) / 60.0)
        sim_sec.append(float(np.mean(r.secondary_waits[0])) / 60.0 if r.secondary_waits[0] else 0.0)
    print(f"Model: {base.name}, 1 measured day after 1 warm-up day")
    print(
        f"{'lane':14} {'numba engine, mean wait min [95% CI]':>40} {'SimPy, mean wait min [95% CI]':>36}"
    )
    for g, lane in enumerate(small.scenario.lanes):
        print(f"{lane.id:14} {ci_text(eng[g]):>40} {ci_text(sim[g]):>36}")
    print(f"{'secondary':14} {ci_text(eng_sec):>40} {ci_text(sim_sec):>36}")
    print(f"(engine {args.engine_reps} replications, SimPy {args.simpy_reps})")

    # 2. Speed: the engine on long runs (sampling, lane choice, secondary and statistics).
    big = compile_scenario(base.with_changes(days=args.days, warmup_days=1))
    rates_cpu, rates_wall = [], []
    for ss in replication_seeds(3, 5):
        c0, w0 = time.process_time(), time.perf_counter()
        rep = run_replication(big, np.random.default_rng(ss))
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        rates_cpu.append(rep.vehicles / cpu)
        rates_wall.append(rep.vehicles / wall)
    engine_cpu = statistics.median(rates_cpu)
    simpy_rate = statistics.median(v / c for v, c in zip(simpy_vehicles, simpy_cpu, strict=True))
    simpy_rate_wall = statistics.median(
        v / c for v, c in zip(simpy_vehicles, simpy_wall, strict=True)
    )
    print()
    print(
        f"numba engine: {engine_cpu:,.0f} vehicles per CPU second (median of 5 runs of {rep.vehicles:,} vehicles; wall {statistics.median(rates_wall):,.0f}/s)"
    )
    print(
        f"SimPy model:  {simpy_rate:,.0f} vehicles per CPU second (median of {args.simpy_reps} runs; wall {simpy_rate_wall:,.0f}/s)"
    )
    print(f"speed ratio:  {engine_cpu / simpy_rate:,.0f}x")
    print(
        f"one year of every U.S.-Mexico port ({ALL_PORTS_YEAR / 1e6:.0f} M crossings) at this rate: {ALL_PORTS_YEAR / engine_cpu:,.0f} s on one core"
    )


if __name__ == "__main__":
    main()
