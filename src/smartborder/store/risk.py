"""Queries on the parties the risk stage has seen, and on parties with violations found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, select
from sqlalchemy.orm import Session

from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.risk import PartySeenRow, ViolationRow

_PARTIES = BulkInsert(
    cast(Table, PartySeenRow.__table__), ["key", "first_seen_at"], skip_conflicts=True
)


def store_parties(conn: Connection, keys: Sequence[str], at: datetime) -> None:
    """Store party keys not stored yet (in the caller's transaction). Keys go in sorted, so
    that two writers sharing keys take their index locks in the same order (no deadlock)."""
    rows: list[dict[str, Any]] = [{"key": k, "first_seen_at": at} for k in sorted(set(keys))]
    _PARTIES.execute(conn, rows)


def parties_after(session: Session, seq: int, *, limit: int = 100_000) -> list[tuple[int, str]]:
    """``(seq, key)`` of the parties stored after ``seq``, oldest first."""
    rows = session.execute(
        select(PartySeenRow.seq, PartySeenRow.key)
        .where(PartySeenRow.seq > seq)
        .order_by(PartySeenRow.seq)
        .limit(limit)
    )
    return [(int(s), str(k)) for s, k in rows]


def party_stored(session: Session, key: str) -> bool:
    """Whether ``key`` is stored (one lookup on its unique index)."""
    found = session.execute(select(PartySeenRow.seq).where(PartySeenRow.key == key).limit(1))
    return found.first() is not None


def first_seen(session: Session, keys: Sequence[str]) -> dict[str, datetime]:
    """When each of ``keys`` was first stored (keys never stored are left out)."""
    rows = session.execute(
        select(PartySeenRow.key, PartySeenRow.first_seen_at).where(
            PartySeenRow.key.in_(sorted(set(keys)))
        )
    )
    return {str(k): at for k, at in rows}


_VIOLATIONS = BulkInsert(
    cast(Table, ViolationRow.__table__),
    ["key", "role", "code", "found_at", "source"],
    skip_conflicts=True,
)


def store_violations(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Store violation rows (``key``, ``role``, ``code``, ``found_at``, ``source``) in the
    caller's transaction; a row stored before (same source, role, key and code) is skipped,
    so an event applied twice counts once."""
    ordered = sorted(rows, key=lambda r: (r["key"], r["role"], r["code"]))
    _VIOLATIONS.execute(conn, ordered)


def violations_after(
    session: Session, seq: int, *, limit: int = 100_000
) -> list[tuple[int, str, datetime]]:
    """``(seq, key, found_at)`` of the violations stored after ``seq``, oldest first."""
    rows = session.execute(
        select(ViolationRow.seq, ViolationRow.key, ViolationRow.found_at)
        .where(ViolationRow.seq > seq)
        .order_by(ViolationRow.seq)
        .limit(limit)
    )
    return [(int(s), str(k), at) for s, k, at in rows]
