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

import base64
import hashlib
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session, sessionmaker

from smartborder.clients import Principal, Role
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
    prepare,
    prepare_amendment,
    store_many,
    target_of,
)
from smartborder.store import exchange as repo
from smartborder.store import transaction
from smartborder.store.tables.declarations import DeclarationRow

ENTRY_AGENCY = {"northbound": "cbp", "southbound": "anam"}


def leg_of(agency: str, direction: str) -> str:
    """``entry`` if ``agency`` clears the trip into its country, else ``exit``."""
    return "entry" if ENTRY_AGENCY.get(direction) == agency else "exit"


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

    # --- receiving --------------------------------------------------------------------------

    def receive(self, tokens: Sequence[Any], *, actor: str, now: datetime) -> list[Outcome]:
        """Check and apply documents from the peer, each once; one answer per document."""
        outcomes: list[Outcome] = []
        opened: list[tuple[Received, Any]] = []
        audit: list[dict[str, Any]] = []
        for token in tokens:
            try:
                doc = open_document(
                    token,
                    peer_did=self.peer.did,
                    peer_agency=self.peer.agency,
                    key_for=self.peer.key_for,
                    me=self.signer.did,
                    agreement=self.agreement,
                    now=now,
                )
                opened.append((doc, token))
            except REFUSALS as exc:
                doc_id = _claimed_id(token)
                outcomes.append(_refused(doc_id, exc))
                audit.append(
                    self._audit(doc_id, None, _digest_of(token), "refused", actor, now, exc)
                )
        with self.write_lock(), transaction(self.sessions) as session:
            seen = repo.received(session, [d.doc_id for d, _ in opened])
            queued = False
            for doc, _token in opened:
                if doc.doc_id in seen:
                    if seen[doc.doc_id] == doc.digest:
                        outcomes.append(Outcome(doc.doc_id, "duplicate"))
                        audit.append(
                            self._audit(doc.doc_id, doc.kind, doc.digest, "duplicate", actor, now)
                        )
                    else:
                        replay = Replayed(
                            Text(
                                f"Document {doc.doc_id} was received before with other content.",
                                f"El documento {doc.doc_id} se recibió antes con otro contenido.",
                            )
                        )
                        outcomes.append(_refused(doc.doc_id, replay))
                        audit.append(
                            self._audit(
                                doc.doc_id, doc.kind, doc.digest, "refused", actor, now, replay
                            )
                        )
                    continue
                try:
                    with session.begin_nested():
                        status, trip_id, answer = self._apply(session, doc, now)
                        repo.add_receipt(
                            session,
                            {
                                "doc_id": doc.doc_id,
                                "kind": doc.kind,
                                "digest": doc.digest,
                                "peer": doc.sender,
                                "declaration_id": trip_id,
                                "received_at": now,
                            },
                        )
                        if answer is not None:
                            repo.add_outbox(session, [answer])
                            queued = True
                    seen[doc.doc_id] = doc.digest
                    outcomes.append(Outcome(doc.doc_id, status))
                    audit.append(self._audit(doc.doc_id, doc.kind, doc.digest, status, actor, now))
                except SmartBorderError as exc:
                    outcomes.append(_refused(doc.doc_id, exc))
                    audit.append(
                        self._audit(doc.doc_id, doc.kind, doc.digest, "refused", actor, now, exc)
                    )
            repo.add_audit(session, audit)
        if queued:
            self.on_queued()
        return outcomes

    def record_refusals(
        self, tokens: Sequence[Any], exc: SmartBorderError, *, actor: str, now: datetime
    ) -> None:
        """Audit documents refused as a whole (e.g. the batch was not from the peer)."""
        rows = [
            self._audit(_claimed_id(t), None, _digest_of(t), "refused", actor, now, exc)
            for t in tokens
        ]
        with self.write_lock(), transaction(self.sessions) as session:
            repo.add_audit(session, rows)

    def _apply(
        self, session: Session, doc: Received, now: datetime
    ) -> tuple[str, str, dict[str, Any] | None]:
        body = doc.body
        trip_id = str(body["trip_id"])
        version = body["version"]
        if not isinstance(version, int) or version < 1:
            raise NotApplicable(
                Text(
                    "The version must be a positive integer.",
                    "La versión debe ser un entero positivo.",
                )
            )
        if doc.kind == "decision":
            self._store_peer_decision(session, trip_id, version, body.get("decision"), doc, now)
            return "applied", trip_id, None
        record = session.get(DeclarationRow, trip_id)
        principal = Principal(
            client_id=f"peer:{self.peer.agency}",
            org=str(body["submitter_org"])[:200],
            role=Role.CARRIER,
            scopes=frozenset(),
        )
        payload = body["declaration"]
        if record is None:
            prepared: PreparedSubmission | SubmissionResult = prepare(
                principal, payload, decider=self.pipeline, now=now, record_id=trip_id
            )
        else:
            if record.submitter_org != principal.org:
                raise NotApplicable(
                    Text(
                        f"Trip {trip_id} is held here for another organization.",
                        f"El viaje {trip_id} se tiene aquí para otra organización.",
                    )
                )
            target = target_of(session, record, decider=self.pipeline)
            prepared = prepare_amendment(target, principal, payload, decider=self.pipeline, now=now)
        if isinstance(prepared, SubmissionResult):  # nothing this node holds changed
            decision = prepared.decision
        else:
            (result,) = store_many(session, [prepared])
            if isinstance(result, SmartBorderError):
                raise NotApplicable(
                    result.message, extra={"cause": result.code}, problems=result.problems
                )
            if isinstance(result, BaseException):
                raise result
            decision = prepared.decision_body
        self._store_peer_decision(session, trip_id, version, body.get("decision"), doc, now)
        answer = {
            "trip_id": trip_id,
            "version": version,
            "decision": shared_decision(
                self.agreement,
                decision,
                agency=self.agency,
                direction=str(payload.get("direction")),
                version=version,
            ),
        }
        return "applied", trip_id, outbox_row("decision", trip_id, version, answer, now)

    def _store_peer_decision(
        self,
        session: Session,
        trip_id: str,
        version: int,
        decision: Any,
        doc: Received,
        now: datetime,
    ) -> None:
        if not isinstance(decision, Mapping):
            return
        if session.get(DeclarationRow, trip_id) is None:
            raise NotApplicable(
                Text(
                    f"No trip {trip_id} is held here for this decision.",
                    f"No se tiene aquí un viaje {trip_id} para esta decisión.",
                )
            )
        decided_at = decision.get("decided_at")
        try:
            at = datetime.fromisoformat(str(decided_at))
        except ValueError:
            at = now
        score = decision.get("risk_score")
        repo.put_peer_decision(
            session,
            {
                "declaration_id": trip_id,
                "version": version,
                "agency": self.peer.agency,
                "outcome": str(decision.get("outcome"))[:32],
                "risk_score": float(score) if isinstance(score, int | float) else None,
                "decided_at": at,
                "body": orjson.dumps(dict(decision)).decode(),
                "doc_id": doc.doc_id,
                "received_at": now,
            },
        )

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
    if not isinstance(token, str) or token.count(".") != 2:
        return None
    try:
        part = token.split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return None
    jti = claims.get("jti") if isinstance(claims, dict) else None
    return jti[:64] if isinstance(jti, str) else None


def _digest_of(token: Any) -> str:
    return hashlib.sha256(
        orjson.dumps(token) if not isinstance(token, str) else token.encode()
    ).hexdigest()
