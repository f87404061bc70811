"""The exchange with the other agency's node: its inbox (signed documents in), and what an
agency or admin reads of it: the audit log and the outbox's state."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from smartborder.api.deps import Ctx, DbSession, require_scopes
from smartborder.clients import Principal, Role
from smartborder.clients.roles import EXCHANGE_READ, EXCHANGE_WRITE
from smartborder.errors import Forbidden
from smartborder.i18n import Text
from smartborder.store import exchange as repo

router = APIRouter(prefix="/exchange", tags=["exchange"])

MAX_DOCUMENTS = 1000


class DocumentsIn(BaseModel):
    documents: list[Any] = Field(
        min_length=1,
        max_length=MAX_DOCUMENTS,
        description="Signed exchange documents (compact JWS, typ smartborder-exchange+jwt).",
    )


class DocumentResult(BaseModel):
    id: str
    status: str = Field(
        description="accepted (held, to be applied in order), duplicate (received before) or refused"
    )
    problem: dict[str, Any] | None = None


class DocumentsOut(BaseModel):
    results: list[DocumentResult]


class AuditEntry(BaseModel):
    at: datetime
    direction: str
    peer: str
    doc_id: str | None
    kind: str | None
    digest: str
    outcome: str
    code: str | None
    detail: str | None
    actor: str | None


@router.post("/inbox", summary="Receive signed documents from the other agency's node")
async def inbox(
    body: DocumentsIn,
    ctx: Ctx,
    caller: Annotated[Principal, Depends(require_scopes(EXCHANGE_WRITE))],
) -> DocumentsOut:
    """Each document is checked (signature by the peer's key, audience, age, agreement) and,
    if good, held durably before the answer: the answer lists, per document, accepted,
    duplicate or refused with its problem. Accepted documents are applied afterwards, once,
    in the order they arrived; one that cannot be applied comes back to the sender as a
    ``refusal`` document naming the problem. Refusals are audited; nothing of a refused
    document is applied."""
    if caller.role not in (Role.PEER, Role.ADMIN):
        raise Forbidden(
            Text(
                "Only the peer node's client delivers exchange documents.",
                "Solo el cliente del nodo par entrega documentos de intercambio.",
            ),
            code="exchange.not_peer",
        )
    outcomes = await run_in_threadpool(ctx.receive, caller, body.documents)
    return DocumentsOut(results=[DocumentResult(**o.to_dict()) for o in outcomes])


@router.get("/audit", summary="The audit log of documents sent and received")
def audit(
    session: DbSession,
    _caller: Annotated[Principal, Depends(require_scopes(EXCHANGE_READ))],
    doc_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AuditEntry]:
    rows = repo.audit_page(session, limit=limit, offset=offset, doc_id=doc_id)
    return [AuditEntry.model_validate(r, from_attributes=True) for r in rows]


@router.get("/inbox", summary="How many documents from the peer wait, were applied or refused")
def inbox_counts(
    session: DbSession,
    _caller: Annotated[Principal, Depends(require_scopes(EXCHANGE_READ))],
) -> dict[str, int]:
    """Documents the peer sent and this node accepted: waiting to be applied (``accepted``,
    applied in arrival order), ``applied``, or ``refused`` when applied (sent back to the
    peer as a refusal). Documents refused on receipt are in the audit log only."""
    counts = repo.inbox_counts(session)
    return {s: counts.get(s, 0) for s in ("accepted", "applied", "refused")}


@router.get("/outbox", summary="How many documents wait, were delivered or were refused")
def outbox(
    session: DbSession,
    _caller: Annotated[Principal, Depends(require_scopes(EXCHANGE_READ))],
) -> dict[str, int]:
    counts = repo.outbox_counts(session)
    return {s: counts.get(s, 0) for s in ("pending", "delivered", "refused")}
