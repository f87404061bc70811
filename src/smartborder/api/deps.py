"""Dependencies of the routes, as ``Annotated`` aliases: the app context, sessions, callers.

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in its
thread pool, and that hop cost more than the work itself on every request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from smartborder.clients import InvalidToken, Principal
from smartborder.errors import Unauthenticated
from smartborder.node import Node
from smartborder.store import transaction

#: What every request shares: the node (settings, store, writer, signer, pipeline).
AppContext = Node


async def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_context)]


def get_session(ctx: Ctx) -> Iterator[Session]:
    """A session in one transaction: committed when the route returns, rolled back on error."""
    with transaction(ctx.sessions) as session:
        yield session


def get_write_session(ctx: Ctx) -> Iterator[Session]:
    """A session for a route that reads then writes, holding the node's write lock (SQLite:
    one writer at a time across workers), so no other writer commits between its read and
    its write — on SQLite in WAL mode that would fail the write ("database is locked")."""
    with ctx.write_lock(), transaction(ctx.sessions) as session:
        yield session


# scope="function": the transaction ends (commits) before the response is sent, so a commit
# that fails is answered as the error it is, never acknowledged (FastAPI's default scope
# commits after the response has been decided: a failed commit still answered 201).
DbSession = Annotated[Session, Depends(get_session, scope="function")]
WriteSession = Annotated[Session, Depends(get_write_session, scope="function")]


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer …`` header value; 401 if there is none."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


def _bearer(request: Request) -> str:
    return bearer_token(request.headers.get("authorization", ""))


async def current_principal(request: Request, ctx: Ctx) -> Principal:
    return ctx.signer.verify(_bearer(request))


async def optional_principal(request: Request, ctx: Ctx) -> Principal | None:
    """The caller if a valid token was sent, else ``None`` (for public endpoints)."""
    if not request.headers.get("authorization"):
        return None
    try:
        return ctx.signer.verify(_bearer(request))
    except (InvalidToken, Unauthenticated):
        return None


def require_scopes(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that authenticates the caller and checks it holds every scope given.

    Use: ``caller: Annotated[Principal, Depends(require_scopes("declarations:write"))]``.
    """

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        principal.require(*scopes)
        return principal

    return dependency


Caller = Annotated[Principal, Depends(current_principal)]
MaybeCaller = Annotated[Principal | None, Depends(optional_principal)]
