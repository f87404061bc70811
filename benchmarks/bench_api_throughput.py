"""Decisions per second through the HTTP API, with a durable write per decision: closed
loop and open loop, with what stalled the slow answers.

For each store (SQLite file in WAL mode; PostgreSQL where SMARTBORDER_BENCH_PG_URL or the
machine's local server is reachable) this starts `uvicorn` with the app (through
``_probe.create_app``, which builds the same app and records each worker's garbage
collections, event-loop lag and group-commit batches), then a load generator on the same
2-core machine posts one declaration per request (a mix of trucks and travelers, each a new
record: validation, pipeline, four rows in one transaction).

* Closed loop (``--concurrency`` connections, each waiting for its answer): throughput and
  latency percentiles, median of 3 runs.
* Open loop (``--rates``, default 1,000 submissions/s for ``--seconds``): requests sent on a
  fixed schedule by a generator in its own process, latency from each request's scheduled
  instant (as wrk2 does: a stall's queue is measured, not hidden). p50/p99/p99.9/max, the
  rate achieved, errors, and the generator's own CPU.
* Stalls: for the open-loop answers over 50 ms, what overlapped them in the server's own
  records (a gen-2 collection, an event-loop lag, a write-lock wait, a slow commit).

Baselines measured in the same run: GET /healthz (the HTTP stack's ceiling on this machine)
and the same submissions in-process without HTTP; ``--variants node,freeze`` also runs the node
with :func:`smartborder.api.gc_tuning.freeze_startup_heap` applied, beside the node as built.

Run: .venv/bin/python benchmarks/bench_api_throughput.py [--quick] [--stores sqlite]
     [--rates 250,500,1000] [--seconds 20] [--variants node,freeze] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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

from _httpload import (
    LoadResult,
    OpenLoopResult,
    build_request,
    open_loop_in_subprocess,
    percentile,
    run_load,
)
from _pgschema import drop_schema, fresh_schema_url
from _stalls import attribute, read_probe, summarise
from smartborder.clients import Role, TokenSigner, create_client
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.node import build_pipeline
from smartborder.preclearance import prepare, store_many
from smartborder.store import make_engine, session_factory, transaction, upgrade

BENCH_DIR = Path(__file__).resolve().parent
TARGET = "target ≥ 1,000/s with p99 ≤ 50 ms"


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
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


class Node:
    """One store, migrated, with a client and its token; serves through uvicorn on demand."""

    def __init__(self, label: str, url: str) -> None:
        self.label = label
        self.url = url
        self.home = Path(tempfile.mkdtemp(prefix=f"sb-bench-{label}-"))
        self.settings = Settings(home=self.home, database_url=url)
        engine = make_engine(self.settings.db_url)
        upgrade(engine)
        self.sessions = session_factory(engine)
        self.engine = engine
        with transaction(self.sessions) as s:
            client = create_client(s, org="Bench Carrier", role=Role.CARRIER)
        from smartborder.clients import authenticate

        with transaction(self.sessions) as s:
            self.principal = authenticate(s, client.client_id, client.client_secret)
        self.token, _ = TokenSigner.from_home(self.home, ttl_s=3600).issue(self.principal)
        self.seed = 0

    def in_process_rate(self, n: int, truck_share: float) -> float:
        """Baseline: the same write path without HTTP, one transaction per declaration."""
        pipeline = build_pipeline(self.settings)
        inproc = payloads(n, seed=999, truck_share=truck_share)
        t0 = time.perf_counter()
        for _, p in inproc:
            with transaction(self.sessions) as s:
                store_many(s, [prepare(self.principal, p, decider=pipeline, now=datetime.now(UTC))])
        rate = len(inproc) / (time.perf_counter() - t0)
        self.engine.dispose()
        return rate

    def requests(self, n: int, host: str, truck_share: float) -> list[bytes]:
        """``n`` new submissions (fresh idempotency keys at every call)."""
        self.seed += 1
        auth = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        return [
            build_request("POST", path, host, auth, json.dumps(p).encode())
            for path, p in payloads(n, seed=self.seed, truck_share=truck_share)
        ]

    def serve(self, *, workers: int, probe_dir: Path, variant: str) -> subprocess.Popen[bytes]:
        """uvicorn with ``variant``: ``node`` (as built), or ``+``-joined settings the probe
        applies: ``freeze`` / ``freeze:<young threshold>``, ``switch:<ms>``."""
        parts = dict(p.partition(":")[::2] for p in variant.split("+") if p != "node")
        port = free_port()
        env = {
            **os.environ,
            "SMARTBORDER_HOME": str(self.home),
            "SMARTBORDER_DATABASE_URL": self.url,
            "SMARTBORDER_TOKEN_TTL_S": "3600",
            "SMARTBORDER_PROBE_DIR": str(probe_dir),
            "SMARTBORDER_PROBE_GC": ("" if "freeze" not in parts else "freeze:" + parts["freeze"]),
            "SMARTBORDER_PROBE_SWITCH_MS": parts.get("switch", ""),
            "PYTHONPATH": os.pathsep.join(
                [str(BENCH_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
            ),
        }
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "_probe:create_app",
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
        proc.port = port  # type: ignore[attr-defined]
        return proc


def closed_loop(
    node: Node, port: int, *, requests: int, concurrency: int, runs: int, truck_share: float
) -> dict[str, Any]:
    host = f"127.0.0.1:{port}"
    health = [build_request("GET", "/healthz", host, {}, b"")] * requests
    run_load("127.0.0.1", port, health[: min(500, requests)], concurrency=concurrency)  # warm-up
    health_runs = [
        run_load("127.0.0.1", port, health, concurrency=concurrency) for _ in range(runs)
    ]
    out: list[LoadResult] = []
    for _ in range(runs):
        reqs = node.requests(requests, host, truck_share)
        out.append(run_load("127.0.0.1", port, reqs, concurrency=concurrency))
    bad = {k: v for r in out for k, v in r.statuses.items() if k != 201}
    return {
        "decisions_per_s": statistics.median(r.rps for r in out),
        "p50_ms": statistics.median(r.median_ms for r in out),
        "p99_ms": statistics.median(r.pct(0.99) for r in out),
        "healthz_per_s": statistics.median(r.rps for r in health_runs),
        "unexpected_statuses": bad,
    }


def open_loop(
    node: Node, port: int, *, rate: float, seconds: float, truck_share: float
) -> OpenLoopResult:
    reqs = node.requests(max(1, round(rate * seconds)), f"127.0.0.1:{port}", truck_share)
    # In flight at most: the rate times 0.4 s of stall, 32–512 connections (idle ones would
    # hit the server's 5 s keep-alive timeout at low rates).
    connections = int(min(512, max(32, rate * 0.4)))
    return open_loop_in_subprocess(
        "127.0.0.1", port, reqs, rate=rate, connections=connections, timeout_s=30.0
    )


def bench_store(label: str, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    node = Node(label, url)
    inproc = node.in_process_rate(args.in_process, args.truck_share)
    rows: list[dict[str, Any]] = []
    for variant in args.variants.split(","):
        probe_dir = Path(tempfile.mkdtemp(prefix="sb-bench-probe-"))
        proc = node.serve(workers=args.workers, probe_dir=probe_dir, variant=variant)
        port: int = proc.port  # type: ignore[attr-defined]
        try:
            wait_ready(port, proc)
            closed = closed_loop(
                node,
                port,
                requests=args.requests,
                concurrency=args.concurrency,
                runs=args.runs,
                truck_share=args.truck_share,
            )
            opens = [
                open_loop(node, port, rate=rate, seconds=args.seconds, truck_share=args.truck_share)
                for rate in args.rates
            ]
            time.sleep(1.5)  # the workers' last probe records are flushed every second
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        events = read_probe(probe_dir)
        if args.keep_probe:
            print(f"probe records kept in {probe_dir}")
        else:
            shutil.rmtree(probe_dir, ignore_errors=True)
        row = {
            "store": label,
            "variant": variant,
            "workers": args.workers,
            "truck_share": args.truck_share,
            "closed_loop": {"concurrency": args.concurrency, **closed},
            "baseline_in_process_per_s": inproc,
            "open_loop": [],
        }
        print(
            f"{label:<11} {variant:<7} closed loop ({args.concurrency} connections): "
            f"{closed['decisions_per_s']:,.0f}/s p50 {closed['p50_ms']:.1f} ms "
            f"p99 {closed['p99_ms']:.1f} ms | healthz {closed['healthz_per_s']:,.0f}/s | "
            f"in-process {inproc:,.0f}/s"
            + (
                f" | unexpected {closed['unexpected_statuses']}"
                if closed["unexpected_statuses"]
                else ""
            )
        )
        for r in opens:
            window = (r.start, r.start + r.seconds)
            stalls = summarise(events, window)
            causes = attribute(r, events, slow_ms=args.slow_ms)
            non_2xx = sum(v for k, v in r.statuses.items() if not 200 <= k < 300)
            o = {
                "target_per_s": r.rate,
                "achieved_per_s": r.achieved_rate,
                "requests": r.requests,
                "p50_ms": r.pct(0.50),
                "p99_ms": r.pct(0.99),
                "p999_ms": r.pct(0.999),
                "max_ms": max(r.latencies_ms),
                "errors": r.errors + non_2xx,
                "statuses": r.statuses,
                "generator_cpu_pct": 100 * r.cpu_s / r.seconds,
                "generator_late_sends": r.late_sends,
                "generator_send_lag_p99_ms": percentile(r.send_lag_ms, 0.99),
                "generator_schedule_lag_p99_ms": percentile(r.schedule_lag_ms, 0.99),
                "slow_answers_by_cause": causes,
                "server": stalls,
            }
            row["open_loop"].append(o)
            ok = "✓" if o["p99_ms"] <= 50 and o["achieved_per_s"] >= 0.98 * r.rate else "✗"
            print(
                f"{'':<11} {'':<7} open loop {r.rate:>6,.0f}/s: achieved {o['achieved_per_s']:,.0f}/s "
                f"p50 {o['p50_ms']:.1f} p99 {o['p99_ms']:.1f} p99.9 {o['p999_ms']:.1f} "
                f"max {o['max_ms']:.0f} ms, errors {o['errors']}, generator "
                f"{o['generator_cpu_pct']:.0f}% of a core (its schedule lag p99 "
                f"{o['generator_schedule_lag_p99_ms']:.1f} ms; wait for a connection + lag "
                f"p99 {o['generator_send_lag_p99_ms']:.1f} ms) {ok}"
            )
            g2 = stalls["gc2"]
            print(
                f"{'':<21} server: gen-2 GCs {g2['count']} (median {g2['median_ms']:.0f}, max "
                f"{g2['max_ms']:.0f} ms, {g2['on_writer_thread']} on the writer thread); young GCs {stalls['young_gc']['count']} "
                f"({stalls['young_gc']['ms_per_s']:.1f} ms/s); loop lags ≥10 ms "
                f"{stalls['lag']['count']} (≥50 ms {stalls['lag']['over_50']}, max "
                f"{stalls['lag']['max_ms']:.0f} ms); batches {stalls['batch']['count']} "
                f"(mean {stalls['batch']['mean_size']:.1f}, queued p99 "
                f"{stalls['batch']['queued_p99_ms']:.1f}, lock p99 {stalls['batch']['lock_p99_ms']:.1f}, "
                f"commit p99 {stalls['batch']['commit_p99_ms']:.1f} ms; lock held p99 "
                f"{stalls['batch']['held_p99_ms']:.1f} ms, "
                f"{100 * stalls['batch']['held_waiting_share']:.0f}% of it off-CPU, statements "
                f"{100 * stalls['batch']['handle_waiting_share']:.0f}%); reloads "
                f"{stalls['reload']['count']} (max {stalls['reload']['max_ms']:.0f} ms)"
            )
            print(f"{'':<21} answers > {args.slow_ms:.0f} ms by cause: {causes}")
        held = [
            o["target_per_s"]
            for o in row["open_loop"]
            if o["p99_ms"] <= 50 and o["achieved_per_s"] >= 0.98 * o["target_per_s"]
        ]
        if len(args.rates) > 1:
            print(
                f"{'':<21} highest rate held open loop at p99 ≤ 50 ms: "
                + (f"{max(held):,.0f}/s" if held else f"none of {args.rates}")
            )
        print(json.dumps(row, default=str))
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--quick", action="store_true", help="a short run: 800 closed-loop requests, 4 s open loop"
    )
    ap.add_argument("--requests", type=int, help="closed loop: requests per run (4,000)")
    ap.add_argument("--runs", type=int, help="closed loop: runs, the median shown (3)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument(
        "--rates",
        default="1000",
        help="open loop: comma-separated target rates, submissions a second",
    )
    ap.add_argument("--seconds", type=float, help="open loop: seconds per rate (20)")
    ap.add_argument("--in-process", type=int, help="baseline: submissions (2,000)")
    ap.add_argument("--keep-probe", action="store_true", help="keep the workers' records")
    ap.add_argument("--slow-ms", type=float, default=50.0, help="an answer slower is attributed")
    ap.add_argument(
        "--variants",
        default="node",
        help="comma-separated servers to compare in one run: node (as built), or +-joined "
        "settings: freeze (gc_tuning.freeze_startup_heap applied), freeze:<n> (and a young-"
        "generation threshold of n), switch:<ms> (the interpreter's thread switch interval)",
    )
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
    # --quick changes the defaults only: an option given still counts
    defaults = (800, 1, 4.0, 200) if args.quick else (4000, 3, 20.0, 2000)
    for name, default in zip(("requests", "runs", "seconds", "in_process"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.rates = [float(r) for r in args.rates.split(",")]
    wanted = set(args.stores.split(","))
    stores = []
    if "sqlite" in wanted:
        stores.append(("sqlite", f"sqlite:///{tempfile.mkdtemp(prefix='sb-bench-db-')}/bench.db"))
    pg_url = fresh_schema_url("bench_api") if "postgresql" in wanted else None
    if pg_url is not None:
        stores.append(("postgresql", pg_url))
    elif "postgresql" in wanted:
        print("PostgreSQL not reachable: only SQLite measured")
    load = os.getloadavg()[0]
    print(
        f"HTTP submissions (workers={args.workers}, truck share {args.truck_share:.0%}, "
        f"{TARGET}, open loop; load average {load:.1f} at start)"
    )
    try:
        for label, url in stores:
            bench_store(label, url, args)
    finally:
        if pg_url is not None:
            drop_schema(pg_url)


if __name__ == "__main__":
    main()
