"""Reads of pre-arrival records and their lifecycle: a record with its history, the
decisions a caller may see, state changes by the agency the record binds, and the record an
amendment is prepared against. Writes of submissions and amendments: ``submission``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from smartborder.clients import Principal
from smartborder.errors import NotFound
from smartborder.i18n import Text
from smartborder.kpi import event_row
from smartborder.preclearance.decision import legs_of
from smartborder.preclearance.events import crossing_event
from smartborder.preclearance.lifecycle import (
    State,
    check_amendable,
    check_can_move,
    check_transition,
    is_exit_leg,
    visibility,
)
from smartborder.preclearance.submission import AmendTarget, Decider, own_parties
from smartborder.preclearance.views import (
    LegView,
    RecordDetail,
    RecordSummary,
    StateView,
    VersionView,
    row_body,
    summary,
)
from smartborder.store import declarations as repo
from smartborder.store import exchange as exchange_repo
from smartborder.store import kpi as kpi_store
from smartborder.store.tables.declarations import DecisionRow, DeclarationRow, StateChangeRow


def _not_found(declaration_id: str) -> NotFound:
    return NotFound(
        Text(
            f"No declaration {declaration_id} visible to your client.",
            f"No hay una declaración {declaration_id} visible para su cliente.",
        ),
        code="declaration.not_found",
    )


def amendment_target(
    session: Session, principal: Principal, declaration_id: str, *, decider: Decider | None = None
) -> AmendTarget:
    """The record ``principal`` may amend (its own organization's, or any for an admin) with
    its latest version; 404 if the caller may not see it, 409 once it has arrived. With the
    ``decider``, the parties its first filing introduced (first-time still, for this trip)."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None or (
        principal.role.value != "admin" and record.submitter_org != principal.org
    ):
        raise _not_found(declaration_id)
    check_amendable(State(record.state))
    return target_of(session, record, decider=decider)


def target_of(
    session: Session, record: DeclarationRow, *, decider: Decider | None = None
) -> AmendTarget:
    """What an amendment of ``record`` is prepared against (see :func:`amendment_target`)."""
    versions = repo.versions_of(session, record.id)
    decision = repo.decisions_of(session, record.id)[-1]
    own = own_parties(session, record, versions[0].payload, decider) if decider else frozenset()
    session.expunge(record)
    last = versions[-1]
    return AmendTarget(record, last.version, last.content_sha256, row_body(decision), own)


#: What the agreement lets the other agency see of a declaration: ``(kind, payload) -> view``.
Share = Callable[[str, dict[str, Any]], dict[str, Any]]


def get_record(
    session: Session,
    principal: Principal,
    declaration_id: str,
    *,
    exit_view: Share | None = None,
) -> RecordDetail:
    """A record with its full history and both legs, if the caller may see it (else 404,
    never 403). ``exit_view``: on a node deciding as both agencies, the data elements the
    agreement gives the exit leg's agency (it sees those, not the whole filing)."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None:
        raise _not_found(declaration_id)
    share = exit_view if exit_view and is_exit_leg(principal, record.direction) else None
    decisions = repo.decisions_of(session, record.id)
    return RecordDetail(
        record=summary(record),
        versions=[
            VersionView(
                version=v.version,
                created_at=v.created_at,
                submitted_by=v.submitted_by,
                content_sha256=v.content_sha256,
                declaration=share(record.kind, orjson.loads(v.payload))
                if share
                else orjson.loads(v.payload),
            )
            for v in repo.versions_of(session, record.id)
        ],
        decisions=[row_body(d) for d in decisions],
        history=[
            StateView(state=s.state, at=s.at, actor=s.actor, note=s.note)
            for s in repo.states_of(session, record.id)
        ],
        legs=_legs(session, record.id, record.direction, decisions),
    )


def _legs(
    session: Session, record_id: str, direction: str, decisions: list[DecisionRow]
) -> list[LegView]:
    mine = {d.agencies: d for d in decisions}  # latest version last
    theirs = {p.agency: p for p in exchange_repo.peer_decisions_of(session, record_id)}
    legs = []
    for agency, leg in legs_of(direction):
        if agency in mine:
            legs.append(
                LegView(
                    agency=agency, leg=leg, decided_by="this node", decision=row_body(mine[agency])
                )
            )
        elif agency in theirs:
            p = theirs[agency]
            body = {**orjson.loads(p.body), "declaration_id": record_id, "version": p.version}
            legs.append(LegView(agency=agency, leg=leg, decided_by="the peer node", decision=body))
        else:
            legs.append(LegView(agency=agency, leg=leg, decided_by="not decided"))
    return legs


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
