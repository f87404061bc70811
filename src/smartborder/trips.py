"""One trip, two sovereign nodes: what this node sends the other agency's node about a trip,
and how it applies what that node sends.

A crossing is one trip with two legs: northbound, Mexican export (ANAM) then U.S. entry
(CBP); southbound the reverse. A node with an agency (``SMARTBORDER_AGENCY``) decides its own
leg. A trip filed with it goes, in the data elements the agreement shares and with its
decision, to the peer's node through the outbox; the peer stores the trip under the same id,
decides its leg with its own pipeline and rules, and sends its decision back. Amendments
travel the same way, as the trip's next version. Everything received is checked first
(``exchange.open_document``) and applied once, in one transaction with its receipt, its
audit entry and the answer it puts in the outbox.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from smartborder import inspections
from smartborder.clients import Principal, Role
from smartborder.credentials.primitives.jose import unverified_claims
from smartborder.errors import SmartBorderError
from smartborder.exchange import (
    REFUSALS,
    Agreement,
    NodeSigner,
    NotApplicable,
    PeerNode,
    Received,
    Replayed,
    open_document,
    outbox_row,
)
from smartborder.i18n import Text
from smartborder.preclearance import (
    Pipeline,
    PreparedSubmission,
    State,
    SubmissionResult,
    check_transition,
    leg_of,
    prepare,
    prepare_amendment,
    store_many,
    target_of,
)
from smartborder.store import declarations as records_repo
from smartborder.store import exchange as repo
from smartborder.store import transaction
from smartborder.store.tables.declarations import DeclarationRow, StateChangeRow


def shared_decision(
    agreement: Agreement, decision: Mapping[str, Any], *, agency: str, direction: str, version: int
) -> dict[str, Any]:
    """A node's decision on its leg, in the data elements the agreement shares."""
    full = {**decision, "agency": agency, "leg": leg_of(agency, direction), "version": version}
    return agreement.share_of("decision", full)


def trip_body(agreement: Agreement, prepared: PreparedSubmission, *, agency: str) -> dict[str, Any]:
    """The body of a trip document for the peer: the version's declaration and this node's
    decision, both as the agreement shares them."""
    record = prepared.record
    payload = orjson.loads(prepared.version["payload"])
    return {
        "trip_id": record["id"],
        "version": prepared.version["version"],
        "submitter_org": record["submitter_org"],
        "filed_at": prepared.version["created_at"].isoformat(),
        "declaration": agreement.share_of("trip", payload, str(record["kind"])),
        "decision": shared_decision(
            agreement,
            prepared.decision_body,
            agency=agency,
            direction=str(record["direction"]),
            version=prepared.version["version"],
        ),
    }


# Documents applied in one round at most: one transaction, so that a round's trips are
# stored together (as a batch of filings is) without holding the write lock for long.
APPLY_BATCH = 500
# Receipt has priority while a backlog arrives (after the peer's outage, say): taking the
# peer's documents into this node's store empties the peer's outbox sooner, and deciding them
# costs the same CPU later as now. A backlog is arriving while documents came in the last
# RECEIPT_PRIORITY_S and either the last batch was full-sized (BACKLOG_BATCH or more: the
# peer is emptying an outbox; a steady flow comes in small batches, see exchange.leader's
# GATHER_S) or at least BACKLOG wait here. Then the applier applies TRICKLE documents every
# TRICKLE_EVERY_S (so decisions keep flowing, up to 200/s); otherwise it applies as fast as it
# can, so a steady flow is decided as it comes. Why it matters beyond the CPU: the applier and
# the receiving thread share the GIL, and each signature check (libsodium) and digest
# releases it, so a receiving thread beside a busy applier waited its turn hundreds of times
# per batch: with the applier running free a backlog drained at 376-441 trips/s (measured
# 2026-12-08, load 3-5).
RECEIPT_PRIORITY_S = 2.0
BACKLOG = 1000
BACKLOG_BATCH = 100
TRICKLE = 100
TRICKLE_EVERY_S = 0.5


@dataclass
class Outcome:
    doc_id: str
    status: str  # accepted | duplicate | refused
    problem: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.doc_id, "status": self.status}
        if self.problem:
            out["problem"] = self.problem
        return out


# The actor of what the peer's node recorded here (never sent back to it).
PEER_ACTOR = "peer:"
# States each node records itself on filing and deciding; the rest are the entry agency's.
_OWN_STATES = frozenset({State.SUBMITTED.value, State.DECIDED.value})
_STATE_IDS = uuid.UUID("5b7f0f4e-6c1e-4f4e-9d35-2f7c3c1c9a61")  # uuid5 namespace of state docs


@dataclass(frozen=True, slots=True)
class Waiting:
    """A document accepted on receipt, waiting to be applied."""

    seq: int
    doc: Received
    actor: str


class TripLink:
    """This node's side of the exchange: outbox rows for what it stores, and the receipt of
    what the peer sends."""

    def __init__(
        self,
        *,
        agency: str,
        agreement: Agreement,
        peer: PeerNode,
        signer: NodeSigner,
        pipeline: Pipeline,
        sessions: sessionmaker[Session],
        write_lock: Callable[[], AbstractContextManager[Any]],
        on_queued: Callable[[], None] = lambda: None,
        on_received: Callable[[], None] = lambda: None,
        on_stored: Callable[[Session, Sequence[PreparedSubmission], Sequence[Any]], None] = (
            lambda session, prepared, results: None
        ),
    ) -> None:
        self.agency = agency
        self.agreement = agreement
        self.peer = peer
        self.signer = signer
        self.pipeline = pipeline
        self.sessions = sessions
        self.write_lock = write_lock
        self.on_queued = on_queued
        self.on_received = on_received
        # what the node adds in the transaction that stores received trips (shadow scores)
        self.on_stored = on_stored
        self._last_accept = self._last_round = 0.0  # monotonic instants
        self._last_batch = 0  # documents in the last batch accepted

    # --- sending ----------------------------------------------------------------------------

    def outbox_rows(
        self, prepared: Sequence[PreparedSubmission], results: Sequence[Any]
    ) -> list[dict[str, Any]]:
        """Trip documents for the submissions and amendments just stored (in the same
        transaction): what the peer's agency needs to clear its leg."""
        rows = []
        for p, result in zip(prepared, results, strict=True):
            if isinstance(result, SubmissionResult) and result.created:
                body = trip_body(self.agreement, p, agency=self.agency)
                rows.append(
                    outbox_row(
                        "trip", p.record["id"], body["version"], body, p.record["updated_at"]
                    )
                )
        return rows

    def inspection_rows(self, session: Session, inspection_id: str) -> list[dict[str, Any]]:
        """Outbox rows for the events of an inspection this node's agency made and has not
        sent yet (the other agency's events came from its node: never sent back)."""
        events = inspections.events_of(session, inspection_id)
        if not events:
            return []
        sent = repo.sent_event_ids(session, events[0].declaration_id)
        rows = []
        for n, event in enumerate(events, start=1):
            if event.agency != self.agency or event.id in sent:
                continue
            body = {
                "trip_id": event.declaration_id,
                "version": n,
                "event": self.agreement.share_of("inspection", event.to_dict()),
            }
            row = outbox_row("inspection", event.declaration_id, n, body, event.at)
            row["doc_id"] = event.id  # one document per event, ever
            rows.append(row)
        return rows

    def state_rows(self, session: Session, declaration_id: str) -> list[dict[str, Any]]:
        """Outbox rows for the lifecycle states recorded on a trip at this node after its
        decision (arrived, inspected, released, closed: the entry agency's) and not sent
        yet; states the peer sent are never sent back."""
        history = records_repo.states_of(session, declaration_id)
        rows = []
        for n, change in enumerate(history, start=1):
            if change.state in _OWN_STATES or change.actor.startswith(PEER_ACTOR):
                continue
            body = {
                "trip_id": declaration_id,
                "version": n,
                "state": self.agreement.share_of(
                    "state",
                    {"state": change.state, "at": change.at.isoformat(), "agency": self.agency},
                ),
            }
            row = outbox_row("state", declaration_id, n, body, change.at)
            row["doc_id"] = str(uuid.uuid5(_STATE_IDS, f"{declaration_id}/{n}/{change.state}"))
            rows.append(row)
        queued = repo.queued_ids(session, [r["doc_id"] for r in rows])
        return [r for r in rows if r["doc_id"] not in queued]

    # --- receiving --------------------------------------------------------------------------

    def accept(self, tokens: Sequence[Any], *, actor: str, now: datetime) -> list[Outcome]:
        """Check documents from the peer and hold the good ones durably, to be applied in the
        order they arrived (:meth:`apply_pending`); one answer per document, in order:
        accepted, duplicate (received before) or refused with its problem. Checked here, so
        refused at once: the signature, signer, audience, age and agreement. Whatever the
        application finds wrong later goes back to the sender as a ``refusal``."""
        outcomes: dict[int, Outcome] = {}
        refusals: list[dict[str, Any]] = []
        opened: list[tuple[int, Received]] = []
        for i, token in enumerate(tokens):
            try:
                opened.append((i, self._open(token, now)))
            except REFUSALS as exc:
                doc_id = _claimed_id(token)
                outcomes[i] = _refused(doc_id, exc)
                refusals.append(
                    self._audit(doc_id, None, _digest_of(token), "refused", actor, now, exc)
                )
        for attempt in (1, 2):
            try:
                accepted = self._hold(opened, outcomes, refusals, actor, now)
                break
            except IntegrityError:  # another worker took some of these meanwhile: look again
                if attempt == 2:
                    raise
        if accepted:
            self._last_accept = time.monotonic()
            self._last_batch = len(tokens)
            self.on_received()
        return [outcomes[i] for i in range(len(tokens))]

    def _hold(
        self,
        opened: Sequence[tuple[int, Received]],
        outcomes: dict[int, Outcome],
        refusals: Sequence[dict[str, Any]],
        actor: str,
        now: datetime,
    ) -> int:
        audit = list(refusals)
        receipts: list[dict[str, Any]] = []
        waiting: list[dict[str, Any]] = []
        with self.write_lock(), transaction(self.sessions) as session:
            seen = repo.received(session, [d.doc_id for _, d in opened])
            for i, doc in opened:
                if doc.doc_id in seen:
                    outcomes[i], entry = self._seen_before(doc, seen[doc.doc_id], actor, now)
                    audit.append(entry)
                    continue
                seen[doc.doc_id] = doc.digest  # a document twice in one batch is held once
                receipts.append(self._receipt(doc, now, "accepted"))
                waiting.append(
                    {
                        "doc_id": doc.doc_id,
                        "kind": doc.kind,
                        "body": orjson.dumps(doc.body).decode(),
                        "digest": doc.digest,
                        "peer": doc.sender,
                        "actor": actor[:64],
                        "received_at": now,
                    }
                )
                outcomes[i] = Outcome(doc.doc_id, "accepted")
                audit.append(self._audit(doc.doc_id, doc.kind, doc.digest, "accepted", actor, now))
            repo.add_receipts(session, receipts)
            repo.add_pending(session, waiting)
            repo.add_audit(session, audit)
        return len(waiting)

    def apply_round(self) -> int:
        """One round of the applier's loop (see :data:`RECEIPT_PRIORITY_S`); how many
        documents it applied (0: nothing waits, or receipt has priority just now)."""
        at = time.monotonic()
        limit = APPLY_BATCH
        if at - self._last_accept < RECEIPT_PRIORITY_S:
            backlog = self._last_batch >= BACKLOG_BATCH
            if not backlog:
                with self.sessions() as session:
                    backlog = repo.pending_count(session) >= BACKLOG
            if backlog:
                if at - self._last_round < TRICKLE_EVERY_S:
                    return 0
                limit = TRICKLE
        self._last_round = at
        return self.apply_pending(limit=limit)

    def apply_pending(self, *, limit: int = APPLY_BATCH, now: datetime | None = None) -> int:
        """Apply the oldest documents accepted and not yet applied (each once: they leave
        the queue in the transaction that applies them); how many were taken."""
        with self.sessions() as session:
            rows = repo.pending(session, limit=limit)
            docs = [
                Waiting(
                    r.seq,
                    Received(r.doc_id, r.kind, orjson.loads(r.body), r.digest, r.peer),
                    r.actor or "",
                )
                for r in rows
            ]
        if docs:
            self._apply(docs, now or datetime.now(UTC))
        return len(docs)

    def _apply(self, docs: Sequence[Waiting], now: datetime) -> None:
        """New trips are decided before the write lock is taken and stored together (one
        transaction with their receipts' status, audit entries and answers); amendments, a
        trip's second document, inspection events and refusals after, one by one."""
        with self.sessions() as session:  # reads only: which trips are held
            held = records_repo.existing_ids(
                session, [str(w.doc.body.get("trip_id")) for w in docs if w.doc.kind == "trip"]
            )
        new: list[tuple[Waiting, PreparedSubmission]] = []
        later: list[Waiting] = []
        decisions: list[Waiting] = []
        failed: list[tuple[Waiting, SmartBorderError]] = []
        batch_trips: set[str] = set()
        for w in docs:
            doc = w.doc
            if doc.kind == "decision":
                decisions.append(w)
            elif doc.kind in ("inspection", "state", "refusal"):
                later.append(w)
            else:
                trip_id = str(doc.body.get("trip_id"))
                if trip_id in held or trip_id in batch_trips or doc.body.get("version") != 1:
                    later.append(w)
                else:
                    try:
                        new.append((w, self._prepare_new(doc, now)))
                    except SmartBorderError as error:
                        failed.append((w, error))
                batch_trips.add(trip_id)
        with self.write_lock(), transaction(self.sessions) as session:
            taken = repo.take_pending(session, [w.seq for w in docs])
            done = _Done(self, now)
            for w, problem in failed:
                if w.seq in taken:
                    done.refused(w, problem)
            fresh = [(w, p) for w, p in new if w.seq in taken]
            stored = store_many(session, [p for _, p in fresh])
            self.on_stored(session, [p for _, p in fresh], stored)
            for (w, p), result in zip(fresh, stored, strict=True):
                if isinstance(result, SubmissionResult) and result.created:
                    done.applied(w)
                    done.answers.append(self._answer(w.doc, p.decision_body, now))
                    done.peer_decisions += self._peer_decision_rows(w.doc, now)
                else:
                    done.refused(w, _not_applicable(result))
            decisions = [w for w in decisions if w.seq in taken]
            known = records_repo.existing_ids(
                session, [str(w.doc.body.get("trip_id")) for w in decisions]
            )
            for w in decisions:
                claimed = w.doc.body.get("trip_id")
                if str(claimed) not in known:
                    done.refused(
                        w,
                        NotApplicable(
                            Text(
                                f"No trip {claimed} is held here for this decision.",
                                f"No se tiene aquí un viaje {claimed} para esta decisión.",
                            )
                        ),
                    )
                else:
                    done.applied(w)
                    done.peer_decisions += self._peer_decision_rows(w.doc, now)
            repo.put_peer_decisions(session, done.peer_decisions)
            for w in later:  # amendments, a trip's second document: one at a time
                if w.seq not in taken:
                    continue
                try:
                    with session.begin_nested():
                        answer = self._apply_one(session, w, now)
                    if answer is not None:
                        done.answers.append(answer)
                    done.applied(w)
                except SmartBorderError as exc:
                    done.refused(w, exc)
            done.write(session)
        if done.answers:
            self.on_queued()

    def _apply_one(self, session: Session, w: Waiting, now: datetime) -> dict[str, Any] | None:
        doc = w.doc
        if doc.kind == "inspection":
            inspections.receive(session, doc.body["event"], now=now)
            return None
        if doc.kind == "refusal":
            self._refused_by_peer(session, doc, now)
            return None
        if doc.kind == "state":
            self._apply_state(session, doc)
            return None
        return self._apply_later(session, doc, now)

    def _apply_state(self, session: Session, doc: Received) -> None:
        """The other agency recorded a lifecycle state on a trip held here (the truck
        arrived, was released): the trip here moves too, as a transition it allows."""
        trip_id = str(doc.body["trip_id"])[:36]
        change = doc.body["state"]
        record = session.get(DeclarationRow, trip_id)
        if record is None:
            raise NotApplicable(
                Text(
                    f"No trip {trip_id} is held here for this state.",
                    f"No se tiene aquí un viaje {trip_id} para este estado.",
                )
            )
        try:
            target = State(change.get("state"))
            at = datetime.fromisoformat(str(change.get("at")))
        except ValueError as exc:
            raise NotApplicable(
                Text(
                    "The state must be a lifecycle state with its instant (ISO 8601).",
                    "El estado debe ser un estado del ciclo de vida con su instante (ISO 8601).",
                )
            ) from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if record.state == target.value:  # recorded here already
            return
        try:
            check_transition(State(record.state), target)
        except SmartBorderError as exc:
            raise NotApplicable(exc.message, extra={"cause": exc.code, **exc.extra}) from exc
        agency = self.peer.agency
        records_repo.add_state(
            session,
            record,
            StateChangeRow(
                declaration_id=trip_id,
                state=target.value,
                at=at,
                actor=f"{PEER_ACTOR}{agency}",
                note=f"recorded by {agency.upper()} at its node",
            ),
        )

    def _refused_by_peer(self, session: Session, doc: Received, now: datetime) -> None:
        """The peer accepted a document from here and could not apply it: the document is
        refused, with the peer's problem, as if refused on receipt."""
        refused_id = str(doc.body["doc_id"])
        problem = doc.body["problem"]
        if not repo.refused_by_peer(
            session, refused_id, problem=orjson.dumps(problem).decode(), at=now
        ):
            raise NotApplicable(
                Text(
                    f"The refused document {refused_id} was not sent from this node.",
                    f"El documento rechazado {refused_id} no se envió desde este nodo.",
                )
            )
        code = problem.get("code")
        repo.add_audit(
            session,
            [
                {
                    "at": now,
                    "direction": "out",
                    "peer": self.peer.did,
                    "doc_id": refused_id,
                    "kind": None,
                    "digest": doc.digest,
                    "outcome": "refused",
                    "code": str(code)[:64] if code else None,
                    "detail": orjson.dumps(problem).decode(),
                    "actor": doc.sender[:64],
                }
            ],
        )

    def _open(self, token: Any, now: datetime) -> Received:
        return open_document(
            token,
            peer_did=self.peer.did,
            peer_agency=self.peer.agency,
            key_for=self.peer.key_for,
            me=self.signer.did,
            agreement=self.agreement,
            now=now,
        )

    def _seen_before(
        self, doc: Received, digest: str, actor: str, now: datetime
    ) -> tuple[Outcome, dict[str, Any]]:
        """A document id applied before: the same one resent (acknowledged, not applied
        again), or another document reusing its id (refused)."""
        if digest == doc.digest:
            return Outcome(doc.doc_id, "duplicate"), self._audit(
                doc.doc_id, doc.kind, doc.digest, "duplicate", actor, now
            )
        exc = Replayed(
            Text(
                f"Document {doc.doc_id} was received before with other content.",
                f"El documento {doc.doc_id} se recibió antes con otro contenido.",
            )
        )
        return _refused(doc.doc_id, exc), self._audit(
            doc.doc_id, doc.kind, doc.digest, "refused", actor, now, exc
        )

    def _receipt(self, doc: Received, now: datetime, status: str) -> dict[str, Any]:
        return {
            "doc_id": doc.doc_id,
            "kind": doc.kind,
            "digest": doc.digest,
            "peer": doc.sender,
            "declaration_id": str(doc.body.get("trip_id"))[:36],
            "received_at": now,
            "status": status,
        }

    def refusal_row(self, doc: Received, exc: SmartBorderError, now: datetime) -> dict[str, Any]:
        """A ``refusal`` for the peer: the document it sent, accepted here, that could not
        be applied, and why (never sent for a refusal: no refusal loops)."""
        trip_id = str(doc.body.get("trip_id"))[:36]
        body = {
            "trip_id": trip_id,
            "doc_id": doc.doc_id,
            "problem": _refused(doc.doc_id, exc).problem or {},
        }
        return outbox_row("refusal", trip_id, 0, body, now)

    def _principal(self, body: Mapping[str, Any]) -> Principal:
        # The filing organization, as a tenant of this node (it reads its trip here too).
        return Principal(
            client_id=f"{PEER_ACTOR}{self.peer.agency}",
            org=str(body["submitter_org"])[:200],
            role=Role.CARRIER,
            scopes=frozenset(),
        )

    def _prepare_new(self, doc: Received, now: datetime) -> PreparedSubmission:
        body = doc.body
        return prepare(
            self._principal(body),
            body["declaration"],
            decider=self.pipeline,
            now=now,
            record_id=str(body["trip_id"])[:36],
        )

    def _answer(self, doc: Received, decision: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        """This node's decision on its leg of the trip ``doc`` carried, for the peer."""
        body = doc.body
        trip_id, version = str(body["trip_id"]), int(body["version"])
        answer = {
            "trip_id": trip_id,
            "version": version,
            "decision": shared_decision(
                self.agreement,
                decision,
                agency=self.agency,
                direction=str(body["declaration"].get("direction")),
                version=version,
            ),
        }
        return outbox_row("decision", trip_id, version, answer, now)

    def _peer_decision_rows(self, doc: Received, now: datetime) -> list[dict[str, Any]]:
        decision = doc.body.get("decision")
        version = doc.body.get("version")
        if not isinstance(decision, Mapping) or not isinstance(version, int):
            return []
        try:
            at = datetime.fromisoformat(str(decision.get("decided_at")))
        except ValueError:
            at = now
        score = decision.get("risk_score")
        return [
            {
                "declaration_id": str(doc.body["trip_id"])[:36],
                "version": version,
                "agency": self.peer.agency,
                "outcome": str(decision.get("outcome"))[:32],
                "risk_score": float(score) if isinstance(score, int | float) else None,
                "decided_at": at,
                "body": orjson.dumps(dict(decision)).decode(),
                "doc_id": doc.doc_id,
                "received_at": now,
            }
        ]

    def _apply_later(self, session: Session, doc: Received, now: datetime) -> dict[str, Any]:
        """Apply a trip document for a trip held here (its next version), or the first one
        of a trip whose later version is in the same batch; the answer for the peer."""
        body = doc.body
        trip_id = str(body["trip_id"])[:36]
        version = body["version"]
        if not isinstance(version, int) or version < 1:
            raise NotApplicable(
                Text(
                    "The version must be a positive integer.",
                    "La versión debe ser un entero positivo.",
                )
            )
        record = session.get(DeclarationRow, trip_id)
        principal = self._principal(body)
        if record is None:
            prepared: PreparedSubmission | SubmissionResult = self._prepare_new(doc, now)
        elif record.submitter_org != principal.org:
            raise NotApplicable(
                Text(
                    f"Trip {trip_id} is held here for another organization.",
                    f"El viaje {trip_id} se tiene aquí para otra organización.",
                )
            )
        else:
            target = target_of(session, record, decider=self.pipeline)
            prepared = prepare_amendment(
                target, principal, body["declaration"], decider=self.pipeline, now=now
            )
        if isinstance(prepared, SubmissionResult):  # nothing this node holds changed
            decision = prepared.decision
        else:
            (result,) = store_many(session, [prepared])
            self.on_stored(session, [prepared], [result])
            if not (isinstance(result, SubmissionResult) and result.created):
                raise _not_applicable(result)
            decision = prepared.decision_body
        repo.put_peer_decisions(session, self._peer_decision_rows(doc, now))
        return self._answer(doc, decision, now)

    def _audit(
        self,
        doc_id: str | None,
        kind: str | None,
        digest: str,
        outcome: str,
        actor: str,
        now: datetime,
        exc: SmartBorderError | None = None,
    ) -> dict[str, Any]:
        return {
            "at": now,
            "direction": "in",
            "peer": self.peer.did,
            "doc_id": doc_id,
            "kind": kind,
            "digest": digest,
            "outcome": outcome,
            "code": exc.code if exc else None,
            "detail": exc.message.en if exc else None,
            "actor": actor,
        }


class _Done:
    """What one round of application did: the receipts' new status, the audit entries, the
    answers for the peer (decisions, refusals) and the peer's decisions to keep."""

    def __init__(self, link: TripLink, now: datetime) -> None:
        self.link, self.now = link, now
        self.applied_ids: list[str] = []
        self.refused_ids: list[str] = []
        self.audit: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.peer_decisions: list[dict[str, Any]] = []

    def applied(self, w: Waiting) -> None:
        doc = w.doc
        self.applied_ids.append(doc.doc_id)
        self.audit.append(
            self.link._audit(doc.doc_id, doc.kind, doc.digest, "applied", w.actor, self.now)
        )

    def refused(self, w: Waiting, exc: SmartBorderError) -> None:
        doc = w.doc
        self.refused_ids.append(doc.doc_id)
        self.audit.append(
            self.link._audit(doc.doc_id, doc.kind, doc.digest, "refused", w.actor, self.now, exc)
        )
        if doc.kind != "refusal":
            self.answers.append(self.link.refusal_row(doc, exc, self.now))

    def write(self, session: Session) -> None:
        repo.set_receipt_status(session, self.applied_ids, "applied")
        repo.set_receipt_status(session, self.refused_ids, "refused")
        repo.add_outbox(session, self.answers)
        repo.add_audit(session, self.audit)


def _not_applicable(result: Any) -> SmartBorderError:
    """Why a trip document could not be stored (the store's answer for it)."""
    if isinstance(result, SmartBorderError):
        return NotApplicable(result.message, extra={"cause": result.code}, problems=result.problems)
    if isinstance(result, SubmissionResult):  # the same filing is held here under another id
        return NotApplicable(
            Text(
                f"The filing organization's same declaration is held here as trip {result.record.id}.",
                f"La misma declaración de la organización ya se tiene aquí como viaje {result.record.id}.",
            ),
            extra={"declaration_id": result.record.id},
        )
    if isinstance(result, BaseException):
        raise result
    return NotApplicable()


def _refused(doc_id: str | None, exc: SmartBorderError) -> Outcome:
    return Outcome(
        doc_id or "",
        "refused",
        {
            "code": exc.code,
            "detail_en": exc.message.en,
            "detail_es": exc.message.es,
            **exc.extra,
            **({"errors": [p.to_dict() for p in exc.problems]} if exc.problems else {}),
        },
    )


def _claimed_id(token: Any) -> str | None:
    """The id a document claims, read without trusting it (for the answer and the audit)."""
    jti = unverified_claims(token).get("jti") if isinstance(token, str) else None
    return jti[:64] if isinstance(jti, str) else None


def _digest_of(token: Any) -> str:
    return hashlib.sha256(
        orjson.dumps(token) if not isinstance(token, str) else token.encode()
    ).hexdigest()
