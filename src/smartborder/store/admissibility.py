"""Queries on published admissibility policy versions (insert-only: the ORM refuses any update
or delete of a published version) and on their lifecycle: states, approvals, activations,
transitions and the in-force generation."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Mapper, Session

from smartborder.i18n import Text
from smartborder.store.errors import RowImmutable
from smartborder.store.tables.admissibility import (
    PlanActivationRow,
    PlanApprovalRow,
    PlanGenerationRow,
    PlanStateRow,
    PlanTransitionRow,
    PolicyVersionRow,
)


def _refuse(_mapper: Mapper[Any], _conn: Any, target: PolicyVersionRow) -> None:
    raise RowImmutable(
        Text(
            f"Published policy version {target.version_id!r} cannot be changed or deleted; "
            "publish a new version instead.",
            f"La versión publicada {target.version_id!r} no se puede modificar ni borrar; "
            "publique una versión nueva.",
        )
    )


def guard_policy_versions() -> None:
    """Refuse any ORM update or delete of a published version (idempotent; the store's
    :func:`~smartborder.store.engine.make_engine` calls it, never an import)."""
    for name in ("before_update", "before_delete"):
        if not event.contains(PolicyVersionRow, name, _refuse):
            event.listen(PolicyVersionRow, name, _refuse)


def add_version(session: Session, row: PolicyVersionRow) -> None:
    session.add(row)
    session.flush()


def next_number(session: Session, plan_id: str) -> int:
    latest = session.scalar(
        select(func.max(PolicyVersionRow.number)).where(PolicyVersionRow.plan_id == plan_id)
    )
    return int(latest or 0) + 1


def latest_version(session: Session, plan_id: str) -> PolicyVersionRow | None:
    return session.scalar(
        select(PolicyVersionRow)
        .where(PolicyVersionRow.plan_id == plan_id)
        .order_by(PolicyVersionRow.number.desc())
        .limit(1)
    )


def get_version(session: Session, version_id: str) -> PolicyVersionRow | None:
    return session.get(PolicyVersionRow, version_id)


def list_versions(session: Session, plan_id: str | None = None) -> list[PolicyVersionRow]:
    query = select(PolicyVersionRow).order_by(PolicyVersionRow.plan_id, PolicyVersionRow.number)
    if plan_id is not None:
        query = query.where(PolicyVersionRow.plan_id == plan_id)
    return list(session.scalars(query))


# --- lifecycle ---------------------------------------------------------------------------


def generation(session: Session) -> int:
    """The in-force generation (0 on a store where nothing was ever activated)."""
    value = session.scalar(select(PlanGenerationRow.generation).where(PlanGenerationRow.id == 1))
    return int(value or 0)


def bump_generation(session: Session) -> int:
    """Add one to the generation in ``session``'s transaction and return it. Done first in a
    change to what is in force: the row lock orders concurrent changes (PostgreSQL), so each
    one checks for overlaps after the previous one committed."""
    result = session.execute(
        update(PlanGenerationRow)
        .where(PlanGenerationRow.id == 1)
        .values(generation=PlanGenerationRow.generation + 1)
    )
    if getattr(result, "rowcount", 0) == 0:
        session.add(PlanGenerationRow(id=1, generation=1))
        session.flush()
    return generation(session)


def get_state(
    session: Session, version_id: str, *, for_update: bool = False
) -> PlanStateRow | None:
    query = select(PlanStateRow).where(PlanStateRow.version_id == version_id)
    if for_update:
        query = query.with_for_update()
    return session.scalar(query)


def approvals(session: Session, version_id: str) -> list[PlanApprovalRow]:
    return list(
        session.scalars(
            select(PlanApprovalRow)
            .where(PlanApprovalRow.version_id == version_id)
            .order_by(PlanApprovalRow.approved_at)
        )
    )


def activations(session: Session, version_id: str | None = None) -> list[PlanActivationRow]:
    """Every activation (of one version, or all), oldest first."""
    query = select(PlanActivationRow).order_by(PlanActivationRow.id)
    if version_id is not None:
        query = query.where(PlanActivationRow.version_id == version_id)
    return list(session.scalars(query))


def activations_at_scope(
    session: Session, country: str, scope_kind: str, scope_id: str
) -> list[PlanActivationRow]:
    return list(
        session.scalars(
            select(PlanActivationRow)
            .where(
                PlanActivationRow.country == country,
                PlanActivationRow.scope_kind == scope_kind,
                PlanActivationRow.scope_id == scope_id,
            )
            .order_by(PlanActivationRow.id)
        )
    )


def transitions(session: Session, version_id: str) -> list[PlanTransitionRow]:
    return list(
        session.scalars(
            select(PlanTransitionRow)
            .where(PlanTransitionRow.version_id == version_id)
            .order_by(PlanTransitionRow.seq)
        )
    )


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()
