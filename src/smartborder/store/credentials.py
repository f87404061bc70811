"""Queries on issued credentials, status lists, presentations and exchanges."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.store.tables.credentials import (
    ExchangeRow,
    IssuedCredentialRow,
    PresentationRow,
    StatusListRow,
)


def add_issued(session: Session, row: IssuedCredentialRow) -> None:
    session.add(row)
    session.flush()


def get_issued(session: Session, org: str, credential_id: str) -> IssuedCredentialRow | None:
    """The credential ``credential_id`` issued by ``org`` (None for any other organization)."""
    return session.scalars(
        select(IssuedCredentialRow).where(
            IssuedCredentialRow.org == org, IssuedCredentialRow.credential_id == credential_id
        )
    ).first()


def open_status_list(session: Session, org: str, purpose: str) -> StatusListRow | None:
    """The org's newest list of ``purpose`` with free entries, locked for this transaction."""
    return session.scalars(
        select(StatusListRow)
        .where(
            StatusListRow.org == org,
            StatusListRow.purpose == purpose,
            StatusListRow.allocated < StatusListRow.size,
        )
        .order_by(StatusListRow.list_id.desc())
        .with_for_update()
    ).first()


def count_status_lists(session: Session, org: str, purpose: str) -> int:
    return len(
        list(
            session.scalars(
                select(StatusListRow.list_id).where(
                    StatusListRow.org == org, StatusListRow.purpose == purpose
                )
            )
        )
    )


def add_status_list(session: Session, row: StatusListRow) -> None:
    session.add(row)
    session.flush()


def get_status_list(session: Session, list_id: str, *, lock: bool = False) -> StatusListRow | None:
    stmt = select(StatusListRow).where(StatusListRow.list_id == list_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def status_lists_of_group(
    session: Session, group_id: str, *, lock: bool = False
) -> list[StatusListRow]:
    stmt = select(StatusListRow).where(StatusListRow.group_id == group_id)
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def presentation_exists(session: Session, presentation_id: str) -> bool:
    found = session.scalars(
        select(PresentationRow.row_id).where(PresentationRow.presentation_id == presentation_id)
    ).first()
    return found is not None


def add_presentation(session: Session, row: PresentationRow) -> None:
    session.add(row)
    session.flush()


def add_exchange(session: Session, row: ExchangeRow) -> None:
    session.add(row)
    session.flush()


def get_exchange(session: Session, challenge: str, *, lock: bool = False) -> ExchangeRow | None:
    stmt = select(ExchangeRow).where(ExchangeRow.challenge == challenge)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()
