"""BWT feed archive import: snapshots per second into the store (target ≥ 100/s).

Imports one month of the real archive (../shared/data/bwt/bwt-feed-2025-07.tar, 744 hourly
snapshots of every U.S. land port) into a fresh store, twice (--runs), and prints the median rate
beside two baselines measured in the same run: parsing alone (the ceiling: gunzip + XML +
local times, no store) and a naive import (ORM objects, one transaction and one existence
check per reading) on the first 50 snapshots.

Run: .venv/bin/python benchmarks/bench_kpi_import.py [--tar PATH] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from _pgschema import drop_schema, fresh_schema_url, pg_available
from smartborder.kpi import import_bwt, iter_snapshot_sources, parse_bwt
from smartborder.kpi.bwt import PLATFORM_LANE, PLATFORM_MODE
from smartborder.store import make_engine, session_factory, transaction, upgrade
from smartborder.store.tables.kpi import BwtReadingRow

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt"


def fresh(url_for: str) -> str:
    if url_for == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='sb-kpi-import-')}/bench.db"
    url = fresh_schema_url("bench_import")
    assert url is not None
    return url


def naive_import(url: str, tar: Path, limit: int) -> float:
    """Baseline: ORM row by row, a transaction per snapshot, a SELECT per reading."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    n = 0
    t0 = time.perf_counter()
    for src in iter_snapshot_sources([tar]):
        if n >= limit:
            break
        n += 1
        if src.data is None:
            continue
        snap = parse_bwt(src.data, source=src.name)
        with transaction(sessions) as s:
            for r in snap.readings:
                key = (
                    r.port_number,
                    PLATFORM_MODE[r.mode],
                    PLATFORM_LANE[r.lane_type],
                    r.updated_at,
                )
                found = s.scalar(
                    select(BwtReadingRow.id).where(
                        BwtReadingRow.port_number == key[0],
                        BwtReadingRow.mode == key[1],
                        BwtReadingRow.lane_type == key[2],
                        BwtReadingRow.updated_at == key[3],
                    )
                )
                if found is None:
                    s.add(BwtReadingRow(port_number=key[0], mode=key[1], lane_type=key[2], updated_at=key[3],
                                        border=r.border, status=r.status, delay_min=r.delay_min,
                                        lanes_open=r.lanes_open, max_lanes=r.max_lanes))  # fmt: skip
                    s.flush()
    rate = n / (time.perf_counter() - t0)
    engine.dispose()
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tar", type=Path, default=SHARED / "bwt-feed-2025-07.tar")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args()
    if not args.tar.exists():
        raise SystemExit(f"archive not found: {args.tar} (../shared/data/bwt)")
    stores = ["sqlite"] + (["postgresql"] if pg_available() else [])

    t0 = time.perf_counter()
    n = sum(
        1
        for src in iter_snapshot_sources([args.tar])
        if src.data is not None and parse_bwt(src.data, source=src.name)
    )
    parse_rate = n / (time.perf_counter() - t0)
    print(
        f"archive: {args.tar.name}, {n} snapshots; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(
        f"{'store':<11} {'snapshots/s':>12} {'readings':>9} {'parse-only/s':>13} {'naive/s':>9}  (target ≥ 100/s)"
    )
    for store in stores:
        rates, readings = [], 0
        for _ in range(args.runs):
            url = fresh(store)
            engine = make_engine(url)
            upgrade(engine)
            t = time.perf_counter()
            report = import_bwt(session_factory(engine), [args.tar])
            rates.append(report.snapshots_seen / (time.perf_counter() - t))
            readings = report.rows_imported
            engine.dispose()
            drop_schema(url)
        url = fresh(store)
        naive = naive_import(url, args.tar, 50)
        drop_schema(url)
        print(
            f"{store:<11} {statistics.median(rates):>12.0f} {readings:>9} {parse_rate:>13.0f} {naive:>9.0f}"
        )


if __name__ == "__main__":
    main()
