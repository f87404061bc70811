"""Queries on the parties the risk stage has seen, on parties with violations found, and for
the targeting effectiveness report: an agency's decisions in a period counted by the columns
the report groups on, and the findings of the declarations it examined."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, func, select
from sqlalchemy.orm import Session

from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.declarations import DecisionRow, DeclarationRow
from smartborder.store.tables.inspections import InspectionEventRow, InspectionRow
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


def _current_decisions(
    agency: str, since: datetime, until: datetime, port_code: str | None, direction: str | None
) -> list[Any]:
    """Conditions for the agency's decisions in [since, until) that are still current (the
    decision of a record's latest version: an amended record counts once)."""
    where: list[Any] = [
        DecisionRow.decided_at >= since,
        DecisionRow.decided_at < until,
        DecisionRow.agencies == agency,
        DeclarationRow.current_version == DecisionRow.version,
    ]
    if port_code is not None:
        where.append(DecisionRow.port_code == port_code)
    if direction is not None:
        where.append(DecisionRow.direction == direction)
    return where


def decision_flows(
    session: Session,
    *,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None = None,
    direction: str | None = None,
) -> list[tuple[bool, str, str | None, str | None, int]]:
    """``(random_selection, outcome, risk_version, risk_rules, count)`` of the agency's
    current decisions in [since, until), optionally at one port and in one direction."""
    cols = (
        DecisionRow.random_selection,
        DecisionRow.outcome,
        DecisionRow.risk_version,
        DecisionRow.risk_rules,
    )
    stmt = (
        select(*cols, func.count())
        .join(DeclarationRow, DeclarationRow.id == DecisionRow.declaration_id)
        .where(*_current_decisions(agency, since, until, port_code, direction))
        .group_by(*cols)
    )
    return [(bool(r), str(o), v, rules, int(n)) for r, o, v, rules, n in session.execute(stmt)]


def examined_findings(
    session: Session,
    *,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None = None,
    direction: str | None = None,
) -> list[tuple[str, bool, str, str | None, str | None, str]]:
    """``(declaration_id, random_selection, outcome, risk_version, risk_rules, findings body)``
    of every findings event the agency recorded in a concluded inspection of a declaration
    whose current decision is in the period (one row per event; a declaration may have more)."""
    stmt = (
        select(
            DecisionRow.declaration_id,
            DecisionRow.random_selection,
            DecisionRow.outcome,
            DecisionRow.risk_version,
            DecisionRow.risk_rules,
            InspectionEventRow.body,
        )
        .join(DeclarationRow, DeclarationRow.id == DecisionRow.declaration_id)
        .join(
            InspectionRow,
            and_(
                InspectionRow.declaration_id == DecisionRow.declaration_id,
                InspectionRow.state == "concluded",
            ),
        )
        .join(
            InspectionEventRow,
            and_(
                InspectionEventRow.inspection_id == InspectionRow.id,
                InspectionEventRow.kind == "findings_recorded",
                InspectionEventRow.agency == agency,
            ),
        )
        .where(*_current_decisions(agency, since, until, port_code, direction))
    )
    return [
        (str(d), bool(r), str(o), v, rules, str(body))
        for d, r, o, v, rules, body in session.execute(stmt)
    ]
