"""The dashboard's wait-time queries over HTTP: p95 latency (target ≤ 50 ms).

Uses the year of hourly readings for every U.S.–Mexico crossing of ``bench_kpi_engine`` (about
1.5 million rows in a SQLite store) behind the app, warms the KPI engine once, then issues
the three queries a dashboard page makes, for crossings and lanes drawn at random (seeded):

* ``GET /kpi/heatmap`` — mean and p95 wait by weekday and local hour over the whole year for one
  crossing lane;
* ``GET /kpi/waits?grain=hour`` — one crossing's hourly waits by lane over the last 7 days;
* ``GET /kpi/latest`` — the newest reading of every lane (the map).

It prints p50 / p95 per query beside a baseline measured in the same run: the heatmap computed
by the store itself (SQL ``GROUP BY`` on SQLite, mean only — SQLite has no percentile) through
SQLAlchemy, without DuckDB.

Run: .venv/bin/python benchmarks/bench_kpi_dashboard.py [--requests N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import text

from bench_kpi_engine import HOURS, YEAR_START, build_store, year_of_readings
from smartborder import ports
from smartborder.api import create_app
from smartborder.config import Settings


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    rows = year_of_readings(rng)
    engine = build_store(rows)
    url = engine.url.render_as_string(hide_password=False)
    app = create_app(
        Settings(
            home=Path(tempfile.mkdtemp(prefix="sb-kpi-dash-")),
            database_url=url,
            public_rate_limit_per_min=10**9,
        )
    )
    client = TestClient(app)
    lanes = [
        (c.bwt_number, m.value, lt.value) for c in ports.all_crossings() for (m, lt) in c.lanes
    ]
    t = time.perf_counter()
    assert client.get("/kpi/latest").status_code == 200  # first request syncs the engine
    warm_s = time.perf_counter() - t
    end = (YEAR_START.replace(tzinfo=None)).date().toordinal() + HOURS // 24 - 1
    from datetime import date

    last_day = date.fromordinal(end)
    week_start = date.fromordinal(end - 6)

    def timed(path: str, params: dict[str, str]) -> float:
        t0 = time.perf_counter()
        resp = client.get(path, params=params)
        assert resp.status_code == 200, resp.text
        return (time.perf_counter() - t0) * 1000

    results: dict[str, list[float]] = {"heatmap": [], "waits 7 days hourly": [], "latest": []}
    for _ in range(args.requests):
        crossing, mode, lane = lanes[int(rng.integers(len(lanes)))]
        results["heatmap"].append(
            timed("/kpi/heatmap", {"crossing": crossing, "mode": mode, "lane_type": lane})
        )
        results["waits 7 days hourly"].append(
            timed("/kpi/waits", {"crossing": crossing, "by": "crossing,mode,lane_type", "grain": "hour",
                                 "start": week_start.isoformat(), "end": last_day.isoformat()})
        )  # fmt: skip
        results["latest"].append(timed("/kpi/latest", {}))

    baseline: list[float] = []
    sql = text(
        "SELECT strftime('%w', updated_at) AS wd, strftime('%H', updated_at) AS h, count(*), avg(delay_min)"
        " FROM kpi_bwt_readings WHERE port_number = :c AND mode = :m AND lane_type = :l"
        " AND delay_min IS NOT NULL GROUP BY wd, h"
    )
    with engine.connect() as conn:
        for _ in range(min(args.requests, 50)):
            crossing, mode, lane = lanes[int(rng.integers(len(lanes)))]
            t0 = time.perf_counter()
            conn.execute(sql, {"c": crossing, "m": mode, "l": lane}).all()
            baseline.append((time.perf_counter() - t0) * 1000)

    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {len(rows):,} readings; first request (engine sync) {warm_s:.1f} s"
    )
    print(
        f"{'query':<22} {'p50 ms':>8} {'p95 ms':>8}  (target p95 ≤ 50 ms, {args.requests} requests each)"
    )
    for name, values in results.items():
        print(f"{name:<22} {statistics.median(values):>8.1f} {pct(values, 0.95):>8.1f}")
    print(
        f"{'baseline: SQLite heatmap':<22} {statistics.median(baseline):>8.1f} {pct(baseline, 0.95):>8.1f}  (mean only, UTC hours, no HTTP)"
    )
    app.state.ctx.close()
    engine.dispose()


if __name__ == "__main__":
    main()
