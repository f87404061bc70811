"""Server CPU per submission: the submission route inside the FastAPI stack against the bare
write path, and the stack alone, measured in one run.

The app is called in-process through ASGI (no sockets, no load generator: what is measured
is the server's own work). Each variant submits the same mix of new trucks and travelers
(each a new record: validation, pipeline, a durable group commit) from ``--concurrency``
coroutines; the figure is CPU seconds of the process (every thread, the writer's included)
per submission, the median of ``--rounds`` rounds run alternately so a busy machine slows
every variant alike.

- ``route``: ``POST /declarations/*`` as served, inside every middleware and exception
  handler (the request body encoded and the answer decoded by this script count too);
- ``write path``: ``Node.submit`` called directly (no HTTP layer at all);
- ``stack alone``: an empty POST route in the same app (middleware, routing, request and
  response objects), the floor of any route.

Why: until the renovation (issue 11) the submission routes were answered by a raw-ASGI
"fast lane" ahead of the framework, which every middleware added later would have skipped.
This prints what being inside the stack costs.

Run: .venv/bin/python benchmarks/bench_submission_route.py [--requests N] [--rounds R]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Request, Response

from bench_api_throughput import payloads
from smartborder.api import create_app
from smartborder.api.gc_tuning import freeze_startup_heap
from smartborder.clients import Principal, Role, TokenSigner, create_client
from smartborder.config import Settings
from smartborder.node import Node
from smartborder.store import transaction

Submit = Callable[[str, dict[str, Any]], Awaitable[int]]


def asgi_submitter(app: FastAPI, token: str) -> Submit:
    async def submit(path: str, payload: dict[str, Any]) -> int:
        body = orjson.dumps(payload)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return submit


def node_submitter(node: Node, principal: Principal) -> Submit:
    async def submit(path: str, payload: dict[str, Any]) -> int:
        result = await node.submit(principal, payload)
        return 201 if result.created else 200

    return submit


async def run_round(
    submit: Submit, items: list[tuple[str, dict[str, Any]]], concurrency: int
) -> float:
    queue = list(reversed(items))
    statuses: list[int] = []

    async def worker() -> None:
        while queue:
            path, payload = queue.pop()
            statuses.append(await submit(path, payload))

    cpu0 = time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu = time.process_time() - cpu0
    bad = [s for s in statuses if s not in (200, 201)]
    if bad:
        raise SystemExit(f"unexpected statuses {sorted(set(bad))}")
    return cpu / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="submissions per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="sb-bench-route-"))
    settings = Settings(home=home)
    app = create_app(settings)

    async def empty(request: Request) -> Response:
        await request.body()
        return Response(b"{}", media_type="application/json")

    app.router.add_api_route("/bench/empty", empty, methods=["POST"])
    app.router.routes.insert(0, app.router.routes.pop())  # matched first, as submissions are
    node: Node = app.state.ctx
    with transaction(node.sessions) as session:
        made = create_client(session, org="Bench carrier", role=Role.CARRIER)
    principal = Principal(made.client_id, made.org, made.role, made.scopes)
    token, _ = TokenSigner.from_home(home, ttl_s=3600).issue(principal)
    through_app = asgi_submitter(app, token)

    async def stack_alone(path: str, payload: dict[str, Any]) -> int:
        return await through_app("/bench/empty", payload)

    variants: dict[str, Submit] = {
        "route": through_app,
        "write path": node_submitter(node, principal),
        "stack alone": stack_alone,
    }
    figures: dict[str, list[float]] = {k: [] for k in variants}

    async def all_rounds() -> None:
        await run_round(through_app, payloads(200, seed=10_000), args.concurrency)  # warm up
        freeze_startup_heap()  # as the served app does once built (api.gc_tuning)
        seed = 0
        for _ in range(args.rounds):
            for name, submit in variants.items():
                seed += 1
                items = payloads(args.requests, seed=seed)
                figures[name].append(await run_round(submit, items, args.concurrency))

    asyncio.run(all_rounds())
    node.close()
    route, bare, stack = (statistics.median(figures[k]) for k in variants)
    print(
        f"server CPU per submission, median of {args.rounds} rounds of {args.requests} "
        f"(half trucks), {args.concurrency} concurrent, SQLite:"
    )
    for name, values in figures.items():
        print(
            f"  {name:<12} {statistics.median(values) * 1e3:6.3f} ms  "
            f"(rounds {', '.join(f'{v * 1e3:.3f}' for v in values)})"
        )
    print(
        f"  the HTTP layer adds {(route - bare) * 1e3:.3f} ms to the write path "
        f"({route / bare - 1:.0%}), of which the stack alone {stack * 1e3:.3f} ms"
    )


if __name__ == "__main__":
    main()
