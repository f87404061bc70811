"""Benchmark of the twin's system comparison (issue 15): a new port (Otay Mesa East) beside the
four calibrated ports (San Ysidro, Otay Mesa, Laredo, El Paso), every port run before and after
the demand split; target <= 10 s. Baseline measured in the same run: the single-port comparison
the twin offered before (``twin compare san_ysidro san_ysidro_new_port``: the old "new port" as
``demand_scale: 0.85``). Also: what joint inspection saves at Otay Mesa (serial and UCP runs).

CPU seconds of this process (``time.process_time``: fair on a shared machine) and wall seconds,
medians of repeats; the load average (``uptime``) before and after.

    .venv/bin/python benchmarks/bench_twin_system.py [--repeats 5] [--replications 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from smartborder.twin import (
    compare_joint,
    compare_system,
    load_scenario,
    load_system,
    shipped_scenarios,
    shipped_systems,
    simulate,
)

TARGET_S = 10.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float, float, float]:
    """First call's CPU and wall seconds, then medians of ``repeats`` calls."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    first = (time.process_time() - c0, time.perf_counter() - w0)
    cpu, wall = [], []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return first[0], first[1], statistics.median(cpu), statistics.median(wall)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--replications", type=int, default=2)
    args = ap.parse_args()
    reps = args.replications
    print(f"before: {load()}")

    shipped = shipped_scenarios()

    def single_port() -> object:
        return [
            simulate(load_scenario(shipped[n]), replications=reps, seed=0)
            for n in ("san_ysidro", "san_ysidro_new_port")
        ]

    def system() -> object:
        return compare_system(
            load_system(shipped_systems()["otay_mesa_east"]), replications=reps, seed=0
        )

    def joint() -> object:
        return compare_joint(
            load_scenario(shipped["otay_mesa_both_sides"]), replications=reps, seed=0
        )

    rows = [
        ("single-port comparison (baseline): san_ysidro vs san_ysidro_new_port", single_port),
        ("system comparison: otay_mesa_east, 4 calibrated ports + new port", system),
        ("joint inspection: otay_mesa_both_sides, serial vs UCP", joint),
    ]
    results = {label: timed(fn, args.repeats) for label, fn in rows}
    cmp = compare_system(
        load_system(shipped_systems()["otay_mesa_east"]), replications=reps, seed=0
    )
    vehicles = sum(r.vehicles for r in (*cmp.results_before.values(), *cmp.results_after.values()))
    print(f"after:  {load()}")
    print(
        f"{reps} replications, 7 days after 1 warm-up day; medians of {args.repeats} (first call apart)"
    )
    print(f"{'':72} {'CPU s':>8} {'wall s':>8} {'first CPU':>10} {'first wall':>11}")
    for label, (fc, fw, c, w) in results.items():
        print(f"{label:72} {c:8.2f} {w:8.2f} {fc:10.2f} {fw:11.2f}")
    sys_cpu = results[rows[1][0]][2]
    base_cpu = results[rows[0][0]][2]
    print(
        f"system comparison: {vehicles:,} vehicles simulated, {vehicles / sys_cpu:,.0f} per CPU s; "
        f"{sys_cpu / base_cpu:.2f}x the single-port comparison; target <= {TARGET_S:.0f} s: "
        f"{'met' if max(results[rows[1][0]][2:]) <= TARGET_S else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
