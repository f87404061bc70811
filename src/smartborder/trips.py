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
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
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
    SubmissionResult,
    leg_of,
    prepare,
    prepare_amendment,
    store_many,
    target_of,
)
from smartborder.store import declarations as records_repo
from smartborder.store import exchange as repo
from smartborder.store import transaction
from smartborder.store.tables.declarations import DeclarationRow


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


@dataclass
class Outcome:
    doc_id: str
    status: str  # applied | duplicate | refused
    problem: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.doc_id, "status": self.status}
        if self.problem:
            out["problem"] = self.problem
        return out


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
    ) -> None:
        self.agency = agency
        self.agreement = agreement
        self.peer = peer
        self.signer = signer
        self.pipeline = pipeline
        self.sessions = sessions
        self.write_lock = write_lock
        self.on_queued = on_queued

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

    # --- receiving --------------------------------------------------------------------------

    def receive(self, tokens: Sequence[Any], *, actor: str, now: datetime) -> list[Outcome]:
        """Check and apply documents from the peer, each once; one answer per document, in
        order. New trips are decided before the write lock is taken and stored together
        (one transaction with their receipts, audit entries and answers); amendments and a
        trip's second document in one batch are applied after, one by one."""
        outcomes: dict[int, Outcome] = {}
        audit: list[dict[str, Any]] = []
        opened: list[tuple[int, Received]] = []
        for i, token in enumerate(tokens):
            try:
                opened.append((i, self._open(token, now)))
            except REFUSALS as exc:
                doc_id = _claimed_id(token)
                outcomes[i] = _refused(doc_id, exc)
                audit.append(
                    self._audit(doc_id, None, _digest_of(token), "refused", actor, now, exc)
                )
        with self.sessions() as session:  # reads only: what is held and what was received
            seen = repo.received(session, [d.doc_id for _, d in opened])
            held = records_repo.existing_ids(
                session, [str(d.body.get("trip_id")) for _, d in opened if d.kind == "trip"]
            )
        new: list[tuple[int, Received, PreparedSubmission]] = []
        later: list[tuple[int, Received]] = []
        decisions: list[tuple[int, Received]] = []
        batch_trips: set[str] = set()
        for i, doc in opened:
            if doc.doc_id in seen:
                outcomes[i], entry = self._seen_before(doc, seen[doc.doc_id], actor, now)
                audit.append(entry)
                continue
            seen[doc.doc_id] = doc.digest  # a document twice in one batch is applied once
            if doc.kind == "decision":
                decisions.append((i, doc))
            elif doc.kind == "inspection":
                later.append((i, doc))
            else:
                trip_id = str(doc.body.get("trip_id"))
                if trip_id in held or trip_id in batch_trips or doc.body.get("version") != 1:
                    later.append((i, doc))
                else:
                    try:
                        new.append((i, doc, self._prepare_new(doc, now)))
                    except SmartBorderError as exc:
                        outcomes[i] = _refused(doc.doc_id, exc)
                        audit.append(
                            self._audit(
                                doc.doc_id, doc.kind, doc.digest, "refused", actor, now, exc
                            )
                        )
                batch_trips.add(trip_id)
        answers: list[dict[str, Any]] = []
        with self.write_lock(), transaction(self.sessions) as session:
            # another worker of this node may have applied some meanwhile
            again = repo.received(
                session, [d.doc_id for _, d, _ in new] + [d.doc_id for _, d in later + decisions]
            )
            receipts: list[dict[str, Any]] = []
            peer_decisions: list[dict[str, Any]] = []
            applied: list[tuple[int, Received]] = []
            fresh = [(i, d, p) for i, d, p in new if d.doc_id not in again]
            for i, doc, _ in new:
                if doc.doc_id in again:
                    outcomes[i], entry = self._seen_before(doc, again[doc.doc_id], actor, now)
                    audit.append(entry)
            stored = store_many(session, [p for _, _, p in fresh])
            for (i, doc, p), result in zip(fresh, stored, strict=True):
                if isinstance(result, SubmissionResult) and result.created:
                    applied.append((i, doc))
                    answers.append(self._answer(doc, p.decision_body, now))
                    peer_decisions += self._peer_decision_rows(doc, now)
                else:
                    problem = _not_applicable(result)
                    outcomes[i] = _refused(doc.doc_id, problem)
                    audit.append(
                        self._audit(
                            doc.doc_id, doc.kind, doc.digest, "refused", actor, now, problem
                        )
                    )
            known = records_repo.existing_ids(
                session, [str(d.body.get("trip_id")) for _, d in decisions]
            )
            for i, doc in decisions:
                if doc.doc_id in again:
                    outcomes[i], entry = self._seen_before(doc, again[doc.doc_id], actor, now)
                    audit.append(entry)
                elif str(doc.body.get("trip_id")) not in known:
                    missing = NotApplicable(
                        Text(
                            f"No trip {doc.body.get('trip_id')} is held here for this decision.",
                            f"No se tiene aquí un viaje {doc.body.get('trip_id')} para esta decisión.",
                        )
                    )
                    outcomes[i] = _refused(doc.doc_id, missing)
                    audit.append(
                        self._audit(
                            doc.doc_id, doc.kind, doc.digest, "refused", actor, now, missing
                        )
                    )
                else:
                    applied.append((i, doc))
                    peer_decisions += self._peer_decision_rows(doc, now)
            repo.put_peer_decisions(session, peer_decisions)
            for i, doc in later:  # amendments, a trip's second document: one at a time
                if doc.doc_id in again:
                    outcomes[i], entry = self._seen_before(doc, again[doc.doc_id], actor, now)
                    audit.append(entry)
                    continue
                try:
                    with session.begin_nested():
                        if doc.kind == "inspection":
                            answer = None
                            inspections.receive(session, doc.body["event"], now=now)
                        else:
                            answer = self._apply_later(session, doc, now)
                        repo.add_receipts(session, [self._receipt(doc, now)])
                    if answer is not None:
                        answers.append(answer)
                    outcomes[i] = Outcome(doc.doc_id, "applied")
                    audit.append(
                        self._audit(doc.doc_id, doc.kind, doc.digest, "applied", actor, now)
                    )
                except SmartBorderError as exc:
                    outcomes[i] = _refused(doc.doc_id, exc)
                    audit.append(
                        self._audit(doc.doc_id, doc.kind, doc.digest, "refused", actor, now, exc)
                    )
            for i, doc in applied:
                receipts.append(self._receipt(doc, now))
                outcomes[i] = Outcome(doc.doc_id, "applied")
                audit.append(self._audit(doc.doc_id, doc.kind, doc.digest, "applied", actor, now))
            repo.add_receipts(session, receipts)
            repo.add_outbox(session, answers)
            repo.add_audit(session, audit)
        if answers:
            self.on_queued()
        return [outcomes[i] for i in range(len(tokens))]

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

    def _receipt(self, doc: Received, now: datetime) -> dict[str, Any]:
        return {
            "doc_id": doc.doc_id,
            "kind": doc.kind,
            "digest": doc.digest,
            "peer": doc.sender,
            "declaration_id": str(doc.body.get("trip_id"))[:36],
            "received_at": now,
        }

    def _principal(self, body: Mapping[str, Any]) -> Principal:
        # The filing organization, as a tenant of this node (it reads its trip here too).
        return Principal(
            client_id=f"peer:{self.peer.agency}",
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
