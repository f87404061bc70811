"""Crossing-event ingest through the batch API: events per second (target ≥ 50,000/s).

Starts ``uvicorn`` with the app on a fresh store (SQLite file in WAL mode; PostgreSQL where
reachable), then posts batches of 3,000 events (about 720 kB, under the 1 MiB body limit) as
NDJSON from two client threads with a bearer token holding ``events:write``. Each event is
validated, checked against the ports registry and stored durably (one transaction per batch).
Prints the median of three runs beside two baselines measured in the same run: the same
batches through the library without HTTP (``ingest_batch``), and one event per request. CPU is
counted per event for the server's processes and, on PostgreSQL, for the database backends
serving them (found by their ``application_name``): everything shares the same cores.

Run: .venv/bin/python benchmarks/bench_kpi_ingest.py [--batches N]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import psycopg

from _pgschema import PG_URL, drop_schema, fresh_schema_url, schema_of
from smartborder.clients import Role, TokenSigner, authenticate, create_client
from smartborder.kpi.ingest import ingest_batch
from smartborder.store import make_engine, session_factory, transaction, upgrade

BATCH = 3000
T0 = datetime(2025, 7, 1, 12, tzinfo=UTC)
LANES = (("2504", "250401", "passenger_vehicle", "general"), ("2504", "250401", "passenger_vehicle", "sentri"),
         ("2506", "250602", "commercial", "general"), ("2304", "230404", "commercial", "fast"))  # fmt: skip


def batch_body(tag: str, n: int = BATCH) -> bytes:
    """NDJSON of ``n`` events: vehicles that join the queue, reach primary and are released."""
    lines = []
    for i in range(n // 3):
        port, crossing, mode, lane = LANES[i % len(LANES)]
        sid = f"{tag}-{i}"
        t = T0 + timedelta(seconds=7 * i)
        for kind, dt in (
            ("queue_joined", 0),
            ("primary_reached", 600 + i % 900),
            ("released", 700 + i % 900),
        ):
            lines.append(orjson.dumps({
                "event_id": f"{sid}-{kind[0]}", "kind": kind, "occurred_at": (t + timedelta(seconds=dt)).isoformat(),
                "port_code": port, "crossing": crossing, "mode": mode, "lane_type": lane,
                "traveler_class": "trusted_traveler" if lane in ("sentri", "fast") else "general",
                "precleared": i % 4 == 0, "subject_ref": sid, "source": "reader",
            }))  # fmt: skip
    return b"\n".join(lines) + b"\n"


def fresh_url(store: str) -> str | None:
    if store == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='sb-kpi-ingest-')}/bench.db"
    return fresh_schema_url("bench_ingest")


def db_cpu_s(url: str) -> float:
    """CPU seconds used so far by the PostgreSQL backends connected with this URL's
    ``application_name`` (0 for SQLite, whose work is in the server's own processes)."""
    if not url.startswith("postgresql"):
        return 0.0
    app = schema_of(url)
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as c:
        pids = [
            r[0]
            for r in c.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (app,)
            )
        ]
    return sum(proc_cpu_s(p) for p in pids)


def proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 if it is gone (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its worker processes (Linux)."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return sum(proc_cpu_s(p) for p in pids)


def bench(store: str, url: str, batches: int) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="sb-kpi-ingest-home-"))
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as s:
        client = create_client(s, org="Bench CBP", role=Role.CBP)
    with transaction(sessions) as s:
        principal = authenticate(s, client.client_id, client.client_secret)
    token, _ = TokenSigner.from_home(home, ttl_s=3600).issue(principal)

    # Baseline 1: the library, no HTTP.
    bodies = [batch_body(f"lib{i}") for i in range(max(4, batches // 3))]
    t = time.perf_counter()
    for b in bodies:
        ingest_batch(sessions, b, ndjson=True)
    library = len(bodies) * BATCH / (time.perf_counter() - t)
    engine.dispose()

    port = free_port()
    env = {
        **os.environ,
        "SMARTBORDER_HOME": str(home),
        "SMARTBORDER_DATABASE_URL": url,
        "SMARTBORDER_TOKEN_TTL_S": "3600",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "smartborder.api.app:create_app", "--factory", "--port", str(port),
         "--workers", "2", "--log-level", "warning", "--no-access-log"],
        env=env,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(base + "/kpi/dictionary", timeout=1)
                break
            except httpx.HTTPError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.3)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as http:
            assert http.post("/events", content=batch_body("warm", 300)).status_code == 200
            runs, cpu_rates, db_rates = [], [], []
            for rep in range(3):
                payloads = [batch_body(f"r{rep}b{i}") for i in range(batches)]

                def post(body: bytes, http: httpx.Client = http) -> int:
                    resp = http.post("/events", content=body)
                    if resp.status_code != 200 or resp.json()["stored"] != BATCH:
                        raise RuntimeError(f"{resp.status_code}: {resp.text[:300]}")
                    return BATCH

                cpu0, db0 = server_cpu_s(proc.pid), db_cpu_s(url)
                t = time.perf_counter()
                with ThreadPoolExecutor(2) as pool:
                    total = sum(pool.map(post, payloads))
                runs.append(total / (time.perf_counter() - t))
                cpu_rates.append(total / max(server_cpu_s(proc.pid) - cpu0, 1e-9))
                db_rates.append(1e6 * (db_cpu_s(url) - db0) / total)
            # Baseline 2: one event per request.
            singles = batch_body("single", 300).splitlines()
            t = time.perf_counter()
            for line in singles:
                assert http.post("/events", content=line).status_code == 200
            single = len(singles) / (time.perf_counter() - t)
            again = http.post("/events", content=payloads[0]).json()
            assert again["duplicates"] == BATCH and again["stored"] == 0  # idempotent
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {
        "api": statistics.median(runs),
        "per_cpu_s": statistics.median(cpu_rates),
        "db_us": statistics.median(db_rates),
        "library": library,
        "single": single,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=20)
    args = ap.parse_args()
    print(
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; batches of {BATCH} events"
    )
    print(
        f"{'store':<11} {'API events/s':>13} {'per server CPU-s':>17} {'DB CPU µs/event':>16} "
        f"{'library/s':>10} {'1-per-request/s':>16}  (target ≥ 50,000/s)"
    )
    for store in ("sqlite", "postgresql"):
        url = fresh_url(store)
        if url is None:
            print(f"{store:<11} not reachable")
            continue
        try:
            r = bench(store, url, args.batches)
        finally:
            drop_schema(url)
        print(
            f"{store:<11} {r['api']:>13,.0f} {r['per_cpu_s']:>17,.0f} "
            f"{r['db_us'] if store == 'postgresql' else float('nan'):>16.1f} "
            f"{r['library']:>10,.0f} {r['single']:>16,.0f}"
        )


if __name__ == "__main__":
    main()
