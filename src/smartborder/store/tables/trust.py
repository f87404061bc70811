"""The trust registry: which issuers (DIDs) are accredited for which credential types, per country."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class TrustEntryRow(Base):
    __tablename__ = "trust_entries"
    __table_args__ = (
        UniqueConstraint(
            "issuer", "credential_type", "country", name="uq_trust_entries_issuer_type_country"
        ),
    )

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issuer: Mapped[str] = mapped_column(String(500), index=True)
    credential_type: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))  # the accepting country: US or MX
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
