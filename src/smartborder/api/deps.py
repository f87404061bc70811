"""Dependencies of the routes, as ``Annotated`` aliases: the app context, sessions, callers.

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in its
thread pool, and that hop cost more than the work itself on every request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from smartborder.clients import InvalidToken, Principal, TokenSigner
from smartborder.config import Settings
from smartborder.errors import Unauthenticated
from smartborder.preclearance.records import Decider, PreparedSubmission, SubmissionResult
from smartborder.risk.history import StorePartyHistory
from smartborder.store import transaction
from smartborder.store.group_commit import GroupCommitter


@dataclass
class AppContext:
    """What every request shares: settings, the store, the token signer."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    signer: TokenSigner
    decider: Decider
    writer: GroupCommitter[PreparedSubmission, SubmissionResult]
    write_engine: Engine | None = None  # the writer's own, where it has one
    history: StorePartyHistory | None = None  # the risk stage's, kept fresh in the background

    def close(self) -> None:
        """Stop the writer (pending writes finish) and the party history's top-ups, and
        close every database connection."""
        self.writer.close()
        self.signer.close()
        if self.history is not None:
            self.history.close()
        self.engine.dispose()
        if self.write_engine is not None:
            self.write_engine.dispose()


async def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_context)]


def get_session(ctx: Ctx) -> Iterator[Session]:
    """A session in one transaction: committed when the route returns, rolled back on error."""
    with transaction(ctx.sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


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
