"""Queries on the parties the risk stage has seen, on parties with violations found, and on
the learned models and their shadow scores."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.orm import Session

from smartborder.store.bulk import BulkInsert
from smartborder.store.tables.declarations import DecisionRow, DeclarationVersionRow
from smartborder.store.tables.inspections import InspectionRow
from smartborder.store.tables.risk import (
    PartySeenRow,
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
