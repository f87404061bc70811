"""The forecast target of issue 15 (item 6), on months the forecaster has not seen.

For each test month (default June-September 2025), trains the product's forecaster
(``fit_with_bands``: model, ranges and per-lane fallback, all from the training period) on
every reading of the BWT archives published before the month, forecasts the month hour by
hour, and prints per port (San Ysidro, Otay Mesa, Laredo, El Paso) and horizon (60, 120,
180 min), pooled over the test months: MAE of what is served, of the model alone, of
persistence and of the training hour-of-week mean, the improvement over the better baseline
against the target, and the worst crossing lane among those with >= 200 scored readings.

    .venv/bin/python benchmarks/bench_kpi_forecast_target.py [--months 2025-08,2025-09]

The archives are read from $SMARTBORDER_BWT_DIR, else ../shared/data/bwt beside the repo.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from smartborder.kpi.forecast_data import load_archives
from smartborder.kpi.forecast_target import (
    LANE_MIN_READINGS,
    LANE_TOLERANCE,
    TargetReport,
    evaluate_target,
)

BWT = Path(
    os.environ.get(
        "SMARTBORDER_BWT_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt"
    )
)


def _print(report: TargetReport) -> None:
    for m in report.months:
        print(
            f"test {m.test_month}: trained on {m.train_readings:,} readings "
            f"{m.train_first_utc[:10]} .. {m.train_last_utc[:16]} UTC, scored "
            f"{m.test_readings:,} readings of the month; {m.lanes_on_fallback} lane-horizons "
            "on a baseline (chosen on the last two training weeks)"
        )
    print(
        "\nMAE, minutes, pooled over the test months. served: what the product serves "
        "(model, or the lane's fallback); vs best: served against the better baseline"
    )
    head = (
        f"{'port':<11}{'ahead':>6}{'n':>7}{'served':>8}{'model':>7}{'persist':>8}"
        f"{'how-mean':>9}{'vs best':>9}{'target':>8}  {'':<8}worst lane (n>={LANE_MIN_READINGS})"
    )
    print(head)
    met_all = True
    for p in report.ports:
        s = p.score
        ok = p.met and p.lanes_met
        met_all &= ok
        lane = ""
        if p.worst_lane is not None:
            w = p.worst_lane
            lane = (
                f"{w.key} n={w.n} {w.mae_served:.2f} vs {w.best_baseline:.2f} "
                f"{-w.improvement:+.1%} ({'ok' if p.lanes_met else f'> +{LANE_TOLERANCE:.0%}'})"
            )
        print(
            f"{p.port_name:<11}{p.horizon_min:>4}m {s.n:>7}{s.mae_served:>8.2f}{s.mae_model:>7.2f}"
            f"{s.mae_persistence:>8.2f}{s.mae_hour_of_week:>9.2f}{-s.improvement:>+9.1%}"
            f"{-p.target:>+8.0%}  {'met' if p.met else 'NOT met':<8}{lane}"
        )
    print(f"\nall targets met: {met_all}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--months", default="2025-06,2025-07,2025-08,2025-09")
    ap.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = ap.parse_args()
    if not BWT.exists():
        print(f"skipped: {BWT} not present")
        return 0
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load: {load}")
    t0, c0 = time.perf_counter(), time.process_time()
    every = load_archives(sorted(BWT.glob("bwt-feed-*.tar"))).observations
    print(f"loaded {len(every):,} readings in {time.process_time() - c0:.0f} CPU s", flush=True)
    months = [datetime.strptime(m, "%Y-%m").replace(tzinfo=UTC) for m in args.months.split(",")]
    report = evaluate_target(
        every,
        months,
        rng=np.random.default_rng(0),
        progress=lambda msg: print(f"  {msg} ({time.process_time() - c0:.0f} CPU s)", flush=True),
    )
    _print(report)
    if args.json:
        args.json.write_text(report.model_dump_json(indent=2))
    print(
        f"({time.process_time() - c0:.0f} CPU s, {time.perf_counter() - t0:.0f} s wall; "
        f"load after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
