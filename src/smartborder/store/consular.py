"""Queries of the consular domain: a holder's issued credentials, renewals, the notice outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from smartborder.store.tables.consular import NoticeRow, RenewalRow
from smartborder.store.tables.credentials import ExchangeRow, IssuedCredentialRow


def issued_to(
    session: Session, subject_id: str, *, valid_until_by: datetime
) -> list[IssuedCredentialRow]:
    """The unrevoked credentials issued on this node about ``subject_id`` whose validity ends
    by ``valid_until_by`` (soonest first)."""
    return list(
        session.scalars(
            select(IssuedCredentialRow)
            .where(
                IssuedCredentialRow.subject_id == subject_id,
                IssuedCredentialRow.revoked.is_(False),
                IssuedCredentialRow.valid_until.is_not(None),
                IssuedCredentialRow.valid_until <= valid_until_by,
            )
            .order_by(IssuedCredentialRow.valid_until, IssuedCredentialRow.row_id)
        )
    )


def holders_expiring(session: Session, *, now: datetime, within_days: int) -> list[str]:
    """The subjects (holder DIDs) with an unrevoked credential ending between ``now`` and
    ``now + within_days``."""
    until = now + timedelta(days=within_days)
    return list(
        session.scalars(
            select(IssuedCredentialRow.subject_id)
            .where(
                IssuedCredentialRow.subject_id.is_not(None),
                IssuedCredentialRow.revoked.is_(False),
                IssuedCredentialRow.valid_until > now,
                IssuedCredentialRow.valid_until <= until,
            )
            .distinct()
            .order_by(IssuedCredentialRow.subject_id)
        )
    )


def issued_with_id(session: Session, credential_id: str) -> list[IssuedCredentialRow]:
    """Every organization's issued credential with ``credential_id`` (normally one)."""
    return list(
        session.scalars(
            select(IssuedCredentialRow).where(IssuedCredentialRow.credential_id == credential_id)
        )
    )


def renewal_of(session: Session, old_credential_id: str) -> RenewalRow | None:
    return session.scalars(
        select(RenewalRow).where(RenewalRow.old_credential_id == old_credential_id)
    ).first()


def add_renewal(session: Session, row: RenewalRow, notices: Sequence[NoticeRow]) -> None:
    session.add(row)
    session.add_all(notices)
    session.flush()


def add_notices(session: Session, notices: Sequence[NoticeRow]) -> None:
    session.add_all(notices)
    session.flush()


def claim_due(
    session: Session, *, now: datetime, lease_until: datetime, limit: int
) -> list[NoticeRow]:
    """Pending notices due at ``now``, leased until ``lease_until`` (another worker that
    looks meanwhile skips them; a worker that dies leaves them due again after the lease)."""
    rows = list(
        session.scalars(
            select(NoticeRow)
            .where(NoticeRow.state == "pending", NoticeRow.next_attempt_at <= now)
            .order_by(NoticeRow.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    claimed: list[NoticeRow] = []
    for row in rows:
        # conditional on the row still being due: two SQLite workers cannot both take it
        done = session.execute(
            update(NoticeRow)
            .where(NoticeRow.notice_id == row.notice_id, NoticeRow.next_attempt_at <= now)
            .values(next_attempt_at=lease_until)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row)
    session.flush()
    return claimed


def get_notice(session: Session, notice_id: str) -> NoticeRow | None:
    return session.get(NoticeRow, notice_id)


def notices(session: Session, *, renewal_id: str | None = None) -> list[NoticeRow]:
    stmt = select(NoticeRow).order_by(NoticeRow.created_at, NoticeRow.notice_id)
    if renewal_id is not None:
        stmt = stmt.where(NoticeRow.renewal_id == renewal_id)
    return list(session.scalars(stmt))


def drop_challenges(session: Session, org: str, *, opened_before: datetime) -> int:
    """Delete ``org``'s exchange challenges opened before ``opened_before`` (answered or
    not: past their time-to-live they serve nothing); returns how many."""
    done = session.execute(
        delete(ExchangeRow).where(ExchangeRow.org == org, ExchangeRow.created_at < opened_before)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]
