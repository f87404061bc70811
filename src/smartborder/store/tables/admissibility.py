"""Published admissibility policy versions (immutable rows, one per publication) and their
lifecycle: each version's state, the agencies' approvals, where and from when a version is in
force (activations), every transition with who and when, and the generation counter every
worker polls to learn that what is in force changed (migration branch ``plans``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
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


class PlanStateRow(Base):
    """Where a published version is in its lifecycle (no row: still a draft)."""

    __tablename__ = "plan_states"

    version_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # draft proposed approved in_force ...
    countries: Mapped[str] = mapped_column(String(16))  # "MEX,USA": whose approval it needs
    impact: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON impact report
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PlanApprovalRow(Base):
    """One country's approval of a version, by that country's agency."""

    __tablename__ = "plan_approvals"

    version_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    country: Mapped[str] = mapped_column(String(3), primary_key=True)
    agency: Mapped[str] = mapped_column(String(8))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PlanActivationRow(Base):
    """A version in force for one country at one region or port from ``effective_from`` until
    ``effective_until`` (open while None; set when superseded or withdrawn)."""

    __tablename__ = "plan_activations"
    __table_args__ = (Index("ix_plan_activations_scope", "country", "scope_kind", "scope_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[str] = mapped_column(String(120), index=True)
    country: Mapped[str] = mapped_column(String(3))
    scope_kind: Mapped[str] = mapped_column(String(8))  # "region" | "port"
    scope_id: Mapped[str] = mapped_column(String(40))
    effective_from: Mapped[datetime] = mapped_column(UtcDateTime())
    effective_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    activated_by: Mapped[str] = mapped_column(String(200))
    activated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PlanTransitionRow(Base):
    """One step of a version's lifecycle: insert-only, in order."""

    __tablename__ = "plan_transitions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[str] = mapped_column(String(120), index=True)
    action: Mapped[str] = mapped_column(String(16))  # propose approve activate supersede withdraw
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(3), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(Text)  # JSON


class PlanGenerationRow(Base):
    """One row: bumped in the transaction of every change to what is in force, so workers
    polling it reload (and concurrent activations are serialized on its row lock)."""

    __tablename__ = "plan_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(Integer)
