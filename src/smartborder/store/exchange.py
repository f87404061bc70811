"""Queries of the exchange between nodes: outbox, inbox receipts, audit log, peer decisions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from smartborder.store.tables.exchange import (
    AuditRow,
    InboxRow,
    OutboxRow,
    PeerDecisionRow,
    PendingRow,
)


def add_outbox(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue documents for the peer, in the caller's transaction."""
    if rows:
        session.execute(insert(cast(Table, OutboxRow.__table__)), list(rows))


def due_rows(session: Session, now: datetime, *, limit: int) -> list[tuple[Any, ...]]:
    """The pending documents whose next attempt is due, oldest first, as tuples
    ``(seq, doc_id, kind, digest, body, attempts)`` (columns, not objects: a delivery round
    reads thousands)."""
    return [
        tuple(r)
        for r in session.execute(
            select(
                OutboxRow.seq,
                OutboxRow.doc_id,
                OutboxRow.kind,
                OutboxRow.digest,
                OutboxRow.body,
                OutboxRow.attempts,
            )
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
    ]


def mark(
    session: Session,
    seqs: Sequence[int],
    *,
    status: str,
    at: datetime | None = None,
    error: str | None = None,
) -> None:
    if seqs:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.seq.in_(list(seqs)))
            .values(status=status, delivered_at=at, last_error=error)
        )


def retry_later(session: Session, seqs: Sequence[int], *, at: datetime, error: str) -> None:
    if seqs:
        session.execute(
            update(OutboxRow)
            .where(OutboxRow.seq.in_(list(seqs)))
            .values(attempts=OutboxRow.attempts + 1, next_attempt_at=at, last_error=error)
        )


def outbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
    return {str(s): int(n) for s, n in rows}


def inbox_counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(InboxRow.status, func.count()).group_by(InboxRow.status))
    return {str(s): int(n) for s, n in rows}


def queued_ids(session: Session, doc_ids: Sequence[str]) -> set[str]:
    """The ids among ``doc_ids`` already in the outbox."""
    if not doc_ids:
        return set()
    rows = session.scalars(select(OutboxRow.doc_id).where(OutboxRow.doc_id.in_(list(doc_ids))))
    return set(rows)


def sent_event_ids(session: Session, declaration_id: str) -> set[str]:
    """Ids of the inspection events of a trip queued for the peer already."""
    rows = session.scalars(
        select(OutboxRow.doc_id).where(
            OutboxRow.declaration_id == declaration_id, OutboxRow.kind == "inspection"
        )
    )
    return set(rows)


def received(session: Session, doc_ids: Sequence[str]) -> dict[str, str]:
    """``doc_id -> digest`` of the documents among ``doc_ids`` received here before."""
    if not doc_ids:
        return {}
    rows = session.execute(
        select(InboxRow.doc_id, InboxRow.digest).where(InboxRow.doc_id.in_(list(doc_ids)))
    )
    return {str(i): str(d) for i, d in rows}


def add_receipts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(cast(Table, InboxRow.__table__)), list(rows))


def add_pending(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Documents accepted on receipt, to be applied in this order."""
    if rows:
        session.execute(insert(cast(Table, PendingRow.__table__)), list(rows))


def pending(session: Session, *, limit: int) -> list[PendingRow]:
    """The oldest documents waiting to be applied."""
    return list(session.scalars(select(PendingRow).order_by(PendingRow.seq).limit(limit)))


def take_pending(session: Session, seqs: Sequence[int]) -> set[int]:
    """Remove waiting documents (in the transaction that applies them); the seqs that were
    still waiting (another worker of this node may have applied some meanwhile)."""
    if not seqs:
        return set()
    rows = session.execute(
        delete(PendingRow).where(PendingRow.seq.in_(list(seqs))).returning(PendingRow.seq)
    )
    return {int(r[0]) for r in rows}


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PendingRow)) or 0)


def set_receipt_status(session: Session, doc_ids: Sequence[str], status: str) -> None:
    if doc_ids:
        session.execute(
            update(InboxRow).where(InboxRow.doc_id.in_(list(doc_ids))).values(status=status)
        )


def refused_by_peer(session: Session, doc_id: str, *, problem: str, at: datetime) -> bool:
    """The peer refused, when it applied it, a document it had accepted on receipt: mark it
    refused with the peer's problem; False if no such document was sent from here."""
    result = session.execute(
        update(OutboxRow)
        .where(OutboxRow.doc_id == doc_id, OutboxRow.kind != "refusal")
        .values(status="refused", delivered_at=at, last_error=problem)
    )
    return bool(getattr(result, "rowcount", 0))


def add_audit(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(cast(Table, AuditRow.__table__)), list(rows))


def audit_page(
    session: Session, *, limit: int, offset: int = 0, doc_id: str | None = None
) -> list[AuditRow]:
    stmt = select(AuditRow)
    if doc_id:
        stmt = stmt.where(AuditRow.doc_id == doc_id)
    return list(session.scalars(stmt.order_by(AuditRow.id.desc()).limit(limit).offset(offset)))


def put_peer_decisions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Store the other agency's decisions on versions (a later document for the same version
    and agency replaces the earlier)."""
    if not rows:
        return
    keys = {(r["declaration_id"], r["version"], r["agency"]): r for r in rows}
    columns = (PeerDecisionRow.declaration_id, PeerDecisionRow.version, PeerDecisionRow.agency)
    session.execute(delete(PeerDecisionRow).where(tuple_(*columns).in_(list(keys))))
    session.execute(insert(cast(Table, PeerDecisionRow.__table__)), list(keys.values()))


def peer_decisions_of(session: Session, declaration_id: str) -> list[PeerDecisionRow]:
    return list(
        session.scalars(
            select(PeerDecisionRow)
            .where(PeerDecisionRow.declaration_id == declaration_id)
            .order_by(PeerDecisionRow.version, PeerDecisionRow.agency)
        )
    )
