"""Risk: the trading parties (shippers, consignees) the node has seen, for first-time rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class PartySeenRow(Base):
    """A party key (RFC, or name and country) first seen on a stored declaration.

    ``seq`` orders the rows so that each process's in-memory view reads only what is new."""

    __tablename__ = "risk_parties"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
