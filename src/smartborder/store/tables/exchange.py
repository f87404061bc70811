"""The exchange between the two agencies' nodes: the transactional outbox, the receipts of
documents received (idempotent receipt), the audit log of both directions, and the other
agency's decisions on the trips this node holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class OutboxRow(Base):
    """A document to send to the peer node, written in the transaction of what it reports."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (Index("ix_exchange_outbox_status_seq", "status", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    declaration_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # the claims' body (JSON), signed when sent
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16))  # pending | delivered | refused
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class InboxRow(Base):
    """A document received (its id once only: a resent one is acknowledged) and what became
    of it: accepted (waiting in ``exchange_pending``), applied or refused."""

    __tablename__ = "exchange_inbox"

    doc_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    digest: Mapped[str] = mapped_column(String(64))
    peer: Mapped[str] = mapped_column(String(300))
    declaration_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), default="applied", server_default="applied")


class PendingRow(Base):
    """A document checked on receipt (signature, audience, age, agreement), acknowledged to
    the sender and waiting to be applied, in the order it arrived."""

    __tablename__ = "exchange_pending"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    body: Mapped[str] = mapped_column(Text)  # the document's body (JSON)
    digest: Mapped[str] = mapped_column(String(64))
    peer: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """Every document sent or received: who, what, when, its digest and what became of it."""

    __tablename__ = "exchange_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    direction: Mapped[str] = mapped_column(String(8))  # out | in
    peer: Mapped[str] = mapped_column(String(300))
    doc_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    kind: Mapped[str | None] = mapped_column(String(24), nullable=True)
    digest: Mapped[str] = mapped_column(String(64))
    # accepted | applied | duplicate | refused
    outcome: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PeerDecisionRow(Base):
    """The other agency's decision on its leg of a trip this node holds."""

    __tablename__ = "peer_decisions"

    declaration_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(8), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(32))
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())
    body: Mapped[str] = mapped_column(Text)
    doc_id: Mapped[str] = mapped_column(String(36))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
