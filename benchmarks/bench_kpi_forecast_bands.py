"""80 % ranges around wait forecasts: do they hold on months the model never saw, and how wide?

Trains as ``smartborder kpi forecast-train`` does (``fit_with_bands``: ranges measured on the
last two weeks of the archive by a model trained on the weeks before) on March-July 2025,
then scores August-September 2025 at every horizon: the share of published waits inside the
forecast's range and the range's mean width. Baseline, same run: the same 80 % range built
around persistence (the wait now plus the 10th-90th percentiles of how the wait changed over
that many hours in the training months, per lane type and level), scored on the same rows.

    .venv/bin/python benchmarks/bench_kpi_forecast_bands.py [--quick]

``--quick`` trains on June-July and tests on August.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from smartborder.kpi.forecast import HORIZONS_H, WaitForecaster, held_out_rows
from smartborder.kpi.forecast_bands import (
    band_coverage,
    bands_from_errors,
    coverage_of,
    fit_with_bands,
)
from smartborder.kpi.forecast_data import TARGET_PORTS, load_archives
from smartborder.kpi.forecast_features import WaitObservation, port_code_of

BWT = Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt"


def persistence_coverage(
    model: WaitForecaster,
    train: list[WaitObservation],
    test: list[WaitObservation],
    k: int,
    after: datetime | None,
) -> tuple[float, float]:
    """Coverage and mean width of the persistence range at horizon ``k``."""
    lanes: list[str] = []
    nows: list[np.ndarray] = []
    changes: list[np.ndarray] = []
    for seen in held_out_rows(model, train, horizon_h=k):
        lanes.extend([seen.key[1]] * len(seen.now))
        nows.append(seen.now)
        changes.append(seen.truth - seen.now)
    bands = bands_from_errors(
        lanes, [k] * len(lanes), np.concatenate(nows), np.concatenate(changes)
    )
    rows = held_out_rows(model, test, horizon_h=k, after=after)
    cov = coverage_of(rows, bands, horizon_h=k, around_now=True)
    return cov.inside, cov.mean_width_min


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if not BWT.exists():
        print(f"skipped: {BWT} not present")
        return 0
    months_train = ["06", "07"] if args.quick else ["03", "04", "05", "06", "07"]
    months_test = ["08"] if args.quick else ["08", "09"]
    t0 = time.perf_counter()
    train = load_archives([BWT / f"bwt-feed-2025-{m}.tar" for m in months_train])
    test = load_archives([BWT / f"bwt-feed-2025-{m}.tar" for m in months_test])
    print(
        f"loaded {train.snapshots + test.snapshots} snapshots in {time.perf_counter() - t0:.0f} s"
    )
    t0 = time.perf_counter()
    model = fit_with_bands(train.observations, rng=np.random.default_rng(0))
    print(
        f"trained with ranges (two fits of {len(HORIZONS_H)} horizons) in "
        f"{time.perf_counter() - t0:.0f} s; {len(model.bands)} range cells"
    )
    after = train.last
    print(f"\n80 % ranges on 2025-{months_test[0]}..{months_test[-1]} (never seen in training)")
    print(
        f"{'ahead':>6} {'n':>7} {'inside':>7} {'width':>7}   {'persistence range: inside':>26} {'width':>7}"
    )
    for k in HORIZONS_H:
        cov = band_coverage(model, test.observations, horizon_h=k, after=after)
        p_in, p_width = persistence_coverage(model, train.observations, test.observations, k, after)
        print(
            f"{k:>4} h {cov.n:>7} {cov.inside:>7.1%} {cov.mean_width_min:>5.1f} m   "
            f"{p_in:>26.1%} {p_width:>5.1f} m"
        )
    print("\n1 h ahead at the target ports")
    for code, name in TARGET_PORTS.items():
        crossings = {o.crossing for o in test.observations if port_code_of(o.crossing) == code}
        cov = band_coverage(model, test.observations, horizon_h=1, after=after, crossings=crossings)
        print(
            f"  {name:<11} n={cov.n:>6} inside {cov.inside:.1%}, mean width {cov.mean_width_min:.1f} min"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
