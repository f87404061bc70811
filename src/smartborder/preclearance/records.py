"""Submissions, amendments and reads of pre-arrival records: the single window's write path.

Every write is one transaction: validate, decide, then insert the record, its version, the
decision and the state changes together. A rejected request leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import orjson
from pydantic import BaseModel
from sqlalchemy.orm import Session

from smartborder.clients import Principal
from smartborder.errors import Conflict, Forbidden, InvalidInput, NotFound, SmartBorderError
from smartborder.i18n import Text
from smartborder.kpi.ingest import event_row
from smartborder.preclearance.events import crossing_event
from smartborder.preclearance.lifecycle import (
    State,
    check_amendable,
    check_can_move,
    check_transition,
    visibility,
)
from smartborder.store import declarations as repo
from smartborder.store import kpi as kpi_store
from smartborder.store import risk as risk_repo
from smartborder.store.tables.declarations import (
    DecisionRow,
    DeclarationRow,
    DeclarationVersionRow,
    StateChangeRow,
)


class Decider(Protocol):
    """What the write path needs of the pipeline: parse a payload, decide it and name the
    trading parties new to its history (:meth:`Pipeline.decide_with_parties`)."""

    def parse(self, payload: Mapping[str, Any], *, now: datetime) -> Any: ...

    def decide_with_parties(self, declaration: Any, *, now: datetime) -> tuple[Any, list[str]]: ...


class RecordSummary(BaseModel):
    id: str
    kind: str
    state: str
    port_code: str
    direction: str
    expected_arrival: datetime
    current_version: int
    submitter_org: str
    created_at: datetime
    updated_at: datetime


class SubmissionResult(BaseModel):
    record: RecordSummary
    decision: dict[str, Any]
    created: bool


class VersionView(BaseModel):
    version: int
    created_at: datetime
    submitted_by: str
    content_sha256: str
    declaration: dict[str, Any]


class StateView(BaseModel):
    state: str
    at: datetime
    actor: str
    note: str | None = None


class RecordDetail(BaseModel):
    record: RecordSummary
    versions: list[VersionView]
    decisions: list[dict[str, Any]]
    history: list[StateView]


class KeyReused(Conflict):
    code = "declaration.idempotency_conflict"
    default_message = Text(
        "This idempotency key (or shipment control number) was already used for different "
        "content. Use a new key for a new declaration, or amend the existing one.",
        "Esta clave de idempotencia (o número de control de embarque) ya se usó con otro "
        "contenido. Use una clave nueva para una declaración nueva, o enmiende la existente.",
    )


def _not_found(declaration_id: str) -> NotFound:
    return NotFound(
        Text(
            f"No declaration {declaration_id} visible to your client.",
            f"No hay una declaración {declaration_id} visible para su cliente.",
        ),
        code="declaration.not_found",
    )


# Record ids are random UUIDs from a generator seeded once per process from the OS: uuid4()
# reads os.urandom for every id, a system call that cost ~12 % of a submission under load.
# Ids need to be unique, not secret (every read is checked against the caller's tenancy).
_ids = random.Random(os.urandom(32))


def new_id() -> str:
    """A random (version 4) UUID for a new record."""
    return str(uuid.UUID(int=_ids.getrandbits(128), version=4))


def canonical(declaration: BaseModel) -> tuple[bytes, str]:
    """Canonical JSON of a validated declaration and its SHA-256 (for idempotency checks)."""
    raw = orjson.dumps(declaration.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return raw, hashlib.sha256(raw).hexdigest()


def dedupe_key(declaration: Any, idempotency_key: str | None) -> str:
    key = idempotency_key or getattr(declaration, "idempotency_key", None)
    if key:
        return f"key:{key}"
    scns = getattr(declaration, "shipment_control_numbers", None)
    if scns:
        return "scn:" + ",".join(sorted(scns))
    return f"auto:{new_id()}"


def summary(row: DeclarationRow) -> RecordSummary:
    return RecordSummary(
        id=row.id,
        kind=row.kind,
        state=row.state,
        port_code=row.port_code,
        direction=row.direction,
        expected_arrival=row.expected_arrival,
        current_version=row.current_version,
        submitter_org=row.submitter_org,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _decision_row(
    declaration_id: str, version: int, kind: str, declaration: Any, decision: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``decisions`` row of a decision (a plain dict: no ORM instance on the hot path)
    and the body the API returns (the decision with its record id and version)."""
    body = decision.model_dump(mode="json")
    row = {
        "declaration_id": declaration_id,
        "version": version,
        "kind": kind,
        "port_code": declaration.port_code,
        "direction": str(declaration.direction),
        "outcome": str(body["outcome"]),
        "lane": body.get("lane"),
        "risk_score": body.get("risk_score"),
        "agencies": ",".join(body.get("agencies") or []),
        "decided_at": decision.decided_at,
        "body": orjson.dumps(body).decode(),
    }
    return row, {**body, "declaration_id": declaration_id, "version": version}


@dataclass(frozen=True, slots=True)
class PreparedSubmission:
    """A validated, decided declaration with the rows to store (no database touched yet)."""

    org: str
    key: str
    digest: str
    record: dict[str, Any]
    version: dict[str, Any]
    decision: dict[str, Any]
    decision_body: dict[str, Any]
    states: list[dict[str, Any]]
    parties: list[str]  # parties new to the history, stored as seen (first-time risk rules)


def prepare(
    principal: Principal,
    payload: Mapping[str, Any],
    *,
    decider: Decider,
    now: datetime,
    idempotency_key: str | None = None,
) -> PreparedSubmission:
    """Validate and decide a declaration and build its rows: the CPU part of a submission."""
    _check_submitter(principal)
    declaration = decider.parse(payload, now=now)
    raw, digest = canonical(declaration)
    key = dedupe_key(declaration, idempotency_key)
    decision, parties = decider.decide_with_parties(declaration, now=now)
    record_id = new_id()
    kind = str(declaration.kind)
    record = {
        "id": record_id,
        "kind": kind,
        "submitter_org": principal.org,
        "submitter_client": principal.client_id,
        "dedupe_key": key,
        "port_code": declaration.port_code,
        "direction": str(declaration.direction),
        "expected_arrival": declaration.expected_arrival,
        "state": State.DECIDED.value,
        "current_version": 1,
        "created_at": now,
        "updated_at": now,
    }
    version = {
        "declaration_id": record_id,
        "version": 1,
        "content_sha256": digest,
        "payload": raw.decode(),
        "submitted_by": principal.client_id,
        "created_at": now,
    }
    row, body = _decision_row(record_id, 1, kind, declaration, decision)
    states = _first_states(record_id, principal, now, decision.decided_at)
    return PreparedSubmission(
        principal.org, key, digest, record, version, row, body, states, parties
    )


def store(session: Session, prepared: PreparedSubmission) -> SubmissionResult:
    """Store a prepared submission in ``session``'s transaction, or replay the stored one."""
    (outcome,) = store_many(session, [prepared])
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def store_many(
    session: Session, prepared: Sequence[PreparedSubmission]
) -> list[SubmissionResult | BaseException]:
    """Store many prepared submissions in ``session``'s transaction with multi-row inserts.

    Each gets its result: created, an idempotent replay of the stored record, or (for a key
    reused with other content) its :class:`KeyReused` error; the others are unaffected.
    """
    inserted = repo.insert_many_new(
        session,
        [p.record for p in prepared],
        [p.version for p in prepared],
        [p.decision for p in prepared],
        [s for p in prepared for s in p.states],
    )
    parties = [k for p in prepared if p.record["id"] in inserted for k in p.parties]
    if parties:
        risk_repo.store_parties(session.connection(), parties, prepared[0].record["created_at"])
    out: list[SubmissionResult | BaseException] = []
    for p in prepared:
        if p.record["id"] in inserted:
            out.append(
                SubmissionResult(
                    record=RecordSummary.model_validate(p.record),
                    decision=p.decision_body,
                    created=True,
                )
            )
            continue
        existing = repo.find_by_key(session, p.org, p.key)
        try:
            if existing is None:  # pragma: no cover - the unique index said it exists
                raise KeyReused()
            out.append(_replay(session, existing, p.digest))
        except KeyReused as exc:
            out.append(exc)
    return out


def submit(
    session: Session,
    principal: Principal,
    payload: Mapping[str, Any],
    *,
    decider: Decider,
    now: datetime,
    idempotency_key: str | None = None,
) -> SubmissionResult:
    """Validate, decide and store a new declaration; a retried submission returns the original."""
    prepared = prepare(
        principal, payload, decider=decider, now=now, idempotency_key=idempotency_key
    )
    return store(session, prepared)


def _first_states(
    record_id: str, principal: Principal, now: datetime, decided_at: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "declaration_id": record_id,
            "state": State.SUBMITTED.value,
            "at": now,
            "actor": principal.client_id,
            "note": None,
        },
        {
            "declaration_id": record_id,
            "state": State.DECIDED.value,
            "at": decided_at,
            "actor": "pipeline",
            "note": None,
        },
    ]


def _replay(session: Session, existing: DeclarationRow, digest: str) -> SubmissionResult:
    if repo.first_version_hash(session, existing.id) != digest:
        raise KeyReused(extra={"declaration_id": existing.id})
    first = next(d for d in repo.decisions_of(session, existing.id) if d.version == 1)
    return SubmissionResult(record=summary(existing), decision=row_body(first), created=False)


def row_body(row: DecisionRow) -> dict[str, Any]:
    body: dict[str, Any] = orjson.loads(row.body)
    body["declaration_id"] = row.declaration_id
    body["version"] = row.version
    return body


def amend(
    session: Session,
    principal: Principal,
    declaration_id: str,
    payload: Mapping[str, Any],
    *,
    decider: Decider,
    now: datetime,
) -> SubmissionResult:
    """Store a new version of a record (never overwriting) and decide it again."""
    record = repo.get_visible(session, declaration_id, visibility(principal))
    if record is None or (
        principal.role.value != "admin" and record.submitter_org != principal.org
    ):
        raise _not_found(declaration_id)
    check_amendable(State(record.state))
    # an amendment may leave out "kind" (the record's is kept) but never change it
    if payload.get("kind", record.kind) != record.kind:
        raise Conflict(
            Text(
                f"An amendment must keep the kind of the record ({record.kind}).",
                f"Una enmienda debe conservar el tipo del registro ({record.kind}).",
            ),
            code="declaration.kind_changed",
        )
    declaration = decider.parse({**payload, "kind": record.kind}, now=now)
    raw, digest = canonical(declaration)
    versions = repo.versions_of(session, record.id)
    if versions[-1].content_sha256 == digest:  # a retried amendment
        last = repo.decisions_of(session, record.id)[-1]
        return SubmissionResult(record=summary(record), decision=row_body(last), created=False)
    number = versions[-1].version + 1
    decision, parties = decider.decide_with_parties(declaration, now=now)
    fields, body = _decision_row(record.id, number, record.kind, declaration, decision)
    row = DecisionRow(**fields)
    record.port_code = declaration.port_code
    record.expected_arrival = declaration.expected_arrival
    repo.add_version(
        session,
        record,
        DeclarationVersionRow(
            declaration_id=record.id,
            version=number,
            content_sha256=digest,
            payload=raw.decode(),
            submitted_by=principal.client_id,
            created_at=now,
        ),
        row,
        StateChangeRow(
            declaration_id=record.id,
            state=State.DECIDED,
            at=decision.decided_at,
            actor="pipeline",
            note=f"amendment v{number}",
        ),
    )
    if parties:
        risk_repo.store_parties(session.connection(), parties, now)
    return SubmissionResult(record=summary(record), decision=body, created=True)


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


class BatchItem(BaseModel):
    """The outcome of one declaration of a batch: a record and decision, or its problems."""

    index: int
    record: RecordSummary | None = None
    decision: dict[str, Any] | None = None
    created: bool = False
    error: dict[str, Any] | None = None


_JSON_TYPES: dict[type, tuple[str, str]] = {
    list: ("an array", "un arreglo"),
    str: ("a string", "una cadena"),
    int: ("a number", "un número"),
    float: ("a number", "un número"),
    bool: ("true or false", "true o false"),
    type(None): ("null", "null"),
}


def require_object(value: Any, *, what: Text | None = None) -> Mapping[str, Any]:
    """``value`` if it is a JSON object, else the ``request.not_an_object`` error naming
    what it is in JSON's words (``what``: the thing that must be an object)."""
    if isinstance(value, Mapping):
        return value
    en, es = _JSON_TYPES.get(type(value), ("not an object", "no un objeto"))
    what = what or Text("The body", "El cuerpo")
    raise InvalidInput(
        Text(
            f"{what.en} must be a JSON object (a declaration), not {en}.",
            f"{what.es} debe ser un objeto JSON (una declaración), no {es}.",
        ),
        code="request.not_an_object",
    )


def submit_many(
    session: Session,
    principal: Principal,
    payloads: Sequence[Any],
    *,
    decider: Decider,
    now: datetime,
) -> list[BatchItem]:
    """Submit many declarations in one transaction (batches, the CLI and the demo day).

    Each item is validated and decided on its own; invalid items are reported with their
    problems and the valid ones stored (:func:`store_many`), so one bad manifest line loses
    no other record. Items whose key was already used replay the stored record like
    :func:`submit`, or fail alone when the content differs.
    """
    _check_submitter(principal)
    results: dict[int, BatchItem] = {}
    ready: list[tuple[int, PreparedSubmission]] = []
    for i, payload in enumerate(payloads):
        try:
            item = require_object(payload, what=Text(f"Item {i}", f"El elemento {i}"))
            ready.append((i, prepare(principal, item, decider=decider, now=now)))
        except SmartBorderError as exc:
            results[i] = BatchItem(index=i, error=_error_dict(exc))
    stored = store_many(session, [p for _, p in ready])
    for (i, _), outcome in zip(ready, stored, strict=True):
        if isinstance(outcome, SmartBorderError):
            results[i] = BatchItem(index=i, error=_error_dict(outcome))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results[i] = BatchItem(
                index=i, record=outcome.record, decision=outcome.decision, created=outcome.created
            )
    return [results[i] for i in range(len(payloads))]


def _error_dict(exc: SmartBorderError) -> dict[str, Any]:
    return {
        "code": exc.code,
        "message_en": exc.message.en,
        "message_es": exc.message.es,
        "errors": [p.to_dict() for p in exc.problems],
    }


def _check_submitter(principal: Principal) -> None:
    if not principal.role.is_industry and principal.role.value != "admin":
        raise Forbidden(
            Text(
                "Only carriers, brokers and administrators submit declarations.",
                "Solo transportistas, agentes aduanales y administradores envían declaraciones.",
            ),
            code="declaration.not_submitter_role",
        )
