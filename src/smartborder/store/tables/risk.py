"""Risk: the trading parties (shippers, consignees) the node has seen, for first-time rules,
and the parties inspections found violations on, for recent-violation rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
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
