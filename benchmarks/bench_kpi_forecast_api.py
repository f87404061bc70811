"""GET /kpi/forecast latency over a store holding two weeks of the real feed, with a trained
model — computed every time, and served from the forecast cache (a forecast changes only when
a new wait is published) — beside GET /kpi/latest (the dashboard's map query), same run.

    .venv/bin/python benchmarks/bench_kpi_forecast_api.py [--requests 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from smartborder.api import create_app
from smartborder.config import Settings
from smartborder.kpi.forecast import ForecastCache, fit_forecaster, model_path
from smartborder.kpi.forecast_data import load_archives
from smartborder.kpi.importers import import_bwt

TAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt" / "bwt-feed-2025-09.tar"
LANES = [
    ("250401", "passenger_standard"),  # San Ysidro
    ("250601", "passenger_sentri"),  # Otay Mesa
    ("230404", "commercial_standard"),  # Laredo, World Trade Bridge
    ("240201", "passenger_ready"),  # El Paso, BOTA
    ("260401", "pedestrian_standard"),  # Nogales, DeConcini
]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered) * 1000, p95 * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    if not TAR.exists():
        print(f"skipped: {TAR} not present")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bwt"
        folder.mkdir()
        with tarfile.open(TAR) as tf:
            members = sorted((m for m in tf if m.name.endswith(".xml.gz")), key=lambda m: m.name)
            for m in members[-24 * 14 :]:
                fh = tf.extractfile(m)
                assert fh is not None
                (folder / Path(m.name).name).write_bytes(fh.read())
        settings = Settings(home=Path(tmp) / "home", public_rate_limit_per_min=10**9)
        app = create_app(settings)
        report = import_bwt(app.state.ctx.sessions, [folder])
        model = fit_forecaster(load_archives([folder]).observations, rng=np.random.default_rng(0))
        model.save(model_path(settings.home))
        api = TestClient(app)
        print(
            f"store: {report.rows_imported:,} readings from {report.snapshots_imported} snapshots"
        )

        def forecast_params(i: int) -> dict[str, str]:
            crossing, lane = LANES[i % len(LANES)]
            return {"crossing": crossing, "lane": lane}

        for name, path, params, cold in (
            ("GET /kpi/latest (baseline)", "/kpi/latest", lambda i: {"format": "json"}, False),
            ("GET /kpi/forecast, computed", "/kpi/forecast", forecast_params, True),
            ("GET /kpi/forecast, cached", "/kpi/forecast", forecast_params, False),
        ):
            for i in range(len(LANES)):  # warm: engine copy, model load, forecast cache
                api.get(path, params=params(i))
            samples = []
            for i in range(args.requests):
                if cold:  # every request computes its forecast
                    app.state.forecast_cache = ForecastCache()
                t0 = time.perf_counter()
                r = api.get(path, params=params(i))
                samples.append(time.perf_counter() - t0)
                assert r.status_code == 200, r.text
            p50, p95 = _percentiles(samples)
            print(f"{name:<30} {args.requests} requests: median {p50:.1f} ms, p95 {p95:.1f} ms")
        app.state.ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
