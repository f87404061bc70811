"""Risk: the trading parties (shippers, consignees) the node has seen, for first-time rules,
the parties inspections found violations on, for recent-violation rules, and the learned
models with their shadow scores."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class PartySeenRow(Base):
    """A party key (RFC, or name and country) first seen on a stored declaration.

    ``seq`` orders the rows so that each process's in-memory view reads only what is new."""

    __tablename__ = "risk_parties"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ViolationRow(Base):
    """A party (shipper, consignee or carrier key) named on a trip where an inspection found a
    violation: one row per source finding event, role, party and finding code.

    ``seq`` orders the rows so that each process's in-memory view reads only what is new."""

    __tablename__ = "risk_violations"
    __table_args__ = (
        UniqueConstraint("source", "role", "key", "code", name="uq_risk_violations_source"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    role: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32))
    found_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(64))  # the finding event's id


class RiskModelRow(Base):
    """A learned risk model registered on this node (``risk.model``): the whole model file in
    ``body``; ``status`` is ``shadow`` (scores beside decisions, never deciding) or
    ``promoted`` (a new risk version, with the evaluation that allowed it in ``evaluation``)."""

    __tablename__ = "risk_models"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    trained_from: Mapped[datetime] = mapped_column(UtcDateTime())
    trained_until: Mapped[datetime] = mapped_column(UtcDateTime())
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    promoted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    promoted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evaluation: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    body: Mapped[str] = mapped_column(Text)  # the model file (JSON)


class ShadowScoreRow(Base):
    """The shadow model's score of one decided declaration version, stored with the decision
    in the writer's transaction; ``features`` (the encoded feature vector, JSON) lets the
    top contributing features be computed when someone asks why."""

    __tablename__ = "risk_shadow_scores"

    declaration_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("declarations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime())
    features: Mapped[str] = mapped_column(Text)


class RiskDecidingRow(Base):
    """A change of the risk version that decides trucks: ``action`` ``promote`` (the learned
    model ``model_id`` decides, with its calibrated ``cutoffs``, JSON) or ``demote`` (back
    to the weight set), by whom and when. The latest row decides; its ``seq`` is part of the
    generation every worker polls."""

    __tablename__ = "risk_deciding"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    model_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    cutoffs: Mapped[str | None] = mapped_column(Text, nullable=True)
