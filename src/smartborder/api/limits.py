"""Limits on what a request may carry: ASGI middleware that refuses request bodies over the
configured size with 413, and the bounds of paging and calendar inputs (:data:`PageOffset`,
:data:`Day`, :data:`Instant`: a 422 problem outside them, where the store or the calendar would
overflow).

Answering 413 and closing while the client is still sending makes the kernel answer the
rest with a TCP reset, which destroys the 413 before most clients read it (they read only
once they have sent everything). Keeping the connection open instead lets uvicorn read and
discard the rest, however large. So the middleware reads and discards the rest itself —
up to :data:`DRAIN_FACTOR` times the limit, for at most :data:`DRAIN_TIMEOUT_S` — and then
answers 413 with ``Connection: close``: an ordinary client that sent a body a few times too
large reads the 413 and sees the connection end cleanly. Bodies larger still, and clients
that wait for ``100 Continue`` before sending, get the 413 at once (the latter never send
the body).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import date, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AfterValidator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartborder.i18n import negotiate

DRAIN_FACTOR = 4
DRAIN_TIMEOUT_S = 5.0


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        lang = negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            cheap = int(length) <= DRAIN_FACTOR * self.max_bytes
            if cheap and headers.get(b"expect", b"").lower() != b"100-continue":
                await self._drain(receive, 0)
            await self._refuse(send, lang.value)
            return
        seen = 0
        started = exceeded = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a body it could not read: the 413 replaces it
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not exceeded:
                raise
        # Some readers turn the failed read into an answer of their own (FastAPI's form
        # parsing into a 400): an oversize body is a 413 whatever the route.
        if exceeded and not started:
            await self._drain(receive, seen)
            await self._refuse(send, lang.value)

    async def _drain(self, receive: Receive, seen: int) -> None:
        """Read and discard the rest of the body, up to the drain budget and time."""
        budget = DRAIN_FACTOR * self.max_bytes - seen

        async def discard() -> None:
            nonlocal budget
            while budget > 0:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                budget -= len(message.get("body", b""))
                if not message.get("more_body", False):
                    return

        # A trickling sender gets the 413 and the close when the time is up.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(discard(), DRAIN_TIMEOUT_S)

    async def _refuse(self, send: Send, lang: str) -> None:
        es = lang == "es"
        body = {
            "type": "https://smartborder.dev/problems/too_large",
            "title": "Contenido demasiado grande" if es else "Payload too large",
            "status": 413,
            "code": "too_large",
            "detail": (
                f"El cuerpo excede el límite de {self.max_bytes} bytes; divídalo en lotes."
                if es
                else f"The body exceeds the limit of {self.max_bytes} bytes; split it in batches."
            ),
        }
        raw = json.dumps(body).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(raw)).encode()),
                    (b"content-language", lang.encode()),
                    (b"connection", b"close"),  # what is left of the body is not read
                ],
            }
        )
        await send({"type": "http.response.body", "body": raw})


#: Largest ``offset`` a paged listing accepts: far beyond any store's rows, and far inside the
#: 64-bit integers the stores bind (SQLite's INTEGER and PostgreSQL's bigint stop at 2**63 - 1;
#: an offset past that was a 500).
MAX_OFFSET = 1_000_000_000
PageOffset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip (0 to {MAX_OFFSET:,}).")
]

#: The calendar a request's dates and instants must fall in. Python's dates end at years 1 and
#: 9999, and an instant at either edge with an offset overflows when turned to UTC (a 500 on
#: ``/decisions?since=9999-12-31T23:59:59-05:00`` before these bounds); no border record,
#: feed or plan reaches outside these years.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


def _day_in_range(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"a date from {FIRST_DAY} to {LAST_DAY}")
    return value


def _instant_in_range(value: datetime) -> datetime:
    _day_in_range(value.date())
    return value


#: A date, or a date and time, a request may carry (a 422 problem outside the range).
Day = Annotated[date, AfterValidator(_day_in_range)]
Instant = Annotated[datetime, AfterValidator(_instant_in_range)]
