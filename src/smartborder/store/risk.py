"""Queries on the parties the risk stage has seen, on parties with violations found, and for
the targeting effectiveness report: an agency's decisions in a period counted by the columns
the report groups on, and the findings of the declarations it examined."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, func, or_, select
from sqlalchemy.orm import Session

from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.declarations import DecisionRow
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


_TARGETED = ("inspect", "hold", "deny")


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
    current decisions in [since, until), optionally at one port and in one direction: each
    targeted (inspect, hold, deny) or randomly drawn kind of decision apart, and every other
    decision in one ``(False, "release", None, None, count)`` row.

    Two reads of ``ix_decisions_risk_report`` (it covers every column read; the decision rows,
    each with its 1-2 KB body, are never read): a plain count of the period, and the few
    targeted and drawn decisions grouped (a sort of ~5 % of the rows, not of all of them).
    Decisions an amendment superseded are subtracted: found from the few decisions of a
    version above 1, never by joining every decision to its record."""
    where = _in_period(agency, since, until, port_code, direction)
    examined = or_(DecisionRow.random_selection, DecisionRow.outcome.in_(_TARGETED))
    total = int(session.execute(select(func.count()).where(*where)).scalar_one())
    counts: dict[Flow, int] = {}
    for r, o, v, rules, n in session.execute(
        select(*_REPORT_COLUMNS, func.count()).where(*where, examined).group_by(*_REPORT_COLUMNS)
    ):
        counts[(bool(r), str(o), v, rules)] = int(n)
    released: Flow = (False, "release", None, None)
    counts[released] = total - sum(counts.values())
    for key in _superseded(session, agency, since, until, port_code, direction):
        if key[0] or key[1] in _TARGETED:
            counts[key] -= 1
        else:
            counts[released] -= 1
    return [(*key, n) for key, n in counts.items() if n > 0]


def _decisions_of(
    session: Session, ids: Sequence[str]
) -> dict[str, list[tuple[int, str, datetime, str, str, Flow]]]:
    """Every decision of each of ``ids``: ``(version, agency, decided_at, port, direction,
    report columns)``, read 500 ids at a time from ``ix_decisions_risk_label`` (covering)."""
    out: dict[str, list[tuple[int, str, datetime, str, str, Flow]]] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), 500):
        rows = session.execute(
            select(
                DecisionRow.declaration_id,
                DecisionRow.version,
                DecisionRow.agencies,
                DecisionRow.decided_at,
                DecisionRow.port_code,
                DecisionRow.direction,
                *_REPORT_COLUMNS,
            ).where(DecisionRow.declaration_id.in_(ordered[start : start + 500]))
        )
        for d, version, agencies, at, port, way, r, o, v, rules in rows:
            out.setdefault(d, []).append(
                (int(version), agencies, at, port, way, (bool(r), str(o), v, rules))
            )
    return out


def _matches(
    row: tuple[int, str, datetime, str, str, Flow],
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None,
    direction: str | None,
) -> bool:
    _, agencies, at, port, way, _ = row
    return (
        agencies == agency
        and since <= at < until
        and (port_code is None or port == port_code)
        and (direction is None or way == direction)
    )


def _superseded(
    session: Session,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None,
    direction: str | None,
) -> list[Flow]:
    """The report columns of each decision in the period that a later version replaced."""
    # A later version is decided after the one it replaces, so at or after ``since``.
    amended = session.scalars(
        select(DecisionRow.declaration_id).where(
            DecisionRow.agencies == agency, DecisionRow.decided_at >= since, DecisionRow.version > 1
        )
    ).all()
    out: list[Flow] = []
    for rows in _decisions_of(session, amended).values():
        latest = max(row[0] for row in rows)
        out.extend(
            row[5]
            for row in rows
            if row[0] < latest and _matches(row, agency, since, until, port_code, direction)
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

    Read from the inspections' side (an agency examines a few percent of trips), each step on
    an index of its own: the concluded inspections requested since the period began
    (``ix_inspections_risk_report``), their findings events (by inspection id), their
    declarations' decisions (``ix_decisions_risk_label``); the period, port and direction are
    checked on those few rows here, and the current decision is the latest version."""
    inspected = session.execute(
        select(InspectionRow.id, InspectionRow.declaration_id).where(
            InspectionRow.state == "concluded", InspectionRow.created_at >= since
        )
    ).all()
    trip_of = {str(i): str(d) for i, d in inspected}
    bodies: list[tuple[str, str]] = []
    ids = sorted(trip_of)
    for start in range(0, len(ids), 500):
        bodies.extend(
            (trip_of[str(i)], str(body))
            for i, body in session.execute(
                select(InspectionEventRow.inspection_id, InspectionEventRow.body).where(
                    InspectionEventRow.inspection_id.in_(ids[start : start + 500]),
                    InspectionEventRow.kind == "findings_recorded",
                    InspectionEventRow.agency == agency,
                )
            )
        )
    current: dict[str, Flow] = {}
    for d, rows in _decisions_of(session, [d for d, _ in bodies]).items():
        latest = max(rows, key=lambda row: row[0])
        if _matches(latest, agency, since, until, port_code, direction):
            current[d] = latest[5]
    return [(d, *current[d], body) for d, body in bodies if d in current]
