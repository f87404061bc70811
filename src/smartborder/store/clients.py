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


def client_states(session: Session) -> dict[str, bool]:
    """Every client id with whether it is enabled (one narrow query, no secrets read)."""
    rows = session.execute(select(ApiClientRow.client_id, ApiClientRow.active))
    return {client_id: bool(active) for client_id, active in rows}


def set_active(session: Session, client_id: str, *, active: bool) -> ApiClientRow | None:
    """Enable or disable a client; ``None`` if there is no such client."""
    row = session.get(ApiClientRow, client_id)
    if row is not None:
        row.active = active
        session.flush()
    return row


def delete_client(session: Session, client_id: str) -> bool:
    """Delete a client; ``False`` if there was none. Records keep its id (an audit trail)."""
    row = session.get(ApiClientRow, client_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
