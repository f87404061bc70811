"""Queries on published admissibility policy versions. Rows are insert-only: the ORM refuses
any update or delete of a published version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Mapper, Session

from smartborder.i18n import Text
from smartborder.store.errors import RowImmutable
from smartborder.store.tables.admissibility import PolicyVersionRow


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
