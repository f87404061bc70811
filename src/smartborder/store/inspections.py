"""Queries on inspections: their events, the state those materialize, and the trips they
inspect (read directly: any agency may inspect any trip, both legs being its)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from smartborder.store.tables.declarations import DeclarationRow, DeclarationVersionRow
from smartborder.store.tables.inspections import InspectionEventRow, InspectionRow


def get_trip(session: Session, declaration_id: str) -> DeclarationRow | None:
    return session.get(DeclarationRow, declaration_id)


def latest_version(session: Session, declaration_id: str) -> DeclarationVersionRow | None:
    """The trip's latest version (its payload names the parties)."""
    return session.scalars(
        select(DeclarationVersionRow)
        .where(DeclarationVersionRow.declaration_id == declaration_id)
        .order_by(DeclarationVersionRow.version.desc())
        .limit(1)
    ).first()


def get_inspection(session: Session, inspection_id: str) -> InspectionRow | None:
    return session.get(InspectionRow, inspection_id)


def inspections_of(session: Session, declaration_id: str) -> list[InspectionRow]:
    """A trip's inspections, oldest first."""
    return list(
        session.scalars(
            select(InspectionRow)
            .where(InspectionRow.declaration_id == declaration_id)
            .order_by(InspectionRow.created_at, InspectionRow.id)
        )
    )


def event_stored(session: Session, event_id: str) -> bool:
    found = session.execute(
        select(InspectionEventRow.id).where(InspectionEventRow.id == event_id).limit(1)
    )
    return found.first() is not None


def events_of(session: Session, inspection_id: str) -> list[InspectionEventRow]:
    """An inspection's events in the order this node applied them."""
    return list(
        session.scalars(
            select(InspectionEventRow)
            .where(InspectionEventRow.inspection_id == inspection_id)
            .order_by(InspectionEventRow.seq)
        )
    )


def save_event(
    session: Session,
    *,
    event: dict[str, Any],
    state: dict[str, Any],
    expected_version: int,
    applied_at: datetime,
) -> bool:
    """Store an event and the state it led to, in the caller's transaction.

    ``state`` holds the ``inspections`` columns (``id``, ``declaration_id``, ``joint``,
    ``requested_by``, ``facility``, ``scheduled_for``, ``state``, ``version``, ``created_at``,
    ``updated_at``, ``body``). With ``expected_version`` 0 the inspection is new; otherwise the
    row is updated only if it is still at ``expected_version``: ``False`` means another
    command changed it meanwhile and nothing was written."""
    if expected_version == 0:
        session.execute(insert(InspectionRow).values(**state))
    else:
        changed = session.execute(
            update(InspectionRow)
            .where(InspectionRow.id == state["id"], InspectionRow.version == expected_version)
            .values(**{k: v for k, v in state.items() if k not in ("id", "created_at")})
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            return False
    session.execute(
        insert(InspectionEventRow).values(**event, seq=int(state["version"]), applied_at=applied_at)
    )
    return True
