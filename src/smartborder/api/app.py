"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager, nullcontext
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import Receive, Scope, Send

from smartborder import __version__
from smartborder.api import docs, fastlane, problems, ratelimit
from smartborder.api.deps import AppContext
from smartborder.api.limits import BodySizeLimit
from smartborder.api.routes import admissibility as admissibility_routes
from smartborder.api.routes import clients as clients_routes
from smartborder.api.routes import credentials as credentials_routes
from smartborder.api.routes import dashboard as dashboard_routes
from smartborder.api.routes import declarations, health, landing, oauth, schemas
from smartborder.api.routes import dids as dids_routes
from smartborder.api.routes import forecast as forecast_routes
from smartborder.api.routes import kpi as kpi_routes
from smartborder.api.routes import ports as ports_routes
from smartborder.api.routes import trust as trust_routes
from smartborder.api.routes import twin as twin_routes
from smartborder.clients import ClientRegistry, TokenSigner
from smartborder.config import Settings
from smartborder.preclearance.configured import pipeline_for
from smartborder.preclearance.records import store_many
from smartborder.risk.history import StorePartyHistory
from smartborder.store import make_engine, session_factory, upgrade
from smartborder.store.group_commit import GroupCommitter, file_lock


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    ctx: AppContext = app.state.ctx
    ctx.close()


def _write_lock(engine: Engine) -> Callable[[], AbstractContextManager[Any]]:
    """SQLite files: one writer at a time across worker processes; servers need none."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return file_lock(f"{engine.url.database}.write-lock")
    return nullcontext


def _write_engine(engine: Engine, settings: Settings) -> Engine | None:
    """A database server gets the group-commit writer its own one-connection engine, without
    the pool's liveness ping: the ping is a round trip before every batch (measured ~8 % of a
    PostgreSQL submission's server time). A connection lost between batches fails one batch;
    SQLAlchemy then invalidates the pool, and group commit retries the items one by one on a
    new connection (submissions are idempotent)."""
    if engine.dialect.name == "sqlite":
        return None
    return make_engine(settings.db_url, pool_pre_ping=False, pool_size=1, max_overflow=2)


class SmartBorderAPI(FastAPI):
    """FastAPI, with the two submission routes answered ahead of its stack (see fastlane)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = fastlane.kind_of(scope)
        if kind is None:
            await super().__call__(scope, receive, send)
        else:
            await fastlane.serve(self.state.ctx, kind, scope, receive, send, super().__call__)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the API over the store named by ``settings`` (migrated to head unless told not)."""
    settings = settings or Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    app = SmartBorderAPI(
        title="SmartBorder",
        version=__version__,
        summary="Binational U.S.-Mexico smart border: one window for pre-arrival data.",
        openapi_url="/openapi.json",
        docs_url=None,  # served from local assets: see docs.install
        redoc_url=None,  # ReDoc would load from a CDN
        lifespan=_lifespan,
    )
    sessions = session_factory(engine)
    write_engine = _write_engine(engine, settings)
    # Loaded now, topped up on its own thread: a submission never waits on that query (it
    # would run on the event loop, where submissions are decided).
    history = StorePartyHistory(lambda: sessions)
    history.keep_fresh()
    app.state.ctx = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        writer=GroupCommitter(
            session_factory(write_engine or engine), store_many, write_lock=_write_lock(engine)
        ),
        write_engine=write_engine,
        signer=TokenSigner.from_home(
            settings.home, ttl_s=settings.token_ttl_s, clients=ClientRegistry(sessions).keep_fresh()
        ),
        decider=pipeline_for(settings, history=history),
        history=history,
    )
    ratelimit.install(app, settings)
    docs.install(app)
    problems.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Domain routers register here, one line each.
    app.include_router(oauth.router)
    app.include_router(clients_routes.router)
    app.include_router(health.router)
    app.include_router(declarations.router)
    app.include_router(schemas.router)
    app.include_router(ports_routes.router)
    app.include_router(landing.router)
    app.include_router(dids_routes.router)
    app.include_router(admissibility_routes.router)
    app.include_router(kpi_routes.router)
    app.include_router(forecast_routes.router)
    app.include_router(dashboard_routes.router)
    app.include_router(credentials_routes.router)
    app.include_router(twin_routes.router)
    app.include_router(trust_routes.router)
    return app
