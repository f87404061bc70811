"""Consular renewals (an old credential replaced by a new one) and the notices they send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class RenewalRow(Base):
    """One renewal: the credential it replaced (revoked) and the one it issued."""

    __tablename__ = "consular_renewals"

    renewal_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    holder: Mapped[str] = mapped_column(String(512), index=True)
    org: Mapped[str] = mapped_column(String(200))
    credential_type: Mapped[str] = mapped_column(String(100))
    # a credential is renewed once: a second application for it meets this key
    old_credential_id: Mapped[str] = mapped_column(String(512), unique=True)
    new_credential_id: Mapped[str] = mapped_column(String(512))
    renewed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class NoticeRow(Base):
    """A notice to send through a channel (``smtp``, ``webhook``), retried until sent."""

    __tablename__ = "consular_notices"

    notice_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    renewal_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(512))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
