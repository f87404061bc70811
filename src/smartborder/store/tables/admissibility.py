"""Published admissibility policy versions: immutable rows, one per publication."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class PolicyVersionRow(Base):
    __tablename__ = "admissibility_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_admissibility_versions_plan_number"),
    )

    version_id: Mapped[str] = mapped_column(String(120), primary_key=True)  # "<plan>@<number>"
    plan_id: Mapped[str] = mapped_column(String(80), index=True)
    number: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the Cedar text
    cedar: Mapped[str] = mapped_column(Text)
    plan_yaml: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_by: Mapped[str] = mapped_column(String(200))
