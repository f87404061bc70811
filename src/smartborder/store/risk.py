"""Queries on the parties the risk stage has seen, on parties with violations found, and for
the targeting effectiveness report: an agency's decisions in a period counted by the columns
the report groups on, and the findings of the declarations it examined."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

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
#: One decision as the report sees it: (version, agency, decided_at, port, direction, columns)
Decided = tuple[int, str, datetime, str, str, Flow]


def report_rows(
    session: Session,
    *,
    agency: str,
    since: datetime,
    until: datetime,
    port_code: str | None = None,
    direction: str | None = None,
) -> tuple[
    list[tuple[bool, str, str | None, str | None, int]],
    list[tuple[str, bool, str, str | None, str | None, str]],
]:
    """What the effectiveness report reads, for the agency's decisions in [since, until)
    (optionally one port and direction; a record amended in the period counts once, as its
    latest decision in the period):

    * flows: ``(random_selection, outcome, risk_version, risk_rules, count)`` of each targeted
      (inspect, hold, deny) or randomly drawn kind of decision, and every other decision in one
      ``(False, "release", None, None, count)`` row;
    * findings: ``(declaration_id, random_selection, outcome, risk_version, risk_rules, findings
      body)`` of each findings event the agency recorded in a concluded inspection of a
      targeted or drawn declaration (one row per event).

    Every read is on an index that covers it, so no decision row (each with its 1-2 KB body)
    and no inspection state is read: the period's count, and its targeted, drawn and amended
    decisions (``ix_decisions_risk_report``), the amended records' decisions
    (``ix_decisions_risk_label``), the concluded inspections (``ix_inspections_risk_report``)
    and the findings events since the period began (``ix_inspection_events_risk_report``).
    Examinations of declarations the pipeline released and the sample did not draw (an
    officer's own choice) are neither targeting nor the sample, and are left out."""
    conn = session.connection()  # Core: no ORM row objects for these reads
    where = _in_period(agency, since, until, port_code, direction)
    total = int(conn.execute(select(func.count()).where(*where)).scalar_one())
    chosen = or_(DecisionRow.random_selection, DecisionRow.outcome.in_(_TARGETED))
    rows = conn.execute(
        select(
            DecisionRow.declaration_id,
            DecisionRow.version,
            chosen.label("chosen"),
            *_REPORT_COLUMNS,
        ).where(*where, chosen)
    ).all()
    latest, superseded = _amendments(conn, agency, (since, until, port_code, direction))
    counts: dict[Flow, int] = {}
    current: dict[str, Flow] = {}
    released = total
    for d, version, picked, r, o, v, rules in rows:
        if not picked:
            continue
        key = (bool(r), str(o), v, rules)
        counts[key] = counts.get(key, 0) + 1
        released -= 1
        if version >= latest.get(d, 0):
            current[d] = key
    for key in superseded:
        if key[0] or key[1] in _TARGETED:
            counts[key] -= 1
        else:
            released -= 1
    flows = [(*key, n) for key, n in counts.items() if n > 0]
    if released > 0:
        flows.append((False, "release", None, None, released))
    concluded = set(
        conn.execute(
            select(InspectionRow.id).where(
                InspectionRow.state == "concluded", InspectionRow.created_at >= since
            )
        )
        .scalars()
        .all()
    )
    events = conn.execute(
        select(
            InspectionEventRow.inspection_id,
            InspectionEventRow.declaration_id,
            InspectionEventRow.body,
        ).where(
            InspectionEventRow.kind == "findings_recorded",
            InspectionEventRow.agency == agency,
            InspectionEventRow.at >= since,
        )
    ).all()
    findings = [(d, *current[d], body) for i, d, body in events if d in current and i in concluded]
    return flows, findings


def _amendments(
    conn: Connection, agency: str, period: tuple[datetime, datetime, str | None, str | None]
) -> tuple[dict[str, int], list[Flow]]:
    """For records amended in the period: the latest version of each decided in the period,
    and the report columns of each decision in the period a later one replaced."""
    latest: dict[str, int] = {}
    superseded: list[Flow] = []
    later = aliased(DecisionRow)
    amended = select(later.declaration_id).where(
        later.agencies == agency,
        later.decided_at >= period[0],
        later.decided_at < period[1],
        later.version > 1,
    )
    # Whether a decision is in the period is computed by the database (a column of the
    # answer, not a condition, so the ids' own index serves the read).
    in_scope = and_(*_in_period(agency, *period)).label("in_scope")
    rows = conn.execute(
        select(DecisionRow.declaration_id, DecisionRow.version, in_scope, *_REPORT_COLUMNS).where(
            DecisionRow.declaration_id.in_(amended)
        )
    ).all()
    for d, version, scoped, *_ in rows:
        if scoped and version > latest.get(d, 0):
            latest[d] = version
    superseded.extend(
        (bool(r), str(o), v, rules)
        for d, version, scoped, r, o, v, rules in rows
        if scoped and d in latest and version < latest[d]
    )
    return latest, superseded
