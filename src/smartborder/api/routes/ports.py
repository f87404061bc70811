"""``GET /ports``: the U.S.–Mexico ports of entry the platform knows (public reference data:
what a carrier's system needs to fill ``port_code`` and a reader's ``crossing``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from smartborder import ports
from smartborder.api.ratelimit import public_rate_limit

router = APIRouter(tags=["ports"], dependencies=[Depends(public_rate_limit)])


@router.get("/ports")
def list_ports(
    region: Annotated[
        str | None, Query(description="Only this region, e.g. san-diego-tijuana.")
    ] = None,
) -> list[dict[str, Any]]:
    """Every U.S.–Mexico land port of entry (CBP port code, name, state, time zone, position),
    its crossings with CBP Border Wait Times numbers, modes, lane types and maximum lanes,
    and the Mexican aduana facing it; the same as ``smartborder ports --json``."""
    selected = list(ports.all_ports())
    if region is not None:
        wanted = set(ports.get_region(region).port_codes)  # unknown region: a 400 problem
        selected = [p for p in selected if p.code in wanted]
    return [p.to_dict() for p in selected]


@router.get("/ports/{code}")
def get_port(code: str) -> dict[str, Any]:
    """One port by its 4-digit CBP port code (an unknown code is a 400 problem)."""
    return ports.get_port(code).to_dict()
