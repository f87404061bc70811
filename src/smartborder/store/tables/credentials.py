"""Verifiable credentials: what each organization issued, its status lists, the presentations
received, and presentation exchanges (challenges)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.store.base import Base, UtcDateTime


class IssuedCredentialRow(Base):
    """A credential issued through this node (visible only to the issuing organization)."""

    __tablename__ = "vc_issued"
    __table_args__ = (UniqueConstraint("org", "credential_id", name="uq_vc_issued_org_credential"),)

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org: Mapped[str] = mapped_column(String(200), index=True)
    credential_id: Mapped[str] = mapped_column(String(512), index=True)
    credential_type: Mapped[str] = mapped_column(String(100))
    format: Mapped[str] = mapped_column(String(16))
    issuer: Mapped[str] = mapped_column(String(512))
    # indexed (consular_0001): a holder's credentials are listed by subject
    subject_id: Mapped[str | None] = mapped_column(String(512), nullable=True, index=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # indexed (consular_0001): reminders look for credentials ending soon
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    status_group: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    secured: Mapped[str] = mapped_column(Text)  # JSON of a Data Integrity credential, or the JWT


class StatusListRow(Base):
    """One Bitstring Status List of an organization (one per purpose and group)."""

    __tablename__ = "vc_status_lists"

    list_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    org: Mapped[str] = mapped_column(String(200), index=True)
    group_id: Mapped[str] = mapped_column(String(100), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    encoded: Mapped[str] = mapped_column(Text)
    allocated: Mapped[int] = mapped_column(Integer)
    stride: Mapped[int] = mapped_column(Integer)
    offset: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PresentationRow(Base):
    """A presentation received (POST /presentations or /presentations/submissions)."""

    __tablename__ = "vc_presentations"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    presentation_id: Mapped[str] = mapped_column(String(512), unique=True)
    org: Mapped[str] = mapped_column(String(200), index=True)
    holder: Mapped[str | None] = mapped_column(String(512), nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verified: Mapped[bool] = mapped_column(Boolean)
    document: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)


class ExchangeRow(Base):
    """A presentation exchange opened by POST /presentations/available (its challenge)."""

    __tablename__ = "vc_exchanges"

    challenge: Mapped[str] = mapped_column(String(64), primary_key=True)
    org: Mapped[str] = mapped_column(String(200), index=True)
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
