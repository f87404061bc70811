"""Garbage-collection pauses of a node's submission path, by collector setting.

Why: open-loop latency showed sporadic 100–900 ms stalls. This study runs the node's own
submission path (``create_app``'s context: parse, decide, group-commit write to a SQLite
file) for a fixed number of submissions in one process, without HTTP, and counts the
collections it triggers and how long each took — collections depend on what the process
allocates, not on how busy the machine is, so the counts are meaningful on a shared machine
(the durations scale with the load; compare them within one run).

Measured here (December 2026): 3,000–4,000 submissions at 32 or 400 in flight triggered no
gen-2 collection in any setting — what survives into the oldest generation under HTTP load is
the state of thousands of requests in flight (connections, tasks, parsed bodies), so the
collections and their pauses show in ``bench_api_throughput.py``'s probe records; this study
gives the heap's size, what the freeze takes out of it, and the young collections' cost.

Each setting runs in a fresh interpreter:
  node          the app as built (CPython's default thresholds 700/10/10)
  freeze        ``gc_tuning.freeze_startup_heap()`` after the app is built
  freeze:<n>    the same, and a young-generation threshold of n

Run: .venv/bin/python benchmarks/study_gc_pauses.py [--submissions 6000] [--settings node,freeze,freeze:10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def child(setting: str, submissions: int, concurrency: int, truck_share: float) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_api_throughput import payloads
    from smartborder.api.app import create_app
    from smartborder.api.gc_tuning import freeze_startup_heap
    from smartborder.api.routes.declarations import submit_declaration
    from smartborder.clients import Role, authenticate, create_client
    from smartborder.config import Settings
    from smartborder.store import transaction

    home = Path(tempfile.mkdtemp(prefix="sb-gc-study-"))
    settings = Settings(home=home, database_url=f"sqlite:///{home}/gc.db")
    t_build = time.perf_counter()
    app = create_app(settings)
    build_s = time.perf_counter() - t_build
    ctx = app.state.ctx
    with transaction(ctx.sessions) as s:
        client = create_client(s, org="GC Study", role=Role.CARRIER)
    with transaction(ctx.sessions) as s:
        caller = authenticate(s, client.client_id, client.client_secret)
    bodies = [
        (p.get("kind", "truck" if "trucks" in path else "traveler"), p)
        for path, p in payloads(submissions, seed=1, truck_share=truck_share)
    ]
    raws = [(kind, json.dumps(p).encode(), p["idempotency_key"]) for kind, p in bodies]
    heap_built = len(gc.get_objects())
    frozen = 0
    if setting.startswith("freeze"):
        young = int(setting.partition(":")[2] or 0) or None
        frozen = freeze_startup_heap(young_threshold=young)  # as the node would, no collect

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append((time.perf_counter() - started[0]) * 1000)

    async def run() -> float:
        it = iter(raws)

        async def worker() -> None:
            for kind, raw, key in it:
                await submit_declaration(ctx, caller, raw, kind, key)

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - t0

    gc.callbacks.append(on_gc)
    cpu0 = time.process_time()
    wall = asyncio.run(run())
    cpu = time.process_time() - cpu0
    gc.callbacks.remove(on_gc)
    ctx.close()
    g2 = pauses[2]
    young = pauses[0] + pauses[1]
    return {
        "setting": setting,
        "submissions": submissions,
        "build_s": build_s,
        "heap_objects_built": heap_built,
        "frozen": frozen,
        "heap_objects_after": len(gc.get_objects()),
        "wall_s": wall,
        "cpu_s": cpu,
        "per_s": submissions / wall,
        "gen2_count": len(g2),
        "gen2_median_ms": statistics.median(g2) if g2 else 0.0,
        "gen2_max_ms": max(g2, default=0.0),
        "gen2_total_ms": sum(g2),
        "young_count": len(young),
        "young_total_ms": sum(young),
        "young_max_ms": max(young, default=0.0),
        "gc_share_of_cpu": (sum(g2) + sum(young)) / 1000 / cpu,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--submissions", type=int, default=6000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--truck-share", type=float, default=0.5)
    ap.add_argument("--settings", default="node,freeze,freeze:10000")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        r = child(args.child, args.submissions, args.concurrency, args.truck_share)
        print(json.dumps(r))
        return
    print(
        f"GC pauses over {args.submissions:,} submissions (node write path, SQLite, no HTTP, "
        f"{args.concurrency} in flight; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'setting':<13} {'heap':>8} {'gen-2':>6} {'median ms':>10} {'max ms':>7} "
        f"{'young':>6} {'young ms':>9} {'GC % CPU':>8} {'subm./s':>8}"
    )
    for setting in args.settings.split(","):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                setting,
                "--submissions",
                str(args.submissions),
                "--concurrency",
                str(args.concurrency),
                "--truck-share",
                str(args.truck_share),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{setting:<13} {r['heap_objects_built']:>8,} {r['gen2_count']:>6} "
            f"{r['gen2_median_ms']:>10.1f} {r['gen2_max_ms']:>7.1f} {r['young_count']:>6} "
            f"{r['young_total_ms']:>9.0f} {100 * r['gc_share_of_cpu']:>7.1f}% {r['per_s']:>8,.0f}"
        )
        print(json.dumps(r))


if __name__ == "__main__":
    main()
