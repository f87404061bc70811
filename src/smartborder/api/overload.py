"""Edges of a served node, as pure ASGI middleware (``BaseHTTPMiddleware`` costs a task and a
queue per request): load shedding and a deadline on reading a request's body.

:class:`ShedOverload` admits at most ``max_in_flight`` requests per worker; the next ones wait
in line at most ``max_wait_s`` (the latency budget) and the line holds at most ``max_queued``.
Beyond that a request is answered at once with ``503`` problem+json and ``Retry-After``: a
client told to come back beats one that times out after queueing for seconds. A request whose
client hung up while it waited is dropped without running.

:class:`BodyDeadline` gives a request ``timeout_s`` to deliver its whole body; a client that
trickles it is answered ``408`` and the connection is closed (it would otherwise hold a
connection and a task for as long as it likes).
"""

from __future__ import annotations

import asyncio
import collections
import json
import time
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartborder.i18n import Lang, Text, negotiate

OVERLOADED = Text(
    "The node is at capacity; retry after the number of seconds in Retry-After.",
    "El nodo está a su capacidad; reintente tras los segundos indicados en Retry-After.",
)
BODY_TIMEOUT = Text(
    "The request body did not arrive in time; the connection is closed.",
    "El cuerpo de la solicitud no llegó a tiempo; la conexión se cierra.",
)
_MAX_BUFFERED = 1 << 20  # body bytes held for a request waiting in line
_TITLES = {
    503: Text("Service unavailable", "Servicio no disponible"),
    408: Text("Request timeout", "Tiempo de espera de la solicitud agotado"),
}


def _lang(scope: Scope) -> Lang:
    for name, value in scope.get("headers") or ():
        if name == b"accept-language":
            return negotiate(value.decode("latin-1"))
    return Lang.EN


async def send_problem(
    send: Send,
    scope: Scope,
    status: int,
    code: str,
    detail: Text,
    *,
    headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    """An RFC 9457 problem in the caller's language (``Accept-Language``)."""
    lang = _lang(scope)
    body = json.dumps(
        {
            "type": f"https://smartborder.dev/problems/{code}",
            "title": _TITLES[status].get(lang),
            "status": status,
            "code": code,
            "detail": detail.get(lang),
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"content-language", lang.value.encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ShedOverload:
    """At most ``max_in_flight`` requests run at once in this worker; others wait in line up
    to ``max_wait_s``; a full line or a wait past the budget is answered 503 with
    ``Retry-After: retry_after_s``. Paths in ``exempt`` (health checks) are never held."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int = 64,
        max_queued: int = 256,
        max_wait_s: float = 0.5,
        retry_after_s: int = 1,
        exempt: Iterable[str] = ("/healthz", "/readyz"),
    ) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.max_queued = max_queued
        self.max_wait_s = max_wait_s
        self.retry_after = str(retry_after_s).encode()
        self.exempt = frozenset(exempt)
        self.in_flight = 0
        self.shed = 0  # requests answered 503 (for tests and metrics)
        self.dropped = 0  # requests whose client left before they ran
        self._line: collections.deque[asyncio.Future[None]] = collections.deque()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        if self.in_flight < self.max_in_flight and not self._line:
            self.in_flight += 1
            try:
                await self.app(scope, receive, send)
            finally:
                self._release()
            return
        if len(self._line) >= self.max_queued:
            await self._refuse(scope, send)
            return
        admitted, replay = await self._wait_in_line(receive)
        if admitted is None:  # the client left: nothing to answer
            self.dropped += 1
            return
        if not admitted:
            await self._refuse(scope, send)
            return
        try:
            await self.app(scope, _replaying(replay, receive), send)
        finally:
            self._release()

    async def _wait_in_line(self, receive: Receive) -> tuple[bool | None, list[Message]]:
        """Wait for a slot, watching the connection: ``(True, body read so far)`` when
        admitted, ``(False, …)`` past the budget, ``(None, …)`` if the client hung up."""
        loop = asyncio.get_running_loop()
        turn: asyncio.Future[None] = loop.create_future()
        self._line.append(turn)
        deadline = loop.time() + self.max_wait_s
        replay: list[Message] = []
        buffered = 0
        listening: asyncio.Future[Message] | None = None
        admitted = False
        try:
            while not turn.done():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return False, replay
                # Read what the client sends while it waits (a bounded amount): a disconnect
                # shows up here, and the body is replayed to the app once admitted. After the
                # whole body, uvicorn reports a disconnect to the next receive().
                if listening is None and buffered < _MAX_BUFFERED:
                    listening = asyncio.ensure_future(receive())
                waits: set[asyncio.Future[Any]] = {turn}
                if listening is not None:
                    waits.add(listening)
                await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
                if listening is not None and listening.done():  # even if admitted meanwhile
                    message = listening.result()
                    listening = None
                    if message["type"] == "http.disconnect":
                        return None, replay
                    replay.append(message)
                    buffered += len(message.get("body", b""))
            admitted = True
            return True, replay
        finally:
            if listening is not None and not listening.done():
                listening.cancel()
            if not turn.done():
                turn.cancel()
                self._line.remove(turn)
            elif not admitted:  # handed a slot while leaving (cancelled): pass it on
                self._release()

    def _release(self) -> None:
        """Hand the slot to the next live waiter in line, or free it."""
        while self._line:
            turn = self._line.popleft()
            if not turn.done():
                turn.set_result(None)  # in_flight stays: the slot passes on
                return
        self.in_flight -= 1

    async def _refuse(self, scope: Scope, send: Send) -> None:
        self.shed += 1
        await send_problem(
            send,
            scope,
            503,
            "overloaded",
            OVERLOADED,
            headers=[(b"retry-after", self.retry_after)],
        )


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = collections.deque(messages)

    async def replay() -> Message:
        if pending:
            return pending.popleft()
        return await receive()

    return replay


class BodyDeadline:
    """A request's body must arrive whole within ``timeout_s`` of the request's start; else
    the client is answered 408 (if nothing was answered yet) and the connection closed."""

    def __init__(self, app: ASGIApp, *, timeout_s: float = 30.0) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.timeout_s
        body_done = False
        timed_out = False
        started = False

        async def receive_in_time() -> Message:
            nonlocal body_done, timed_out
            if body_done or timed_out:
                return await receive()
            try:
                async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                return {"type": "http.disconnect"}  # the app stops reading; we answer
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if timed_out:  # the app's answer to a body that never came: ours goes instead
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_in_time, tracking_send)
        except Exception:
            if not timed_out:
                raise
        if timed_out and not started:
            await send_problem(
                send,
                scope,
                408,
                "body_timeout",
                BODY_TIMEOUT,
                headers=[(b"connection", b"close")],
            )
