"""What the random control sample costs the in-process pipeline.

Decides the same synthetic truck shipments (dicts validated) through the default pipeline
without a random sample (the baseline), with the agency's sample at 1.5 % (the default rate)
and at 20 % (the highest rate allowed), in interleaved rounds, and prints the median
per-declaration CPU time of each and the difference. The draw itself (``secrets.randbits``,
the OS CSPRNG) is timed alone as well.

    .venv/bin/python benchmarks/bench_risk_random_sample.py [--n 2000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime

import numpy as np

from smartborder.demo.synthetic import generate_trucks
from smartborder.preclearance import Pipeline
from smartborder.risk import RandomSample

DAY = date(2026, 12, 1)
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def per_decision_us(pipeline: Pipeline, trucks: list[dict[str, object]]) -> float:
    start = time.process_time()
    for record in trucks:
        pipeline.decide(record, now=NOW)
    return (time.process_time() - start) / len(trucks) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trucks = generate_trucks("2304", DAY, args.n, rng=np.random.default_rng(2026))
    pipelines = {
        "no sample (baseline)": Pipeline.default(),
        "sample at 1.5 %": Pipeline.default(random_sample=RandomSample(0.015)),
        "sample at 20 %": Pipeline.default(random_sample=RandomSample(0.2)),
    }
    for p in pipelines.values():
        per_decision_us(p, trucks[:200])  # warm up: reasons and lanes cached
    times: dict[str, list[float]] = {k: [] for k in pipelines}
    for _ in range(args.runs):  # interleaved, so drift on a shared machine hits all alike
        for name, p in pipelines.items():
            times[name].append(per_decision_us(p, trucks))
    sample = RandomSample(0.015)
    draws = 200_000
    start = time.process_time()
    for _ in range(draws):
        sample.draw()
    draw_us = (time.process_time() - start) / draws * 1e6
    base = statistics.median(times["no sample (baseline)"])
    print(
        f"{args.n:,} truck shipments decided, median of {args.runs} interleaved runs "
        f"(CPU time; load {os.getloadavg()[0]:.1f}):"
    )
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:22s} {med:8.1f} µs/declaration  ({med - base:+.2f} µs vs baseline)")
    print(f"  one draw alone (secrets.randbits + compare): {draw_us:.2f} µs")


if __name__ == "__main__":
    main()
