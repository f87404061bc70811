"""Queries on the parties the risk stage has seen, on parties with violations found, on the
learned models and their shadow scores, and for the targeting effectiveness report (an
agency's decisions in a period, counted on covering indexes, and the findings of the
declarations it examined)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, TextClause, and_, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.declarations import (
    RISK_PICKED,
    DecisionRow,
    DeclarationVersionRow,
)
from smartborder.store.tables.inspections import InspectionEventRow, InspectionRow
from smartborder.store.tables.risk import (
    PartySeenRow,
    RiskDecidingRow,
    RiskModelRow,
    ShadowScoreRow,
    ViolationRow,
)

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


def picked_or_amended(table: str = "decisions") -> TextClause:
    """The WHERE term of the partial index ``ix_decisions_risk_picked`` (targeted, drawn at
    random, or a later version of an amended record), written as the index's own predicate so
    that SQLite and PostgreSQL use the index: a year's ~65,000 such decisions are read instead
    of every decision."""
    qualified = RISK_PICKED
    for column in ("random_selection", "outcome", "version"):
        qualified = qualified.replace(column, f"{table}.{column}")
    return text(f"({qualified})")


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
    and no inspection state is read: the period's count (``ix_decisions_risk_report``), its
    targeted, drawn and amended decisions (the partial ``ix_decisions_risk_picked``, which
    holds only those), the amended records' decisions
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
        ).where(*where, picked_or_amended())
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
    # the concluded inspections' ids stay in the database (a list it builds from the covering
    # index), not a Python set of tens of thousands
    concluded = select(InspectionRow.id).where(
        InspectionRow.state == "concluded", InspectionRow.created_at >= since
    )
    events = conn.execute(
        select(InspectionEventRow.declaration_id, InspectionEventRow.body).where(
            InspectionEventRow.kind == "findings_recorded",
            InspectionEventRow.agency == agency,
            InspectionEventRow.at >= since,
            InspectionEventRow.inspection_id.in_(concluded),
        )
    ).all()
    findings = [(d, *current[d], body) for d, body in events if d in current]
    return flows, findings


def _amendments(
    conn: Connection, agency: str, period: tuple[datetime, datetime, str | None, str | None]
) -> tuple[dict[str, int], list[Flow]]:
    """For records amended in the period: the latest version of each decided in the period,
    and the report columns of each decision in the period a later one replaced."""
    latest: dict[str, int] = {}
    superseded: list[Flow] = []
    later = aliased(DecisionRow, name="later")
    amended = select(later.declaration_id).where(
        later.agencies == agency,
        later.decided_at >= period[0],
        later.decided_at < period[1],
        picked_or_amended("later"),
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


# --- learned models and shadow scores ----------------------------------------------------

_SHADOW = BulkInsert(
    cast(Table, ShadowScoreRow.__table__),
    ["declaration_id", "version", "model_id", "score", "scored_at", "features"],
    skip_conflicts=True,
)


def store_shadow_scores(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Store shadow scores in the caller's transaction (the writer's, with the decisions)."""
    if rows:
        _SHADOW.execute(conn, rows)


def shadow_scores_of(session: Session, declaration_id: str) -> list[ShadowScoreRow]:
    """A record's shadow scores, by version."""
    return list(
        session.scalars(
            select(ShadowScoreRow)
            .where(ShadowScoreRow.declaration_id == declaration_id)
            .order_by(ShadowScoreRow.version, ShadowScoreRow.model_id)
        )
    )


def add_model(session: Session, row: dict[str, Any]) -> bool:
    """Register a model (``risk_models`` columns); ``False`` if its id is registered already."""
    if session.get(RiskModelRow, row["id"]) is not None:
        return False
    session.add(RiskModelRow(**row))
    session.flush()
    return True


def get_model(session: Session, model_id: str) -> RiskModelRow | None:
    return session.get(RiskModelRow, model_id)


def list_models(session: Session) -> list[RiskModelRow]:
    """Registered models, newest first."""
    return list(session.scalars(select(RiskModelRow).order_by(RiskModelRow.registered_at.desc())))


def latest_model(session: Session, status: str) -> RiskModelRow | None:
    """The most recently registered (``shadow``) or promoted (``promoted``) model."""
    order = RiskModelRow.promoted_at if status == "promoted" else RiskModelRow.registered_at
    return session.scalars(
        select(RiskModelRow).where(RiskModelRow.status == status).order_by(order.desc()).limit(1)
    ).first()


def promote_model(
    session: Session, model_id: str, *, at: datetime, by: str, evaluation: str
) -> None:
    """Mark a model promoted (a model promoted before stays promoted, as history)."""
    session.execute(
        update(RiskModelRow)
        .where(RiskModelRow.id == model_id)
        .values(status="promoted", promoted_at=at, promoted_by=by, evaluation=evaluation)
        .execution_options(synchronize_session=False)
    )


def set_model_status(session: Session, model_id: str, status: str) -> None:
    session.execute(
        update(RiskModelRow)
        .where(RiskModelRow.id == model_id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def add_deciding(session: Session, row: dict[str, Any]) -> int:
    """Record a change of the deciding risk version (``risk_deciding`` columns); its seq."""
    change = RiskDecidingRow(**row)
    session.add(change)
    session.flush()
    return int(change.seq)


def deciding(session: Session) -> RiskDecidingRow | None:
    """The latest change of the deciding risk version (None: the weight set always decided)."""
    return session.scalars(
        select(RiskDecidingRow).order_by(RiskDecidingRow.seq.desc()).limit(1)
    ).first()


def deciding_history(session: Session) -> list[RiskDecidingRow]:
    """Every change of the deciding risk version, latest first."""
    return list(session.scalars(select(RiskDecidingRow).order_by(RiskDecidingRow.seq.desc())))


def models_generation(session: Session) -> tuple[int, int, int]:
    """What changes when the deciding or the shadow model changes, in one cheap read: the
    latest deciding change, the number of registered models and of those in the shadow slot.
    A worker reloads its models only when this changed."""
    changes = select(func.coalesce(func.max(RiskDecidingRow.seq), 0)).scalar_subquery()
    models = select(func.count()).select_from(RiskModelRow).scalar_subquery()
    shadows = (
        select(func.count())
        .select_from(RiskModelRow)
        .where(RiskModelRow.status == "shadow")
        .scalar_subquery()
    )
    row = session.execute(select(changes, models, shadows)).one()
    return int(row[0]), int(row[1]), int(row[2])


def stored_payloads(
    session: Session, declaration_ids: Sequence[str]
) -> dict[str, tuple[str, datetime]]:
    """The latest version's payload and its decision time of each stored declaration id."""
    out: dict[str, tuple[str, datetime]] = {}
    ids = sorted(set(declaration_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = session.execute(
            select(
                DeclarationVersionRow.declaration_id,
                DeclarationVersionRow.payload,
                DecisionRow.decided_at,
            )
            .join(
                DecisionRow,
                (DecisionRow.declaration_id == DeclarationVersionRow.declaration_id)
                & (DecisionRow.version == DeclarationVersionRow.version),
            )
            .where(DeclarationVersionRow.declaration_id.in_(chunk))
            .order_by(DeclarationVersionRow.declaration_id, DeclarationVersionRow.version)
        )
        for did, payload, at in rows:
            out[str(did)] = (str(payload), at)  # the last version wins
    return out


def decided_trucks(
    session: Session, since: datetime, until: datetime
) -> list[tuple[str, datetime, str, str]]:
    """``(declaration_id, decided_at, payload, decision body)`` of each truck declaration
    decided from ``since`` to ``until`` (the latest version of each record), oldest first."""
    rows = session.execute(
        select(
            DecisionRow.declaration_id,
            DecisionRow.decided_at,
            DeclarationVersionRow.payload,
            DecisionRow.body,
        )
        .join(
            DeclarationVersionRow,
            (DecisionRow.declaration_id == DeclarationVersionRow.declaration_id)
            & (DecisionRow.version == DeclarationVersionRow.version),
        )
        .where(
            DecisionRow.kind == "truck",
            DecisionRow.decided_at >= since,
            DecisionRow.decided_at <= until,
        )
        .order_by(DecisionRow.declaration_id, DecisionRow.version)
    )
    latest: dict[str, tuple[str, datetime, str, str]] = {}
    for did, at, payload, body in rows:
        latest[str(did)] = (str(did), at, str(payload), str(body))
    return sorted(latest.values(), key=lambda r: r[1])


def concluded_inspections(session: Session, declaration_ids: Sequence[str]) -> dict[str, list[str]]:
    """The stored state (JSON) of the concluded inspections of each declaration id."""
    out: dict[str, list[str]] = {}
    ids = sorted(set(declaration_ids))
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(InspectionRow.declaration_id, InspectionRow.body).where(
                InspectionRow.declaration_id.in_(ids[start : start + 500]),
                InspectionRow.state == "concluded",
            )
        )
        for did, body in rows:
            out.setdefault(str(did), []).append(str(body))
    return out
