"""Wait-time forecasts: held-out MAE 1-6 h ahead beside the two baselines, and timings.

Trains on the March-July 2025 feed archives and forecasts August-September 2025 (../shared/
data/bwt), as `smartborder kpi forecast-eval` does, but loads the archives once for every
horizon. Prints MAE (minutes) of the model, persistence and the training hour-of-week mean,
overall and at the four ports the issue sets the target at, then fit and forecast timings.

    .venv/bin/python benchmarks/bench_kpi_forecast.py [--quick] [--horizons 1,2,3,4,5,6]

``--quick`` trains on July only and tests on August (about a third of the time).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from smartborder.kpi.forecast import evaluate_forecaster, fit_forecaster, forecast
from smartborder.kpi.forecast_data import TARGET_PORTS, load_archives
from smartborder.kpi.forecast_features import build_series

BWT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--horizons", default="1,2,3,4,5,6")
    args = ap.parse_args()
    if not BWT.exists():
        print(f"skipped: {BWT} not present")
        return 0
    months_train = ["07"] if args.quick else ["03", "04", "05", "06", "07"]
    months_test = ["08"] if args.quick else ["08", "09"]
    horizons = [int(h) for h in args.horizons.split(",")]

    t0 = time.perf_counter()
    train = load_archives([BWT / f"bwt-feed-2025-{m}.tar" for m in months_train])
    test = load_archives([BWT / f"bwt-feed-2025-{m}.tar" for m in months_test])
    load_s = time.perf_counter() - t0
    snaps = train.snapshots + test.snapshots
    print(
        f"loaded {snaps} snapshots in {load_s:.1f} s ({snaps / load_s:.0f}/s): "
        f"train 2025-{months_train[0]}..{months_train[-1]} ({len(train.observations):,} readings), "
        f"test 2025-{months_test[0]}..{months_test[-1]} ({len(test.observations):,})"
    )

    t0 = time.perf_counter()
    model = fit_forecaster(train.observations, rng=np.random.default_rng(0), horizons_h=horizons)
    fit_s = time.perf_counter() - t0
    print(f"fit {len(horizons)} horizon model(s) on {model.trained_rows:,} rows in {fit_s:.1f} s")

    print("\nMAE, minutes (all U.S.-Mexico crossings and lane types, pooled)")
    print(f"{'ahead':>6} {'n':>7} {'model':>7} {'persist':>8} {'how-mean':>9} {'vs best':>8}")
    at_60 = None
    for k in horizons:
        ev = evaluate_forecaster(model, test.observations, horizon_h=k, after=train.last)
        o = ev.overall
        print(
            f"{k:>4} h {o.n:>7} {o.mae_model:>7.2f} {o.mae_persistence:>8.2f} "
            f"{o.mae_hour_of_week:>9.2f} {-o.improvement:>+8.1%}"
        )
        if k == 1:
            at_60 = ev
    if at_60 is not None:
        print(
            "\n60 min ahead at the target ports (issue 15 goal: >= 5% lower MAE than the better baseline)"
        )
        print(f"{'port':<12} {'n':>6} {'model':>7} {'persist':>8} {'how-mean':>9} {'vs best':>8}")
        for p in at_60.ports:
            if p.crossing in TARGET_PORTS:
                print(
                    f"{TARGET_PORTS[p.crossing]:<12} {p.n:>6} {p.mae_model:>7.2f} "
                    f"{p.mae_persistence:>8.2f} {p.mae_hour_of_week:>9.2f} {-p.improvement:>+8.1%}"
                )

    # Serving cost: one forecast (6 horizons) from eight days of one crossing's history, as
    # GET /kpi/forecast does, against the baseline of the hour-of-week mean (no model).
    series = build_series(
        o for o in test.observations if (o.crossing, o.lane) == ("250401", "passenger_standard")
    )[("250401", "passenger_standard")]
    last = series.last_observed()
    assert last is not None
    cut = last - series.start + 1
    series.wait, series.lanes = series.wait[cut - 192 : cut], series.lanes[cut - 192 : cut]
    series.start = last - 191
    for label, m in (("model", model), ("hour-of-week baseline", None)):
        times = []
        for _ in range(15):
            t0 = time.perf_counter()
            forecast(m, series)
            times.append(time.perf_counter() - t0)
        print(f"one forecast ({label}): median {statistics.median(times) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
