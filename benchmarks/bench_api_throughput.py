"""Decisions per second through the HTTP API, with a durable write per decision.

For each store (SQLite file in WAL mode; PostgreSQL where SMARTBORDER_BENCH_PG_URL or the
machine's local server is reachable) this starts `uvicorn` with the app, then a closed-loop
load generator on the same 2-core machine posts one declaration per request (a mix of
trucks and travelers, each a new record: validation, pipeline, four rows in one
transaction). It prints throughput and latency percentiles (median of 3 runs) beside two
baselines measured in the same run: GET /healthz (the HTTP stack's ceiling on this machine)
and the same submissions in-process without HTTP.

Run: .venv/bin/python benchmarks/bench_api_throughput.py [--requests N] [--workers W]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from _httpload import LoadResult, build_request, run_load
from _pgschema import drop_schema, fresh_schema_url
from smartborder.clients import Role, TokenSigner, create_client
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.node import build_pipeline
from smartborder.preclearance import prepare, store_many
from smartborder.store import make_engine, session_factory, transaction, upgrade


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payloads(n: int, seed: int, truck_share: float = 0.5) -> list[tuple[str, dict[str, Any]]]:
    rng = np.random.default_rng(seed)
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    n_trucks = round(n * truck_share)
    trucks = generate_trucks("2304", day, n_trucks, rng=rng)
    travelers = generate_travelers("2504", day, n - n_trucks, rng=rng)
    out: list[tuple[str, dict[str, Any]]] = [("/declarations/trucks", t) for t in trucks]
    out += [("/declarations/travelers", t) for t in travelers]
    rng.shuffle(out)  # type: ignore[arg-type]
    for i, (_, p) in enumerate(out):
        p["idempotency_key"] = f"bench-{seed}-{i}"
    return out


def wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def bench_store(
    label: str, url: str, *, requests: int, workers: int, concurrency: int, truck_share: float
) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"sb-bench-{label}-"))
    settings = Settings(home=home, database_url=url)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        client = create_client(s, org="Bench Carrier", role=Role.CARRIER)
    from smartborder.clients import authenticate

    with transaction(sessions) as s:
        principal = authenticate(s, client.client_id, client.client_secret)
    token, _ = TokenSigner.from_home(home, ttl_s=3600).issue(principal)

    # Baseline 1: the same write path in-process (no HTTP), one transaction per declaration.
    pipeline = build_pipeline(settings)
    inproc = payloads(min(requests, 2000), seed=999, truck_share=truck_share)
    t0 = time.perf_counter()
    for _, p in inproc:
        with transaction(sessions) as s:
            store_many(s, [prepare(principal, p, decider=pipeline, now=datetime.now(UTC))])
    inproc_rps = len(inproc) / (time.perf_counter() - t0)
    engine.dispose()

    port = free_port()
    env = {
        **os.environ,
        "SMARTBORDER_HOME": str(home),
        "SMARTBORDER_DATABASE_URL": url,
        "SMARTBORDER_TOKEN_TTL_S": "3600",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "smartborder.api.app:create_app",
            "--factory",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        wait_ready(port, proc)
        host = f"127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        health = [build_request("GET", "/healthz", host, {}, b"")] * requests
        run_load("127.0.0.1", port, health[:500], concurrency=concurrency)  # warm-up
        health_runs = [
            run_load("127.0.0.1", port, health, concurrency=concurrency) for _ in range(3)
        ]
        runs: list[LoadResult] = []
        for rep in range(3):
            reqs = [
                build_request("POST", path, host, auth, json.dumps(p).encode())
                for path, p in payloads(requests, seed=rep, truck_share=truck_share)
            ]
            runs.append(run_load("127.0.0.1", port, reqs, concurrency=concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    bad = {k: v for r in runs for k, v in r.statuses.items() if k != 201}
    if bad:
        raise SystemExit(f"{label}: unexpected statuses {bad}")
    return {
        "store": label,
        "workers": workers,
        "concurrency": concurrency,
        "requests_per_run": requests,
        "truck_share": truck_share,
        "decisions_per_s": statistics.median(r.rps for r in runs),
        "p50_ms": statistics.median(r.median_ms for r in runs),
        "p99_ms": statistics.median(r.pct(0.99) for r in runs),
        "baseline_healthz_per_s": statistics.median(r.rps for r in health_runs),
        "baseline_in_process_per_s": inproc_rps,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument(
        "--truck-share",
        type=float,
        default=0.5,
        help="share of truck shipments (heavier: ~45 nested records) among the declarations; "
        "the demo day's traffic has 19%%",
    )
    ap.add_argument(
        "--stores", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    args = ap.parse_args()
    wanted = set(args.stores.split(","))
    stores = []
    if "sqlite" in wanted:
        stores.append(("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='sb-bench-db-')}/bench.db"))
    pg_url = fresh_schema_url("bench_api") if "postgresql" in wanted else None
    if pg_url is not None:
        stores.append(("postgresql", pg_url))
    elif "postgresql" in wanted:
        print("PostgreSQL not reachable: only SQLite measured")
    print(
        f"{'store':<11} {'decisions/s':>11} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'healthz/s':>10} {'in-proc/s':>10}  (workers={args.workers}, "
        f"concurrency={args.concurrency}, truck share {args.truck_share:.0%}, target ≥ 1,000/s with p99 ≤ 50 ms)"
    )
    try:
        for label, url in stores:
            r = bench_store(
                label,
                url,
                requests=args.requests,
                workers=args.workers,
                concurrency=args.concurrency,
                truck_share=args.truck_share,
            )
            print(
                f"{r['store']:<11} {r['decisions_per_s']:>11,.0f} {r['p50_ms']:>7.1f} "
                f"{r['p99_ms']:>7.1f} {r['baseline_healthz_per_s']:>10,.0f} "
                f"{r['baseline_in_process_per_s']:>10,.0f}"
            )
            print(json.dumps(r))
    finally:
        if pg_url is not None:
            drop_schema(pg_url)


if __name__ == "__main__":
    main()
