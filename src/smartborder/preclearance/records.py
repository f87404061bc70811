"""Reads of pre-arrival records and their lifecycle: a record with its history, the
decisions a caller may see, state changes by the agency the record binds, and the record an
amendment is prepared against. Writes of submissions and amendments: ``submission``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.clients import Principal
from smartborder.errors import NotFound
from smartborder.i18n import Text
from smartborder.kpi import event_row
from smartborder.preclearance.events import crossing_event
from smartborder.preclearance.lifecycle import (
    State,
    check_amendable,
    check_can_move,
    check_transition,
    visibility,
)
from smartborder.preclearance.submission import AmendTarget
from smartborder.preclearance.views import (
    RecordDetail,
    RecordSummary,
    StateView,
    VersionView,
    row_body,
    summary,
)
from smartborder.store import declarations as repo
from smartborder.store import kpi as kpi_store
from smartborder.store.tables.declarations import StateChangeRow


def _not_found(declaration_id: str) -> NotFound:
    return NotFound(
        Text(
            f"No declaration {declaration_id} visible to your client.",
            f"No hay una declaración {declaration_id} visible para su cliente.",
        ),
        code="declaration.not_found",
    )


def amendment_target(session: Session, principal: Principal, declaration_id: str) -> AmendTarget:
    """The record ``principal`` may amend (its own organization's, or any for an admin) with
    its latest version; 404 if the caller may not see it, 409 once it has arrived."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None or (
        principal.role.value != "admin" and record.submitter_org != principal.org
    ):
        raise _not_found(declaration_id)
    check_amendable(State(record.state))
    last = repo.versions_of(session, record.id)[-1]
    decision = repo.decisions_of(session, record.id)[-1]
    session.expunge(record)
    return AmendTarget(record, last.version, last.content_sha256, row_body(decision))


def get_record(session: Session, principal: Principal, declaration_id: str) -> RecordDetail:
    """A record with its full history, if the caller may see it (else 404, never 403)."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None:
        raise _not_found(declaration_id)
    return RecordDetail(
        record=summary(record),
        versions=[
            VersionView(
                version=v.version,
                created_at=v.created_at,
                submitted_by=v.submitted_by,
                content_sha256=v.content_sha256,
                declaration=orjson.loads(v.payload),
            )
            for v in repo.versions_of(session, record.id)
        ],
        decisions=[row_body(d) for d in repo.decisions_of(session, record.id)],
        history=[
            StateView(state=s.state, at=s.at, actor=s.actor, note=s.note)
            for s in repo.states_of(session, record.id)
        ],
    )


def record_state(
    session: Session,
    principal: Principal,
    declaration_id: str,
    target: State,
    *,
    now: datetime,
    note: str | None = None,
) -> RecordSummary:
    """Record arrival, release, inspection or closing, by the agency the record binds."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None:
        raise _not_found(declaration_id)
    check_can_move(principal, record.direction)
    previous = State(record.state)
    check_transition(previous, target)
    event = crossing_event(
        record_id=record.id,
        kind=record.kind,
        port_code=record.port_code,
        direction=record.direction,
        declaration=orjson.loads(repo.versions_of(session, record.id)[-1].payload),
        decision=orjson.loads(repo.decisions_of(session, record.id)[-1].body),
        previous=previous,
        target=target,
        at=now,
    )
    if event is not None:  # same transaction: the state and its event stand or fall together
        kpi_store.insert_event_rows(session, [event_row(event)], received_at=now)
    repo.add_state(
        session,
        record,
        StateChangeRow(
            declaration_id=record.id,
            state=target.value,
            at=now,
            actor=principal.client_id,
            note=note,
        ),
    )
    return summary(record)


def list_decisions(
    session: Session,
    principal: Principal,
    *,
    port: str | None = None,
    direction: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    rows = repo.list_decisions(
        session,
        visibility(principal),
        port=port,
        direction=direction,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return [row_body(r) for r in rows]
