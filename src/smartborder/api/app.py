"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from smartborder import __version__
from smartborder.api import docs, openapi, problems, ratelimit
from smartborder.api.gc_tuning import freeze_startup_heap, thaw_heap
from smartborder.api.limits import BodySizeLimit
from smartborder.api.routes import admissibility as admissibility_routes
from smartborder.api.routes import clients as clients_routes
from smartborder.api.routes import consular as consular_routes
from smartborder.api.routes import credentials as credentials_routes
from smartborder.api.routes import dashboard as dashboard_routes
from smartborder.api.routes import declarations, health, landing, oauth, schemas
from smartborder.api.routes import dids as dids_routes
from smartborder.api.routes import exchange as exchange_routes
from smartborder.api.routes import forecast as forecast_routes
from smartborder.api.routes import inspections as inspections_routes
from smartborder.api.routes import kpi as kpi_routes
from smartborder.api.routes import plans as plans_routes
from smartborder.api.routes import ports as ports_routes
from smartborder.api.routes import risk as risk_routes
from smartborder.api.routes import risk_models as risk_model_routes
from smartborder.api.routes import traveler_page as traveler_page_routes
from smartborder.api.routes import trust as trust_routes
from smartborder.api.routes import twin as twin_routes
from smartborder.config import Settings
from smartborder.node import Node


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # App built, imports done: full collections stop walking the start-up heap, which made
    # 160-1,100 ms pauses (see api.gc_tuning and benchmarks/study_gc_pauses.py).
    freeze_startup_heap()
    yield
    thaw_heap()
    node: Node = app.state.ctx
    node.close()


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the API over a node assembled from ``settings`` (its store migrated to head
    unless told not)."""
    node = Node.open(settings or Settings(), migrate=migrate)
    # The party history is loaded now and topped up on its own thread: a submission never
    # waits on that query (it would run on the event loop, where submissions are decided).
    node.serve()
    app = FastAPI(
        title="SmartBorder",
        version=__version__,
        summary="Binational U.S.-Mexico smart border: one window for pre-arrival data.",
        openapi_url="/openapi.json",
        docs_url=None,  # served from local assets: see docs.install
        redoc_url=None,  # ReDoc would load from a CDN
        lifespan=_lifespan,
    )
    app.state.ctx = node
    settings = node.settings
    ratelimit.install(app, settings)
    docs.install(app)
    problems.install(app)
    openapi.install(app)  # /openapi.json: every problem answer, schema and example
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Domain routers register here, one line each.
    app.include_router(declarations.router)  # first: the submissions are the busiest routes
    app.include_router(oauth.router)
    app.include_router(clients_routes.router)
    app.include_router(health.router)
    app.include_router(schemas.router)
    app.include_router(ports_routes.router)
    app.include_router(landing.router)
    app.include_router(dids_routes.router)
    app.include_router(admissibility_routes.router)
    app.include_router(plans_routes.router)
    app.include_router(kpi_routes.router)
    app.include_router(forecast_routes.router)
    app.include_router(dashboard_routes.router)
    app.include_router(traveler_page_routes.router)
    app.include_router(credentials_routes.router)
    app.include_router(twin_routes.router)
    app.include_router(trust_routes.router)
    app.include_router(consular_routes.router)
    app.include_router(exchange_routes.router)
    app.include_router(inspections_routes.router)
    app.include_router(risk_model_routes.router)
    app.include_router(risk_routes.router)
    return app
