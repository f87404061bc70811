"""The single window's one write path: prepare, then store.

A submission is version 1 of a new record; an amendment is version *n* of a stored one.
Both are *prepared* the same way — validated, decided, turned into rows — without touching
the database, then *stored* by :func:`store_many` in one transaction of the node's writer
(group commit: ``store/group_commit.py``), whoever asked: one submission or a batch through
the API, the CLI's ``submit``, the demo day. :class:`smartborder.node.Node` is the door.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson
from pydantic import BaseModel
from sqlalchemy.orm import Session

from smartborder.clients import Principal
from smartborder.errors import Conflict, Forbidden, InvalidInput, SmartBorderError
from smartborder.i18n import Text
from smartborder.preclearance._ids import new_id
from smartborder.preclearance.lifecycle import AMENDABLE, State
from smartborder.preclearance.views import RecordSummary, SubmissionResult, row_body, summary
from smartborder.risk import parties_of
from smartborder.store import declarations as repo
from smartborder.store import risk as risk_repo
from smartborder.store.tables.declarations import DeclarationRow


class Decider(Protocol):
    """What the write path needs of the pipeline: parse a payload, decide it and name the
    trading parties new to its history (:meth:`Pipeline.decide_with_parties`)."""

    def parse(self, payload: Mapping[str, Any], *, now: datetime) -> Any: ...

    def decide_with_parties(
        self, declaration: Any, *, now: datetime, own_parties: frozenset[str] = ...
    ) -> tuple[Any, list[str]]: ...


class KeyReused(Conflict):
    code = "declaration.idempotency_conflict"
    default_message = Text(
        "This idempotency key (or shipment control number) was already used for different "
        "content. Use a new key for a new declaration, or amend the existing one.",
        "Esta clave de idempotencia (o número de control de embarque) ya se usó con otro "
        "contenido. Use una clave nueva para una declaración nueva, o enmiende la existente.",
    )


class AmendedMeanwhile(Conflict):
    code = "declaration.amended_meanwhile"
    default_message = Text(
        "The record changed while this amendment was decided (another amendment, or its "
        "arrival was recorded). Read the record again and send the amendment again if it "
        "still applies.",
        "El registro cambió mientras se decidía esta enmienda (otra enmienda, o se registró "
        "su arribo). Vuelva a leer el registro y reenvíe la enmienda si aún procede.",
    )


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


@dataclass(frozen=True, slots=True)
class PreparedSubmission:
    """A validated, decided declaration with the rows to store (no database touched yet).

    ``record`` is the record as it will read once stored. For an amendment ``amends`` is the
    version it replaces: the store writes it only if the record is still at that version
    and amendable (:class:`AmendedMeanwhile` otherwise)."""

    org: str
    key: str
    digest: str
    record: dict[str, Any]
    version: dict[str, Any]
    decision: dict[str, Any]
    decision_body: dict[str, Any]
    states: list[dict[str, Any]]
    parties: list[str]  # parties new to the history, stored as seen (first-time risk rules)
    amends: int | None = field(default=None)
    shadow: list[float] | None = field(default=None)  # shadow model features (trucks)
    shadow_model: str | None = field(default=None)  # … of this model (its id)


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
        # for the targeting effectiveness report (risk.effectiveness), without parsing bodies
        "random_selection": bool(body.get("random_selection")),
        "risk_version": body["rule_versions"].get("risk"),
        "risk_rules": ",".join(
            sorted({r["rule_id"] for r in body["reasons"] if r["stage"] == "risk"})
        )
        or None,
    }
    return row, {**body, "declaration_id": declaration_id, "version": version}


def _state(
    record_id: str, state: State, at: datetime, actor: str, note: str | None = None
) -> dict[str, Any]:
    return {
        "declaration_id": record_id,
        "state": state.value,
        "at": at,
        "actor": actor,
        "note": note,
    }


def prepare(
    principal: Principal,
    payload: Mapping[str, Any],
    *,
    decider: Decider,
    now: datetime,
    idempotency_key: str | None = None,
    record_id: str | None = None,
) -> PreparedSubmission:
    """Validate and decide a new declaration and build its rows: version 1 of a record
    (``record_id``: the trip's id when the other agency's node filed it first)."""
    check_submitter(principal)
    declaration = decider.parse(payload, now=now)
    raw, digest = canonical(declaration)
    key = dedupe_key(declaration, idempotency_key)
    decision, parties = decider.decide_with_parties(declaration, now=now)
    record_id = record_id or new_id()
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
    version = _version(record_id, 1, digest, raw, principal, now)
    row, body = _decision_row(record_id, 1, kind, declaration, decision)
    states = [
        _state(record_id, State.SUBMITTED, now, principal.client_id),
        _state(record_id, State.DECIDED, decision.decided_at, "pipeline"),
    ]
    return PreparedSubmission(
        principal.org,
        key,
        digest,
        record,
        version,
        row,
        body,
        states,
        parties,
        shadow=decision.shadow_features,
        shadow_model=decision.shadow_model,
    )


def _version(
    record_id: str, number: int, digest: str, raw: bytes, principal: Principal, now: datetime
) -> dict[str, Any]:
    return {
        "declaration_id": record_id,
        "version": number,
        "content_sha256": digest,
        "payload": raw.decode(),
        "submitted_by": principal.client_id,
        "created_at": now,
    }


@dataclass(frozen=True, slots=True)
class AmendTarget:
    """What an amendment is prepared against: the stored record and its latest version, and
    the trading parties its filing introduced to the node (still first-time for this trip)."""

    record: DeclarationRow
    last_version: int
    last_digest: str
    last_decision: dict[str, Any]
    own_parties: frozenset[str] = frozenset()


# A party whose first sighting is stored within this many seconds of the trip's filing was
# introduced by it (the writer stores a trip within a group commit of its filing; a party
# another trip introduced in the same seconds counts once more as first-time: the safe error).
OWN_PARTY_WINDOW_S = 5.0


def own_parties(
    session: Session, record: DeclarationRow, first_payload: str, decider: Decider
) -> frozenset[str]:
    """The trading parties the trip's first version introduced to the node's history."""
    declaration = decider.parse(orjson.loads(first_payload), now=record.created_at)
    keys = parties_of(declaration)
    if not keys:
        return frozenset()
    since = record.created_at.timestamp() - OWN_PARTY_WINDOW_S
    return frozenset(
        k for k, at in risk_repo.first_seen(session, keys).items() if at.timestamp() >= since
    )


def prepare_amendment(
    target: AmendTarget,
    principal: Principal,
    payload: Mapping[str, Any],
    *,
    decider: Decider,
    now: datetime,
) -> PreparedSubmission | SubmissionResult:
    """Validate and decide version *n* of a stored record; a retried amendment (the same
    content as the latest version) is answered with the stored result instead."""
    record = target.record
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
    if str(declaration.direction) != record.direction:
        raise Conflict(
            Text(
                f"An amendment cannot change the direction of a trip ({record.direction}): the other "
                "direction is another trip, cleared by the other agency first. File it as a new "
                "declaration.",
                f"Una enmienda no puede cambiar el sentido de un viaje ({record.direction}): el otro "
                "sentido es otro viaje, que despacha primero la otra agencia. Preséntelo como una "
                "declaración nueva.",
            ),
            code="declaration.direction_changed",
            extra={"direction": record.direction},
        )
    raw, digest = canonical(declaration)
    if digest == target.last_digest:
        return SubmissionResult(
            record=summary(record), decision=target.last_decision, created=False
        )
    number = target.last_version + 1
    decision, parties = decider.decide_with_parties(
        declaration, now=now, own_parties=target.own_parties
    )
    row, body = _decision_row(record.id, number, record.kind, declaration, decision)
    updated = summary(record).model_dump()
    updated.update(
        port_code=declaration.port_code,
        expected_arrival=declaration.expected_arrival,
        current_version=number,
        state=State.DECIDED.value,
        updated_at=now,
    )
    return PreparedSubmission(
        record.submitter_org,
        record.dedupe_key,
        digest,
        updated,
        _version(record.id, number, digest, raw, principal, now),
        row,
        body,
        [_state(record.id, State.DECIDED, decision.decided_at, "pipeline", f"amendment v{number}")],
        parties,
        amends=target.last_version,
        shadow=decision.shadow_features,
        shadow_model=decision.shadow_model,
    )


def store_many(
    session: Session, prepared: Sequence[PreparedSubmission]
) -> list[SubmissionResult | BaseException]:
    """Store prepared submissions and amendments in ``session``'s transaction.

    New records go in with multi-row inserts. Each item gets its result: created, an
    idempotent replay of the stored record, or its error (:class:`KeyReused` for a key
    reused with other content, :class:`AmendedMeanwhile` for an amendment overtaken); the
    others are unaffected.
    """
    new = [p for p in prepared if p.amends is None]
    inserted = repo.insert_many_new(
        session,
        [p.record for p in new],
        [p.version for p in new],
        [p.decision for p in new],
        [s for p in new for s in p.states],
    )
    applied: set[int] = set()
    for i, p in enumerate(prepared):
        if p.amends is not None and repo.apply_version(
            session,
            p.record,
            amends=p.amends,
            amendable=[s.value for s in AMENDABLE],
            version=p.version,
            decision=p.decision,
            states=p.states,
        ):
            applied.add(i)
    parties = [
        k
        for i, p in enumerate(prepared)
        if p.record["id"] in inserted or i in applied
        for k in p.parties
    ]
    if parties:
        risk_repo.store_parties(session.connection(), parties, prepared[0].record["updated_at"])
    out: list[SubmissionResult | BaseException] = []
    for i, p in enumerate(prepared):
        if p.record["id"] in inserted or i in applied:
            out.append(
                SubmissionResult(
                    record=RecordSummary.model_validate(p.record),
                    decision=p.decision_body,
                    created=True,
                )
            )
        elif p.amends is not None:
            out.append(AmendedMeanwhile(extra={"declaration_id": p.record["id"]}))
        else:
            out.append(_replay(session, p))
    return out


def _replay(session: Session, p: PreparedSubmission) -> SubmissionResult | BaseException:
    existing = repo.find_by_key(session, p.org, p.key)
    if existing is None or repo.first_version_hash(session, existing.id) != p.digest:
        return KeyReused(extra={"declaration_id": existing.id} if existing else None)
    first = next(d for d in repo.decisions_of(session, existing.id) if d.version == 1)
    return SubmissionResult(record=summary(existing), decision=row_body(first), created=False)


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


def prepare_batch(
    principal: Principal, payloads: Sequence[Any], *, decider: Decider, now: datetime
) -> tuple[dict[int, BatchItem], list[tuple[int, PreparedSubmission]]]:
    """Prepare every item of a batch on its own: the items that failed (by index, with their
    problems) and the prepared ones, in order. One bad manifest line costs no other."""
    check_submitter(principal)
    failed: dict[int, BatchItem] = {}
    ready: list[tuple[int, PreparedSubmission]] = []
    for i, payload in enumerate(payloads):
        try:
            item = require_object(payload, what=Text(f"Item {i}", f"El elemento {i}"))
            ready.append((i, prepare(principal, item, decider=decider, now=now)))
        except SmartBorderError as exc:
            failed[i] = BatchItem(index=i, error=error_dict(exc))
    return failed, ready


def batch_items(
    count: int,
    failed: dict[int, BatchItem],
    ready: Sequence[tuple[int, PreparedSubmission]],
    stored: Sequence[SubmissionResult | BaseException],
) -> list[BatchItem]:
    """The items of a batch in order, from what failed to prepare and what was stored."""
    items = dict(failed)
    for (i, _), outcome in zip(ready, stored, strict=True):
        if isinstance(outcome, SmartBorderError):
            items[i] = BatchItem(index=i, error=error_dict(outcome))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            items[i] = BatchItem(
                index=i, record=outcome.record, decision=outcome.decision, created=outcome.created
            )
    return [items[i] for i in range(count)]


def error_dict(exc: SmartBorderError) -> dict[str, Any]:
    return {
        "code": exc.code,
        "message_en": exc.message.en,
        "message_es": exc.message.es,
        "errors": [p.to_dict() for p in exc.problems],
    }


def check_submitter(principal: Principal) -> None:
    if not principal.role.is_industry and principal.role.value != "admin":
        raise Forbidden(
            Text(
                "Only carriers, brokers and administrators submit declarations.",
                "Solo transportistas, agentes aduanales y administradores envían declaraciones.",
            ),
            code="declaration.not_submitter_role",
        )
