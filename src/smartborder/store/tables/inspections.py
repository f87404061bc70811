"""Inspections: the immutable events of each inspection and the state they materialize."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class InspectionRow(Base):
    """The current state of an inspection, materialized from its events (``body`` holds it
    whole as JSON; the columns are what listings filter on). ``version`` counts the events
    applied and guards against two commands changing the row at once."""

    __tablename__ = "inspections"
    # covers the concluded inspections of a period (risk_sample_0001: effectiveness report)
    __table_args__ = (
        Index("ix_inspections_risk_report", "state", "created_at", "id", "declaration_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    declaration_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    joint: Mapped[bool] = mapped_column(Boolean)
    requested_by: Mapped[str] = mapped_column(String(8))
    facility: Mapped[str | None] = mapped_column(String(64), nullable=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    body: Mapped[str] = mapped_column(Text)


class InspectionEventRow(Base):
    """One event of an inspection, never changed. ``id`` is the event's UUID (the same on both
    nodes); ``seq`` orders an inspection's events as this node applied them."""

    __tablename__ = "inspection_events"
    __table_args__ = (
        UniqueConstraint("inspection_id", "seq", name="uq_inspection_events_seq"),
        # an agency's findings events since a time (risk_sample_0001: effectiveness report)
        Index("ix_inspection_events_risk_report", "kind", "agency", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    inspection_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("inspections.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(Integer)
    declaration_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(24))
    agency: Mapped[str] = mapped_column(String(8))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    body: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime())
