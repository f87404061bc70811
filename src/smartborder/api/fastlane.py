"""The two submission routes served straight from ASGI, ahead of FastAPI's stack.

Why: a declaration submission is the node's hot path (the issue asks ≥ 1,000 durable
decisions a second over HTTP on two cores, load generator included). Profiled under load,
Starlette's and FastAPI's layers (middleware chain, routing, dependency solving, request
and response objects) took ~0.4 ms of a ~1.3 ms submission — as much as validating and
deciding a truck manifest. Here a POST to ``/declarations/trucks`` or
``/declarations/travelers`` is answered by the very same function the FastAPI routes call
(:func:`~smartborder.api.routes.declarations.submit_declaration`), with the same token check,
the same errors rendered by the same problem+json code. Anything out of the ordinary — a body
over the size limit, an ``Idempotency-Key`` header FastAPI must validate — goes to FastAPI
unchanged, with the body read so far replayed, so there is one behaviour, documented once in
the OpenAPI description of those routes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from smartborder.api import problems
from smartborder.api.deps import AppContext, bearer_token
from smartborder.api.routes.declarations import IDEMPOTENCY_KEY_MAX, submit_declaration
from smartborder.errors import SmartBorderError

ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KINDS: dict[str, str] = {"/declarations/trucks": "truck", "/declarations/travelers": "traveler"}


def kind_of(scope: Scope) -> str | None:
    """The declaration kind if ``scope`` is a submission the fast lane serves, else ``None``."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    return KINDS.get(scope["path"])


def _replaying(chunks: list[bytes], receive: Receive) -> Receive:
    """A ``receive`` that first hands back the body chunks already read, then reads on."""
    pending = list(chunks)

    async def replay() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(0), "more_body": True}
        return await receive()

    return replay


async def serve(
    ctx: AppContext, kind: str, scope: Scope, receive: Receive, send: Send, fallback: ASGIApp
) -> None:
    """Answer one submission of ``kind``, or hand it to ``fallback`` (the FastAPI app)."""
    authorization = ""
    keys: list[str] = []
    for name, value in scope["headers"]:
        if name == b"authorization" and not authorization:  # the first, as Starlette reads it
            authorization = value.decode("latin-1")
        elif name == b"idempotency-key":
            keys.append(value.decode("latin-1"))
        elif (
            name == b"content-length"
            and value.isdigit()
            and int(value) > ctx.settings.max_body_bytes
        ):
            await fallback(scope, receive, send)  # BodySizeLimit answers 413
            return
    if len(keys) > 1 or (keys and len(keys[0]) > IDEMPOTENCY_KEY_MAX):
        await fallback(scope, receive, send)  # FastAPI validates the header
        return
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > ctx.settings.max_body_bytes:
            await fallback(scope, _replaying(chunks, receive), send)
            return
        if not message.get("more_body", False):
            break
    try:
        caller = ctx.signer.verify(bearer_token(authorization))
        done = await submit_declaration(
            ctx, caller, b"".join(chunks), kind, keys[0] if keys else None
        )
    except SmartBorderError as exc:
        await problems.error_response(Request(scope), exc)(scope, receive, send)
        return
    except Exception as exc:  # a bug: the same 500 problem FastAPI's handler gives
        await problems.unexpected_response(Request(scope), exc)(scope, receive, send)
        return
    await send(
        {
            "type": "http.response.start",
            "status": done.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(done.body)).encode()),
                (b"location", done.location.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": done.body})
