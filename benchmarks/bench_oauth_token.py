"""POST /oauth/token under guessing: does timing tell which client ids exist, and what does a
guesser cost a healthy client?

Runs a real uvicorn server (in a subprocess, proxy headers trusted so each simulated caller
has its own address via X-Forwarded-For) and prints:

* median time of a wrong secret for a known client id and for an unknown one (should match:
  both pay one scrypt);
* a healthy client's token-request p50 (and GET /healthz p50) alone, and while one address
  guesses secrets as fast as it can on 4 connections (each guess beyond the per-address
  limit is a cheap 429, not an scrypt).

Usage: ``python benchmarks/bench_oauth_token.py [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.store import make_engine, session_factory, transaction, upgrade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _post(client: httpx.Client, cid: str, secret: str, address: str) -> tuple[int, float]:
    t = time.perf_counter()
    r = client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(cid, secret),
        headers={"X-Forwarded-For": address},
    )
    return r.status_code, (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        settings = Settings(home=home)
        settings.ensure_home()
        engine = make_engine(settings.db_url)
        upgrade(engine)
        with transaction(session_factory(engine)) as s:
            # One known id per timing (each id may try 30 times a minute by default).
            knowns = [create_client(s, org="Fletes", role=Role.CARRIER) for _ in range(30)]
            known = knowns[0]
            healthy = create_client(s, org="Transportes", role=Role.CARRIER)
        engine.dispose()
        port = _free_port()
        env = {**os.environ, "SMARTBORDER_HOME": str(home)}
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "smartborder.api:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
             "--proxy-headers", "--forwarded-allow-ips", "*"],
            env=env,
        )  # fmt: skip
        try:
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.2)
            # 1. Known vs unknown id, alternating; a fresh address each time (no 429s).
            times: dict[str, list[float]] = {"known": [], "unknown": []}
            for i, one in enumerate(knowns):
                for kind, cid in (("known", one.client_id), ("unknown", f"carrier-{i:012x}")):
                    status, ms = _post(client, cid, "wrong", f"10.1.{i}.{len(times[kind])}")
                    assert status == 401, status
                    times[kind].append(ms)
            k, u = statistics.median(times["known"]), statistics.median(times["unknown"])
            print(f"wrong secret, median of 30: known id {k:.1f} ms, unknown id {u:.1f} ms")

            # 2. A healthy client alone, then beside a guesser on one address.
            health: dict[str, list[float]] = {"alone": [], "attacked": []}

            def healthy_run(n: int, phase: str) -> list[float]:
                out = []
                for j in range(n):
                    t = time.perf_counter()
                    client.get("/healthz")
                    health[phase].append((time.perf_counter() - t) * 1000)
                    status, ms = _post(client, healthy.client_id, healthy.client_secret,
                                       f"10.2.{j // 250}.{j % 250}")  # fmt: skip
                    assert status in (200, 429), status
                    if status == 200:
                        out.append(ms)
                    time.sleep(0.4)
                return out

            n_healthy = max(5, int(args.seconds / 0.45 / 2))
            alone = healthy_run(n_healthy, "alone")
            stop = threading.Event()
            counts = {"401": 0, "429": 0}

            def guess() -> None:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as g:
                    while not stop.is_set():
                        status, _ = _post(g, known.client_id, "guess", "203.0.113.9")
                        counts[str(status)] = counts.get(str(status), 0) + 1

            guessers = [threading.Thread(target=guess) for _ in range(4)]
            for t in guessers:
                t.start()
            time.sleep(1)
            attacked = healthy_run(n_healthy, "attacked")
            stop.set()
            for t in guessers:
                t.join()
            print(
                f"healthy token p50: alone {statistics.median(alone):.1f} ms, beside a guesser "
                f"{statistics.median(attacked):.1f} ms (guesses answered: {counts}); "
                f"GET /healthz p50 {statistics.median(health['alone']):.1f} → "
                f"{statistics.median(health['attacked']):.1f} ms"
            )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
