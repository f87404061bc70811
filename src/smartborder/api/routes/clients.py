"""Administration of API clients: list, disable, re-enable, delete (scope ``clients:admin``).

A client disabled or deleted here gets no new token, and the tokens it holds stop working
at once on this worker and within about a second on every other worker sharing the store
(see :class:`smartborder.clients.ClientRegistry`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from smartborder.api.deps import Ctx, require_scopes
from smartborder.clients import Principal, delete_client, list_clients, set_enabled
from smartborder.clients.roles import CLIENTS_ADMIN
from smartborder.store import transaction
from smartborder.store.tables.clients import ApiClientRow

router = APIRouter(prefix="/clients", tags=["auth"])
Admin = Annotated[Principal, Depends(require_scopes(CLIENTS_ADMIN))]


class ClientInfo(BaseModel):
    """A client as an administrator sees it (never its secret)."""

    client_id: str
    org: str
    role: str
    scopes: list[str]
    enabled: bool
    created_at: datetime


def _info(row: ApiClientRow) -> ClientInfo:
    return ClientInfo(
        client_id=row.client_id,
        org=row.org,
        role=row.role,
        scopes=row.scopes.split(),
        enabled=row.active,
        created_at=row.created_at,
    )


@router.get("", response_model=list[ClientInfo])
def list_all(admin: Admin, ctx: Ctx) -> list[ClientInfo]:
    """Every client of this node, oldest first."""
    with transaction(ctx.sessions) as session:
        return [_info(r) for r in list_clients(session)]


def _set(ctx: Ctx, client_id: str, *, enabled: bool) -> ClientInfo:
    with transaction(ctx.sessions) as session:  # committed before the local view changes
        info = _info(set_enabled(session, client_id, enabled=enabled))
    if ctx.signer.clients is not None:
        ctx.signer.clients.note(client_id, enabled=enabled)
    return info


@router.post("/{client_id}/disable", response_model=ClientInfo)
def disable(client_id: str, admin: Admin, ctx: Ctx) -> ClientInfo:
    """Disable a client: no new token, and its tokens stop working (404 if none)."""
    return _set(ctx, client_id, enabled=False)


@router.post("/{client_id}/enable", response_model=ClientInfo)
def enable(client_id: str, admin: Admin, ctx: Ctx) -> ClientInfo:
    """Re-enable a disabled client: its unexpired tokens work again (404 if none)."""
    return _set(ctx, client_id, enabled=True)


@router.delete("/{client_id}", status_code=204, response_class=Response)
def delete(client_id: str, admin: Admin, ctx: Ctx) -> Response:
    """Delete a client for good (404 if none); its records keep its id."""
    with transaction(ctx.sessions) as session:
        delete_client(session, client_id)
    if ctx.signer.clients is not None:
        ctx.signer.clients.forget(client_id)
    return Response(status_code=204)
