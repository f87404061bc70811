"""Pre-arrival declarations: records, their immutable versions, decisions and lifecycle."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class DeclarationRow(Base):
    """One pre-arrival record; its content lives in versions, never overwritten."""

    __tablename__ = "declarations"
    __table_args__ = (
        UniqueConstraint("submitter_org", "dedupe_key", name="uq_declarations_submitter_dedupe"),
        Index("ix_declarations_port_arrival", "port_code", "expected_arrival"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # No index of its own: the unique (submitter_org, dedupe_key) index serves lookups by org.
    submitter_org: Mapped[str] = mapped_column(String(200))
    submitter_client: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    port_code: Mapped[str] = mapped_column(String(4))
    # Not indexed: two values; listings by direction read decisions (direction, decided_at).
    direction: Mapped[str] = mapped_column(String(16))
    expected_arrival: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DeclarationVersionRow(Base):
    __tablename__ = "declaration_versions"

    declaration_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("declarations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON of the validated declaration
    submitted_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


#: The rows of ``ix_decisions_risk_picked`` (a query's WHERE must hold this very term).
RISK_PICKED = "random_selection OR outcome IN ('inspect', 'hold', 'deny') OR version > 1"


class DecisionRow(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_port_decided", "port_code", "decided_at"),
        Index("ix_decisions_direction_decided", "direction", "decided_at"),
        # covers what the targeting effectiveness report reads (risk_sample_0001)
        Index(
            "ix_decisions_risk_report",
            "agencies",
            "decided_at",
            "port_code",
            "direction",
            "random_selection",
            "outcome",
            "risk_version",
            "risk_rules",
            "version",
            "declaration_id",
        ),
        # the few decisions the report reads one by one (risk_report_0001): targeted, drawn
        # at random, or a later version of an amended record
        Index(
            "ix_decisions_risk_picked",
            "agencies",
            "decided_at",
            "port_code",
            "direction",
            "random_selection",
            "outcome",
            "risk_version",
            "risk_rules",
            "version",
            "declaration_id",
            sqlite_where=text(RISK_PICKED),
            postgresql_where=text(RISK_PICKED),
        ),
        Index(
            "ix_decisions_risk_label",
            "declaration_id",
            "version",
            "agencies",
            "decided_at",
            "port_code",
            "direction",
            "random_selection",
            "outcome",
            "risk_version",
            "risk_rules",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    port_code: Mapped[str] = mapped_column(String(4))
    direction: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(32))
    lane: Mapped[str | None] = mapped_column(String(32), nullable=True)
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    agencies: Mapped[str] = mapped_column(String(32))
    # Indexed alone too: today's counts on the landing page span every port and direction.
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    body: Mapped[str] = mapped_column(Text)  # the whole decision (reasons, versions) as JSON
    # What the effectiveness report groups by (risk_sample_0001), so it never parses bodies:
    # drawn by the random control sample; the weight set's version; its rule ids that matched.
    random_selection: Mapped[bool] = mapped_column(Boolean, server_default=false())
    risk_version: Mapped[str | None] = mapped_column(String(32), nullable=True)
    risk_rules: Mapped[str | None] = mapped_column(Text, nullable=True)  # sorted, comma-joined


class StateChangeRow(Base):
    __tablename__ = "declaration_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
