"""Trips exchanged between two sovereign nodes (CBP's and ANAM's), both served on this
machine as real processes, with the load generator beside them.

Two figures, as issue 12 asks:

1. **Backlog drain**: ANAM's node files ``--backlog`` northbound trips while CBP's node is
   down (its outbox holds them, durable); then CBP's node starts and ANAM's serves: how fast
   the trips are delivered — signed, posted in batches, verified, checked against the
   agreement, held durably, receipted and audited at CBP (ANAM's outbox empty) — then how
   fast CBP's own pipeline has decided them all, and CBP's decisions are back at ANAM.
   Target: ≥ 2,000 trips/s drained (a 10-minute outage at 200 trips/s is 120,000).
2. **Delivery lag at a steady rate**: a carrier files ``--rate`` trips/s over HTTP at ANAM's
   node for ``--seconds``; lag = CBP's receipt time − ANAM's outbox time of each trip
   document (one machine, one clock). Target: p99 ≤ 2 s at 200 trips/s.

    .venv/bin/python benchmarks/bench_exchange.py [--backlog 20000] [--rate 200] [--seconds 30]

Baseline in the same run: the same trips filed and decided in one node with no exchange
(the pipeline and store alone), so the cost of the exchange is read beside what a node
does anyway.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
from sqlalchemy import func, select

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.config import Settings
from smartborder.demo import generate_trucks
from smartborder.demo.binational import NodeProcess, prepare_pair
from smartborder.node import Node
from smartborder.store import make_engine, session_factory
from smartborder.store.tables.declarations import DeclarationRow
from smartborder.store.tables.exchange import InboxRow, OutboxRow, PeerDecisionRow

PORTS = ("2506", "2304", "2402", "2404", "2307", "2305")
CARRIER = Principal(
    "bench", "Transportes Frontera SA de CV", Role.CARRIER, ROLE_SCOPES[Role.CARRIER]
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def trucks(n: int, seed: int) -> list[dict[str, Any]]:
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    rng = np.random.default_rng(seed)
    out: list[dict[str, Any]] = []
    per = max(1, n // len(PORTS) + 1)
    for port in PORTS:
        out += generate_trucks(port, date(day.year, day.month, day.day), per, rng=rng)
    for i, t in enumerate(out):
        t["idempotency_key"] = f"bench-{seed}-{i}"
    return out[:n]


def settings_of(node: NodeProcess) -> Settings:
    env = node.env
    return Settings(
        home=node.home,
        agency=env["SMARTBORDER_AGENCY"],  # type: ignore[arg-type]
        base_url=env["SMARTBORDER_BASE_URL"],
        peers_loopback_http=True,
        exchange_peer=env["SMARTBORDER_EXCHANGE_PEER"],
        exchange_client_id=env["SMARTBORDER_EXCHANGE_CLIENT_ID"],
        exchange_client_secret=env["SMARTBORDER_EXCHANGE_CLIENT_SECRET"],
    )


def count(node: NodeProcess, stmt: Any) -> int:
    engine = make_engine(f"sqlite:///{node.home / 'smartborder.db'}")
    try:
        with session_factory(engine)() as s:
            return int(s.scalar(stmt) or 0)
    finally:
        engine.dispose()


def file_in_process(node: NodeProcess, payloads: list[dict[str, Any]]) -> float:
    """File trips in ``node`` (not serving: its deliverer does not run); seconds taken."""
    with Node.open(settings_of(node)) as n:
        started = time.perf_counter()
        for i in range(0, len(payloads), 500):
            items = n.submit_many(CARRIER, payloads[i : i + 500])
            assert all(not it.error for it in items), items[0].error
        return time.perf_counter() - started


def baseline(payloads: list[dict[str, Any]], root: Path) -> float:
    """The same trips filed in a node with no agency and no peer: trips/s."""
    with Node.open(Settings(home=root / "alone")) as n:
        started = time.perf_counter()
        for i in range(0, len(payloads), 500):
            n.submit_many(CARRIER, payloads[i : i + 500])
        return len(payloads) / (time.perf_counter() - started)


def drain(nodes: dict[str, NodeProcess], backlog: int) -> dict[str, float]:
    anam, cbp = nodes["anam"], nodes["cbp"]
    payloads = trucks(backlog, seed=1)
    filed_s = file_in_process(anam, payloads)
    pending = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending")
    assert count(anam, pending) == backlog
    cbp.start(log=cbp.home / "serve.log")
    cbp.wait_ready()
    anam.start(log=anam.home / "serve.log")
    anam.wait_ready()
    started = time.perf_counter()
    while count(anam, pending) > 0:
        time.sleep(0.1)
    drained_s = time.perf_counter() - started
    held = select(func.count()).select_from(DeclarationRow)
    while count(cbp, held) < backlog:  # decided by CBP's pipeline, stored
        time.sleep(0.1)
    decided_s = time.perf_counter() - started
    back = select(func.count()).select_from(PeerDecisionRow)
    while count(anam, back) < backlog:  # CBP's decisions on its legs, back at ANAM
        time.sleep(0.1)
    round_trip_s = time.perf_counter() - started
    refused = count(
        anam, select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "refused")
    )
    return {
        "backlog": backlog,
        "filed_per_s": backlog / filed_s,
        "drained_per_s": backlog / drained_s,
        "decided_per_s": backlog / decided_s,
        "round_trip_per_s": backlog / round_trip_s,
        "refused": refused,
    }


async def steady(nodes: dict[str, NodeProcess], rate: float, seconds: float) -> dict[str, float]:
    """Open loop: one filing every 1/rate s whatever the answers do (at most 256 waiting)."""
    anam, cbp = nodes["anam"], nodes["cbp"]
    bodies = [orjson.dumps(p) for p in trucks(int(rate * seconds), seed=2)]
    token = anam.token("carrier")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    since = datetime.now(UTC)
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    statuses: list[int] = []
    answered: list[float] = []  # seconds from sending a filing to its answer
    ids: set[str] = set()
    async with httpx.AsyncClient(
        base_url=anam.base_url, headers=headers, timeout=30, limits=limits
    ) as client:

        async def post(body: bytes) -> None:
            sent = time.perf_counter()
            r = await client.post("/declarations/trucks", content=body)
            answered.append(time.perf_counter() - sent)
            statuses.append(r.status_code)
            if r.status_code in (200, 201):
                ids.add(r.json()["record"]["id"])

        started = time.perf_counter()
        tasks = []
        for i, body in enumerate(bodies):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(body)))
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        took = time.perf_counter() - started
    deadline = time.monotonic() + 30
    lags = _lags(anam, cbp, ids, since)
    while len(lags) < len(ids) and time.monotonic() < deadline:
        time.sleep(1)
        lags = _lags(anam, cbp, ids, since)
    lags.sort() if lags else lags.append(float("nan"))
    return {
        "rate": rate,
        "filed": len(ids),
        "refused_or_shed": sum(1 for s in statuses if s not in (200, 201)),
        "failed": sum(1 for o in outcomes if isinstance(o, BaseException)),  # timeouts, resets
        "filed_per_s": len(ids) / took,
        "answer_p50_s": float(np.percentile(answered, 50)) if answered else float("nan"),
        "answer_p99_s": float(np.percentile(answered, 99)) if answered else float("nan"),
        "answer_max_s": max(answered, default=float("nan")),
        "delivered": len(lags),
        "lag_p50_s": lags[len(lags) // 2],
        "lag_p99_s": lags[min(len(lags) - 1, int(len(lags) * 0.99))],
        "lag_max_s": lags[-1],
    }


def _lags(anam: NodeProcess, cbp: NodeProcess, ids: set[str], since: datetime) -> list[float]:
    def rows(node: NodeProcess, stmt: Any) -> dict[str, datetime]:
        engine = make_engine(f"sqlite:///{node.home / 'smartborder.db'}")
        try:
            with session_factory(engine)() as s:
                return {str(k): v for k, v in s.execute(stmt)}
        finally:
            engine.dispose()

    sent = rows(
        anam,
        select(OutboxRow.declaration_id, OutboxRow.created_at).where(
            OutboxRow.kind == "trip", OutboxRow.created_at >= since
        ),
    )
    got = rows(
        cbp,
        select(InboxRow.declaration_id, InboxRow.received_at).where(
            InboxRow.kind == "trip", InboxRow.received_at >= since
        ),
    )
    return [(got[i] - sent[i]).total_seconds() for i in ids if i in got and i in sent]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        alone = baseline(trucks(min(args.backlog, 5000), seed=3), root)
        nodes = prepare_pair(root, {"cbp": free_port(), "anam": free_port()})
        try:
            d = drain(nodes, args.backlog)
            s = asyncio.run(steady(nodes, args.rate, args.seconds))
        finally:
            for n in nodes.values():
                n.stop()
    print(f"baseline: one node, no exchange, trips filed and decided in process: {alone:,.0f}/s")
    print(
        f"backlog of {d['backlog']:,} trips (filed at ANAM in process at {d['filed_per_s']:,.0f}/s "
        f"while CBP was down): drained to CBP (accepted, held) at {d['drained_per_s']:,.0f} trips/s "
        f"(target ≥ 2,000); all decided by CBP's pipeline at {d['decided_per_s']:,.0f} trips/s; "
        f"CBP's decisions back at ANAM: {d['round_trip_per_s']:,.0f} trips/s; refused {d['refused']:.0f}"
    )
    print(
        f"steady {s['rate']:.0f} trips/s over HTTP for {args.seconds:.0f} s ({s['filed']:.0f} filed, "
        f"{s['filed_per_s']:,.0f}/s achieved, {s['refused_or_shed']:.0f} not accepted, "
        f"{s['failed']:.0f} failed without an answer, {s['delivered']:.0f} delivered; filing "
        f"answered p50 {s['answer_p50_s']:.3f} s, p99 {s['answer_p99_s']:.3f} s, max "
        f"{s['answer_max_s']:.3f} s): "
        f"lag p50 {s['lag_p50_s']:.3f} s, p99 {s['lag_p99_s']:.3f} s "
        f"(target ≤ 2 s), max {s['lag_max_s']:.3f} s"
    )


if __name__ == "__main__":
    main()
