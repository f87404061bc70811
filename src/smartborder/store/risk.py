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


_REPORT_COLUMNS = (
    DecisionRow.random_selection,
    DecisionRow.outcome,
    DecisionRow.risk_version,
    DecisionRow.risk_rules,
)
Flow = tuple[bool, str, str | None, str | None]


def _in_period(
    agency: str, since: datetime, until: datetime, port_code: str | None, direction: str | None
) -> list[Any]:
    where: list[Any] = [
        DecisionRow.agencies == agency,
        DecisionRow.decided_at >= since,
        DecisionRow.decided_at < until,
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
    current decisions in [since, until), optionally at one port and in one direction.

    One grouped read of ``ix_decisions_risk_report`` (it covers every column read), less the
    decisions amendments superseded: those are found from the few decisions of a version
    above 1, so the year's rows are never joined to their records one by one."""
    where = _in_period(agency, since, until, port_code, direction)
    counts: dict[Flow, int] = {}
    for r, o, v, rules, n in session.execute(
        select(*_REPORT_COLUMNS, func.count()).where(*where).group_by(*_REPORT_COLUMNS)
    ):
        key = (bool(r), str(o), v, rules)
        counts[key] = counts.get(key, 0) + int(n)
    for key in _superseded(session, agency, since, where):
        counts[key] -= 1
    return [(*key, n) for key, n in counts.items() if n > 0]


def _superseded(session: Session, agency: str, since: datetime, where: list[Any]) -> list[Flow]:
    """The report columns of each decision in the period that a later version replaced."""
    # A later version is decided after the one it replaces, so at or after ``since``.
    amended: dict[str, int] = {}
    for declaration_id, version in session.execute(
        select(DecisionRow.declaration_id, DecisionRow.version).where(
            DecisionRow.agencies == agency, DecisionRow.decided_at >= since, DecisionRow.version > 1
        )
    ):
        amended[declaration_id] = max(version, amended.get(declaration_id, 0))
    out: list[Flow] = []
    ids = sorted(amended)
    for start in range(0, len(ids), 500):
        # By id alone (their own index); the period is checked on these few rows here.
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(DecisionRow.id, DecisionRow.declaration_id, DecisionRow.version).where(
                DecisionRow.declaration_id.in_(chunk)
            )
        )
        old = [row_id for row_id, d, version in rows if version < amended[d]]
        if old:
            out.extend(
                (bool(r), str(o), v, rules)
                for r, o, v, rules in session.execute(
                    select(*_REPORT_COLUMNS).where(DecisionRow.id.in_(old), *where)
                )
            )
    return out


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
    whose current decision is in the period (one row per event; a declaration may have more).

    Read from the inspections' side (few: an agency examines a few percent of trips): the
    inspections requested since the period began, their declarations' decisions and the
    findings events; the period, port and direction are checked on those few rows here, so
    the database never walks the period's decisions to find the examined ones."""
    stmt = (
        select(
            DecisionRow.declaration_id,
            DecisionRow.version,
            DeclarationRow.current_version,
            DecisionRow.agencies,
            DecisionRow.decided_at,
            DecisionRow.port_code,
            DecisionRow.direction,
            *_REPORT_COLUMNS,
            InspectionEventRow.body,
        )
        .select_from(InspectionRow)
        .join(DecisionRow, DecisionRow.declaration_id == InspectionRow.declaration_id)
        .join(DeclarationRow, DeclarationRow.id == InspectionRow.declaration_id)
        .join(
            InspectionEventRow,
            and_(
                InspectionEventRow.inspection_id == InspectionRow.id,
                InspectionEventRow.kind == "findings_recorded",
                InspectionEventRow.agency == agency,
            ),
        )
        .where(InspectionRow.state == "concluded", InspectionRow.created_at >= since)
    )
    out = []
    for d, version, current, agencies, at, port, way, r, o, v, rules, body in session.execute(stmt):
        if (
            version == current
            and agencies == agency
            and since <= at < until
            and (port_code is None or port == port_code)
            and (direction is None or way == direction)
        ):
            out.append((str(d), bool(r), str(o), v, rules, str(body)))
    return out
