"""In-process pre-clearance throughput: decisions per second on one core, dicts validated.

Decides synthetic declarations for the four demo ports (San Ysidro, Otay Mesa, Laredo, El Paso)
from JSON-ready dicts — validation included — through the default pipeline (filing deadline,
the not-configured credentials and admissibility notices, the v1 risk weight set with a party
history, and the HS 2022 nomenclature check when ../shared is present). Baselines measured in
the same run: pydantic validation alone, and the pipeline without its risk stage.

Throughput is counted on this process's CPU time (``time.process_time``: one thread, so one
core), which other processes on the machine do not inflate; wall-clock figures are printed
beside it. Each figure is the median of ``--runs`` runs.

    .venv/bin/python benchmarks/bench_preclearance_pipeline.py [--n 4000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from _regression import serve
from smartborder.declarations import HSNomenclature, load_hs, parse_declaration

try:  # the synthetic traffic's home since the renovation; before it, declarations (the same
    # script measures both trees: bench_pipeline_regression.py)
    from smartborder.demo.synthetic import generate_travelers, generate_trucks
except ImportError:
    from smartborder.declarations.synthetic import (  # type: ignore[import-not-found,no-redef]
        generate_travelers,
        generate_trucks,
    )
from smartborder.preclearance import (
    AdmissibilityNotConfigured,
    CredentialsNotConfigured,
    FilingStage,
    Pipeline,
)
from smartborder.risk import InMemoryPartyHistory

PORTS = ("2504", "2506", "2304", "2402")  # San Ysidro, Otay Mesa, Laredo, El Paso
HS_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "hs" / "harmonized-system.csv"
DAY = date(2026, 12, 1)
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # every arrival of DAY is ahead of it
# Share of trucks among declarations in the mixed workload: an assumption that favours trucks
# (at these four ports personal-vehicle occupants and pedestrians outnumber trucks ~10:1 or more).
TRUCK_SHARE = 0.10


# The traveler's trip facts issue 13 added for the document rules (optional fields): a tree from
# before it neither generates nor accepts them, so `--common-fields` leaves them out to compare
# both trees on the same declarations.
TRIP_FACTS = (
    "other_documents",
    "destination_distance_km",
    "destination_distance_miles",
    "stay_days",
)


def workload(
    n: int, *, seed: int = 20261201, common_fields: bool = False
) -> dict[str, list[dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    per_port = max(1, n // len(PORTS))
    trucks: list[dict[str, Any]] = []
    travelers: list[dict[str, Any]] = []
    for port in PORTS:
        if port != "2504":  # San Ysidro takes no commercial traffic
            trucks += generate_trucks(port, DAY, per_port, rng=rng)
        travelers += generate_travelers(port, DAY, per_port, rng=rng)
    n_trucks = int(n * TRUCK_SHARE)
    if common_fields:
        for t in travelers:
            for field in TRIP_FACTS:
                t.pop(field, None)
    mixed = travelers[: n - n_trucks] + trucks[:n_trucks]
    rng.shuffle(mixed)  # type: ignore[arg-type]
    return {"traveler": travelers[:n], "truck": trucks[:n], "mixed": mixed}


def _each(fn: Callable[[Any], object], items: Sequence[Any]) -> None:
    for item in items:
        fn(item)


def measure(fn: Callable[[Any], object], items: Sequence[Any], runs: int) -> tuple[float, float]:
    """Median decisions/s by CPU time and by wall clock over ``runs`` runs."""
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        _each(fn, items)
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append(len(items) / (c1 - c0))
        wall.append(len(items) / (w1 - w0))
    return statistics.median(cpu), statistics.median(wall)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="declarations per workload")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported)")
    parser.add_argument(
        "--common-fields",
        action="store_true",
        help="leave out the traveler's trip facts (fields older trees do not know)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures (decisions/s) here")
    parser.add_argument(
        "--serve", action="store_true", help="run steps named on stdin (bench_pipeline_regression)"
    )
    args = parser.parse_args(argv)

    hs: HSNomenclature | None = load_hs(HS_FILE) if HS_FILE.exists() else None
    loads = workload(args.n, common_fields=args.common_fields)
    full = Pipeline.default(history=InMemoryPartyHistory(), hs=hs)
    no_risk = Pipeline(
        [FilingStage(), CredentialsNotConfigured(), AdmissibilityNotConfigured()], hs=hs
    )

    def validate_only(d: dict[str, Any]) -> object:
        return parse_declaration(d, now=NOW, hs=hs)

    def decide_no_risk(d: dict[str, Any]) -> object:
        return no_risk.decide(d, now=NOW)

    def decide_full(d: dict[str, Any]) -> object:
        return full.decide(d, now=NOW)

    def decide_json(raw: Any) -> object:
        return full.decide(raw, now=NOW)

    for items in loads.values():  # warm caches (RFC checks, party history) as a running node would
        for d in items:
            decide_full(d)
    steps = (
        ("baseline: validation only", validate_only),
        ("baseline: pipeline without risk", decide_no_risk),
        ("full pipeline (dict → decision)", decide_full),
    )
    if args.serve:
        serve(
            {
                f"{name} | {step}": (len(items), partial(_each, fn, items))
                for name, items in loads.items()
                for step, fn in steps
            }
        )
        return

    print(
        f"pre-clearance pipeline, in process, one core; {args.n} declarations per workload, "
        f"median of {args.runs} runs; HS nomenclature: {'on' if hs else 'off'}"
    )
    print(f"{'workload':<10}{'step':<38}{'decisions/s (CPU)':>19}{'(wall)':>10}{'µs each':>9}")
    results: dict[tuple[str, str], float] = {}
    for name, items in loads.items():
        for step, fn in steps:
            cpu, wall = measure(fn, items, args.runs)
            results[(name, step)] = cpu
            print(f"{name:<10}{step:<38}{cpu:>19,.0f}{wall:>10,.0f}{1e6 / cpu:>9.1f}")
        # The HTTP path receives JSON text: validating it directly skips building a dict.
        texts = [orjson.dumps(d) for d in items]
        cpu, wall = measure(decide_json, texts, args.runs)
        print(
            f"{name:<10}{'full pipeline (JSON text → decision)':<38}{cpu:>19,.0f}{wall:>10,.0f}{1e6 / cpu:>9.1f}"
        )
    if args.json:
        args.json.write_text(
            orjson.dumps({f"{w} | {step}": v for (w, step), v in results.items()}).decode()
        )
    target = 20_000
    print()
    for name in loads:
        rate = results[(name, "full pipeline (dict → decision)")]
        verdict = "meets" if rate >= target else "below"
        print(f"{name:<10}{rate:>10,.0f} decisions/s — {verdict} the {target:,}/s target")


if __name__ == "__main__":
    main()
