"""Queries on twin runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smartborder.store.tables.twin import TwinRunRow


def add_run(session: Session, row: TwinRunRow) -> None:
    session.add(row)
    session.flush()


def get_run(session: Session, run_id: str, *, org: str) -> TwinRunRow | None:
    """The run if it exists and belongs to ``org`` (runs are private to their organization)."""
    row = session.get(TwinRunRow, run_id)
    return row if row is not None and row.org == org else None


def set_state(
    session: Session,
    run_id: str,
    *,
    status: str,
    result: str | None = None,
    error: str | None = None,
    finished_at: datetime | None = None,
) -> None:
    row = session.get(TwinRunRow, run_id)
    if row is None:
        return
    row.status = status
    row.result = result
    row.error = error
    row.finished_at = finished_at
    session.flush()
