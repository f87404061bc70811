"""Queries on API clients."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.store.tables.clients import ApiClientRow


def add_client(session: Session, row: ApiClientRow) -> None:
    session.add(row)
    session.flush()


def get_client(session: Session, client_id: str) -> ApiClientRow | None:
    return session.get(ApiClientRow, client_id)


def list_clients(session: Session) -> list[ApiClientRow]:
    return list(session.scalars(select(ApiClientRow).order_by(ApiClientRow.created_at)))
