"""Liveness and readiness for load balancers."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from smartborder import __version__
from smartborder.api.deps import Ctx
from smartborder.store import transaction

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (no dependency checked)."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(ctx: Ctx) -> dict[str, str]:
    """The store answers; 503 problem otherwise."""
    with transaction(ctx.sessions) as session:
        session.execute(text("SELECT 1"))
    return {"status": "ready", "database": ctx.engine.dialect.name}
