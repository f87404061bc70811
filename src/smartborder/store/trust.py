"""Queries on the trust registry (accredited credential issuers)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smartborder.store.tables.trust import TrustEntryRow


def list_entries(session: Session) -> list[TrustEntryRow]:
    stmt = select(TrustEntryRow).order_by(
        TrustEntryRow.country, TrustEntryRow.credential_type, TrustEntryRow.issuer
    )
    return list(session.scalars(stmt))


def find_entry(
    session: Session, issuer: str, credential_type: str, country: str
) -> TrustEntryRow | None:
    stmt = select(TrustEntryRow).where(
        TrustEntryRow.issuer == issuer,
        TrustEntryRow.credential_type == credential_type,
        TrustEntryRow.country == country,
    )
    return session.scalars(stmt).first()


def add_entry(session: Session, row: TrustEntryRow) -> None:
    session.add(row)
    session.flush()


def delete_entry(session: Session, issuer: str, credential_type: str, country: str) -> int:
    """Delete one entry; returns how many rows went (0 or 1)."""
    result = session.execute(
        delete(TrustEntryRow).where(
            TrustEntryRow.issuer == issuer,
            TrustEntryRow.credential_type == credential_type,
            TrustEntryRow.country == country,
        )
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
