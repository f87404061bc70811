"""Rules in force: what the in-force lookup costs the pipeline, and the public self-check's
latency through HTTP at a fixed arrival rate.

1. In-process pipeline throughput (decisions per CPU second, one core; median of ``--runs``),
   a mixed workload of travelers and trucks at four ports, three pipelines in the same run:
   * baseline: the fixed built-in policies (the pipeline before plans could be put in force);
   * the in-force lookup where the built-in plan, published, approved and activated at every
     region for both countries, is in force (each decision looks up its port and instant and
     finds an activation; the same Cedar text, so the Cedar work is the same);
   * the in-force lookup over a store where nothing is in force (the default plan decides).
   Target: the lookup within 5 % of the baseline.
2. ``POST /admissibility/evaluate`` through HTTP (uvicorn, one worker, the same store), open
   loop at ``--rate`` (200/s) for ``--seconds``: latency from each request's scheduled instant
   (benchmarks/_httpload.py). Baselines in the same run: ``GET /healthz`` (the HTTP stack's
   floor) and the self-check naming ``plan`` (the route as it was: a store read per request).
   Target: p99 ≤ 5 ms.
3. The same self-check's server CPU per request, in process through ASGI (no sockets, no load
   generator: what a busy shared machine cannot blur), beside the self-check naming a plan and
   ``POST /healthz`` (a 405 from the same stack: the framework's floor).

    PYTHONPATH=src python benchmarks/bench_plans_in_force.py [--n 2000] [--runs 5]
        [--rate 200] [--seconds 20] [--skip-http]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from _httpload import OpenLoopResult, build_request, open_loop_in_subprocess
from bench_api_throughput import free_port, wait_ready
from smartborder import ports
from smartborder.admissibility import (
    Actor,
    RulesInForce,
    activate,
    approve,
    impact,
    propose,
    publish,
    version_policies,
)
from smartborder.admissibility.plan import DEFAULT_PLAN, plan_text
from smartborder.config import Settings
from smartborder.demo.synthetic import generate_travelers, generate_trucks
from smartborder.node import build_pipeline
from smartborder.preclearance import Pipeline
from smartborder.risk import InMemoryPartyHistory
from smartborder.store import make_engine, session_factory, transaction, upgrade

PORTS = ("2504", "2506", "2304", "2402")
TRUCK_SHARE = 0.10  # as bench_preclearance_pipeline.py: travelers outnumber trucks


def store_with_plan_in_force(home: Path) -> Settings:
    """A migrated store where the default plan (the baseline document rules), published as
    version 1, is in force at every region, both ways: the same Cedar text as the fixed
    policies, so the two pipelines differ only by the lookup. (Until 2026-12-08 this published
    covid-us-land-2020, the default before the baseline plan: other verdicts, other work.)"""
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'smartborder.db'}")
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    text, _ = plan_text(DEFAULT_PLAN)
    regions = [r.id for r in ports.regions()]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with transaction(sessions) as s:
        version = publish(s, text, published_by="bench").version
        report = impact(version_policies(s, version), DEFAULT_PLAN, [])
        propose(s, version, impact=report, actor=Actor("bench"))
        for agency in ("cbp", "anam"):
            approve(s, version, actor=Actor(f"bench-{agency}", agency))
        for agency in ("cbp", "anam"):
            activate(s, version, effective_from=start, regions=regions, actor=Actor("b", agency))
    engine.dispose()
    return settings


def empty_store(home: Path) -> Settings:
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'smartborder.db'}")
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    engine.dispose()
    return settings


def workload(n: int, day: Any, seed: int = 20261208) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    per_port = max(1, n // len(PORTS))
    travelers: list[dict[str, Any]] = []
    trucks: list[dict[str, Any]] = []
    for port in PORTS:
        travelers += generate_travelers(port, day, per_port, rng=rng)
        if port != "2504":
            trucks += generate_trucks(port, day, per_port, rng=rng)
    n_trucks = int(n * TRUCK_SHARE)
    mixed = travelers[: n - n_trucks] + trucks[:n_trucks]
    rng.shuffle(mixed)  # type: ignore[arg-type]
    return mixed


def rate_of(pipeline: Pipeline, items: Sequence[dict[str, Any]], now: datetime) -> float:
    c0 = time.process_time()
    for item in items:
        pipeline.decide(item, now=now)
    return len(items) / (time.process_time() - c0)


def pipeline_figures(args: argparse.Namespace, in_force: Settings, nothing: Settings) -> None:
    now = datetime.now(UTC)
    items = workload(args.n, (now + timedelta(days=1)).date())
    rules = RulesInForce(session_factory(make_engine(in_force.db_url)))
    none_in_force = RulesInForce(session_factory(make_engine(nothing.db_url)))
    assert rules.generation > 0 and len(rules._view[1]) > 0, "nothing in force"
    pipelines: dict[str, Pipeline] = {
        "baseline: fixed built-in policies": build_pipeline(
            in_force, history=InMemoryPartyHistory()
        ),
        "in-force lookup (a version in force)": build_pipeline(
            in_force, history=InMemoryPartyHistory(), rules=rules
        ),
        "in-force lookup (nothing in force)": build_pipeline(
            nothing, history=InMemoryPartyHistory(), rules=none_in_force
        ),
    }
    for p in pipelines.values():  # warm: memo, party history, RFC checks
        rate_of(p, items, now)
    samples: dict[str, list[float]] = {k: [] for k in pipelines}
    for _ in range(args.runs):  # interleaved, so drifts of a shared machine hit all alike
        for name, p in pipelines.items():
            samples[name].append(rate_of(p, items, now))
    print(
        f"pipeline in process, one core: {len(items)} declarations "
        f"({TRUCK_SHARE:.0%} trucks), median of {args.runs} interleaved runs"
    )
    base = statistics.median(samples["baseline: fixed built-in policies"])
    for name, values in samples.items():
        med = statistics.median(values)
        print(f"  {name:<40} {med:>9,.0f} decisions/s   {med / base:6.3f} × baseline")
    print("  target: the lookup within 5 % of the baseline (ratio ≥ 0.95)")


def _serve(settings: Settings) -> subprocess.Popen[bytes]:
    port = free_port()
    env = {
        **os.environ,
        "SMARTBORDER_HOME": str(settings.home),
        "SMARTBORDER_DATABASE_URL": settings.db_url,
        "SMARTBORDER_PUBLIC_RATE_LIMIT_PER_MIN": "100000000",
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
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    proc.port = port  # type: ignore[attr-defined]
    wait_ready(port, proc)
    return proc


def evaluate_bodies(n: int, *, plan: str | None, seed: int = 7) -> list[bytes]:
    """Self-check bodies: random travelers, ports and instants over 2020–2027."""
    rng = np.random.default_rng(seed)
    codes = [p.code for p in ports.all_ports()]
    out = []
    for _ in range(n):
        at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=int(rng.integers(0, 4_000_000)))
        body: dict[str, Any] = {
            "traveler": {
                "nationality": str(rng.choice(["MEX", "USA", "GTM", "CAN"])),
                "date_of_birth": f"{int(rng.integers(1940, 2010))}-05-01",
                "purpose": str(rng.choice(["tourism", "work", "shopping", "medical"])),
                "fully_vaccinated": bool(rng.integers(0, 2)),
            },
            "port": str(rng.choice(codes)),
            "at": at.isoformat(),
            "direction": str(rng.choice(["northbound", "southbound"])),
        }
        if plan:
            body["plan"] = plan
        out.append(json.dumps(body).encode())
    return out


def _row(name: str, r: OpenLoopResult) -> str:
    bad = {k: v for k, v in r.statuses.items() if k != 200}
    return (
        f"  {name:<44} p50 {r.pct(0.50):6.2f}  p99 {r.pct(0.99):6.2f}  p99.9 {r.pct(0.999):6.2f}"
        f"  max {max(r.latencies_ms):7.2f} ms   {r.achieved_rate:6.1f}/s"
        + (f"  other statuses {bad}" if bad or r.errors else "")
    )


def http_figures(args: argparse.Namespace, in_force: Settings) -> None:
    proc = _serve(in_force)
    port: int = proc.port  # type: ignore[attr-defined]
    host = f"127.0.0.1:{port}"
    n = int(args.rate * args.seconds)
    json_headers = {"Content-Type": "application/json"}

    def run(reqs: list[bytes]) -> OpenLoopResult:
        return open_loop_in_subprocess(
            "127.0.0.1", port, reqs, rate=args.rate, connections=32, timeout_s=30.0
        )

    def evaluate(plan: str | None) -> list[bytes]:
        return [
            build_request("POST", "/admissibility/evaluate", host, json_headers, b)
            for b in evaluate_bodies(n, plan=plan)
        ]

    cases: list[tuple[str, Callable[[], list[bytes]]]] = [
        ("baseline: GET /healthz", lambda: [build_request("GET", "/healthz", host, {}, b"")] * n),
        ("baseline: evaluate naming plan (store read)", lambda: evaluate("covid-us-land-2020")),
        ("evaluate, version in force (the lookup)", lambda: evaluate(None)),
    ]
    try:
        run(evaluate(None)[: min(n, 2000)])  # warm-up: memo and the worker's caches
        results: dict[str, list[OpenLoopResult]] = {name: [] for name, _ in cases}
        for _ in range(args.http_runs):
            for name, make in cases:
                results[name].append(run(make()))
        print(
            f"POST /admissibility/evaluate through HTTP (uvicorn, 1 worker), open loop at "
            f"{args.rate:.0f}/s for {args.seconds:.0f} s; latency from the scheduled instant; "
            f"{args.http_runs} runs each, the run with the median p99 shown"
        )
        for name, runs in results.items():
            runs.sort(key=lambda r: r.pct(0.99))
            print(_row(name, runs[len(runs) // 2]))
        print("  target: evaluate p99 ≤ 5 ms at 200/s")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def asgi_figures(args: argparse.Namespace, in_force: Settings) -> None:
    import asyncio

    from bench_submission_route import asgi_submitter
    from smartborder.api import create_app

    app = create_app(in_force.model_copy(update={"public_rate_limit_per_min": 100_000_000}))
    post = asgi_submitter(app, "none")
    n = 2000
    named = [json.loads(b) for b in evaluate_bodies(n, plan="covid-us-land-2020")]
    lookup = [json.loads(b) for b in evaluate_bodies(n, plan=None)]
    cases: dict[str, tuple[str, list[dict[str, Any]]]] = {
        "baseline: the stack alone (POST /healthz, 405)": ("/healthz", lookup),
        "baseline: evaluate naming plan (store read)": ("/admissibility/evaluate", named),
        "evaluate, version in force (the lookup)": ("/admissibility/evaluate", lookup),
    }

    async def one(path: str, bodies: list[dict[str, Any]]) -> float:
        c0 = time.process_time()
        for b in bodies:
            await post(path, b)
        return (time.process_time() - c0) / len(bodies) * 1e3

    async def rounds() -> dict[str, list[float]]:
        for path, bodies in cases.values():
            await one(path, bodies)  # warm
        out: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, (path, bodies) in cases.items():
                out[name].append(await one(path, bodies))
        return out

    try:
        results = asyncio.run(rounds())
    finally:
        app.state.ctx.close()
    print(f"server CPU per request, in process through ASGI, median of {args.runs} rounds")
    for name, values in results.items():
        print(f"  {name:<48} {statistics.median(values):6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--http-runs", type=int, default=3)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--skip-asgi", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sb-plans-") as tmp:
        in_force = store_with_plan_in_force(Path(tmp) / "in-force")
        nothing = empty_store(Path(tmp) / "nothing")
        if not args.skip_pipeline:
            pipeline_figures(args, in_force, nothing)
        if not args.skip_asgi:
            asgi_figures(args, in_force)
        if not args.skip_http:
            http_figures(args, in_force)


if __name__ == "__main__":
    main()
