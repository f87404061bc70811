"""The trust registry of credential issuers: read by agencies and admins, edited by admins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.orm import Session

from smartborder.api.deps import AppContext, Ctx, DbSession, require_scopes
from smartborder.clients import Principal
from smartborder.clients.roles import TRUST_ADMIN, TRUST_READ
from smartborder.credentials.trust import (
    Country,
    TrustEntry,
    add_entry,
    load_registry,
    remove_entry,
)

router = APIRouter(prefix="/trust-registry", tags=["trust registry"])


class TrustRegistryOut(BaseModel):
    entries: list[TrustEntry]


class TrustEntryIn(BaseModel):
    issuer: str
    credential_type: str
    country: Country
    name: str | None = None


def _reload(ctx: AppContext) -> None:
    # The node's own pipeline sees an edit at once (other processes within the registry's TTL).
    ctx.credentials.refresh()


def _reload_after_commit(ctx: AppContext, session: Session) -> None:
    event.listen(session, "after_commit", lambda _s: _reload(ctx), once=True)


@router.get("", summary="List accredited issuers per credential type and country")
def list_trust(
    session: DbSession,
    caller: Annotated[Principal, Depends(require_scopes(TRUST_READ))],
    country: Annotated[Country | None, Query(description="US or MX")] = None,
    credential_type: Annotated[str | None, Query(max_length=100)] = None,
) -> TrustRegistryOut:
    entries = [
        e
        for e in load_registry(session).entries
        if (country is None or e.country == country)
        and (credential_type is None or e.credential_type == credential_type)
    ]
    return TrustRegistryOut(entries=entries)


@router.post(
    "/entries",
    status_code=201,
    summary="Accredit an issuer (admin)",
    responses={409: {"description": "Already accredited."}},
)
def add_trust(
    body: TrustEntryIn,
    ctx: Ctx,
    session: DbSession,
    caller: Annotated[Principal, Depends(require_scopes(TRUST_ADMIN))],
) -> TrustEntry:
    entry = add_entry(
        session,
        TrustEntry(**body.model_dump()),
        added_by=f"{caller.org} ({caller.client_id})",
        now=datetime.now(UTC),
    )
    _reload_after_commit(ctx, session)
    return entry


@router.delete(
    "/entries",
    status_code=204,
    summary="Withdraw an accreditation (admin)",
    responses={404: {"description": "No such accreditation."}},
)
def delete_trust(
    ctx: Ctx,
    session: DbSession,
    caller: Annotated[Principal, Depends(require_scopes(TRUST_ADMIN))],
    issuer: Annotated[str, Query(max_length=500)],
    credential_type: Annotated[str, Query(max_length=100)],
    country: Annotated[Country, Query()],
) -> Response:
    remove_entry(session, issuer, credential_type, country)
    _reload_after_commit(ctx, session)
    return Response(status_code=204)
