"""The transactional outbox and the thread that empties it.

What a node reports to the peer (a trip it holds, its decision on its leg) is written to
``exchange_outbox`` in the same transaction as the thing itself, so a document exists if and
only if what it reports was stored. A :class:`Deliverer` reads due documents in order, signs
each (fresh ``iat``), posts them to the peer's inbox in batches and marks each as the peer
answered: applied or duplicate → delivered; refused (a problem the peer names) → refused,
not retried, kept with the problem. A peer that does not answer gets the batch again later
(exponential back-off with jitter, capped): delivery is at-least-once, and the peer's
idempotent receipt makes it apply each document once. Every answer is audited.

Several worker processes of one node share the outbox: one of them delivers at a time (a
:class:`~smartborder.exchange.leader.LeaderLoop`), the others stand by.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session, sessionmaker

from smartborder.exchange.documents import NodeSigner, digest, now_utc
from smartborder.exchange.errors import PeerUnreachable
from smartborder.exchange.leader import LeaderLoop
from smartborder.exchange.peer import PeerNode
from smartborder.store import exchange as repo
from smartborder.store import transaction

log = logging.getLogger("smartborder.exchange")

BATCH = 500  # documents per POST at most
ROUND = 4 * BATCH  # due documents read per delivery round at most
# Bytes of documents per POST at most: under the peer's body limit (SMARTBORDER_MAX_BODY_BYTES,
# 1 MiB by default) with room for the JSON around them; a trip document is ~2-3 KB.
BATCH_BYTES = 768 * 1024
BACKOFF_MAX_S = 60.0


def outbox_row(
    kind: str, trip_id: str, version: int, body: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """A row for ``exchange_outbox`` (store it in the transaction of what it reports)."""
    return {
        "doc_id": str(uuid.uuid4()),
        "kind": kind,
        "declaration_id": trip_id,
        "version": version,
        "body": orjson.dumps(body).decode(),
        "digest": digest(kind, body),
        "created_at": now,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "delivered_at": None,
        "last_error": None,
    }


def backoff_s(attempts: int, rng: random.Random) -> float:
    """Seconds before attempt ``attempts + 1``: 0.5 s doubling, capped, with full jitter
    halved (so retries of many nodes spread out but none waits less than half)."""
    base = min(BACKOFF_MAX_S, 0.5 * 2.0 ** min(attempts, 16))
    return base / 2 + rng.random() * base / 2


class Deliverer:
    """Posts the outbox's due documents to the peer until closed (a daemon thread)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        peer: PeerNode,
        signer: NodeSigner,
        agreement: str,
        lock_path: Path,
        write_lock: Callable[[], Any],
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self.sessions = sessions
        self.peer = peer
        self.signer = signer
        self.agreement = agreement
        self.write_lock = write_lock
        self.clock = clock
        self._rng = random.Random()
        self.loop = LeaderLoop("exchange-deliverer", lock_path, self.deliver_once)
        # signs the next batch while the current one is in flight (the peer is another process)
        self._signing = ThreadPoolExecutor(1, thread_name_prefix="exchange-signing")

    def start(self) -> None:
        self.loop.start()

    def notify(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self.loop.notify()

    def close(self) -> None:
        self.loop.close()
        self._signing.shutdown(wait=True)

    def deliver_once(self) -> int:
        """One round: post the due documents, up to :data:`ROUND`, batch after batch, the
        next batch signed (on the signing thread) while the current one is posted; how many
        were posted. A batch the peer does not take ends the round (retried later)."""
        now = self.clock()
        with self.sessions() as session:
            due = repo.due_rows(session, now, limit=ROUND)
        if not due:
            return 0
        posted = 0
        signed = self._signing.submit(self._sign_batch, due, now)
        while True:
            batch, tokens, rest = signed.result()
            if rest:
                signed = self._signing.submit(self._sign_batch, rest, now)
            if not self._post(batch, tokens):
                return posted
            posted += len(batch)
            if not rest:
                return posted

    def _sign_batch(
        self, rows: Sequence[tuple[Any, ...]], now: datetime
    ) -> tuple[Sequence[tuple[Any, ...]], list[str], Sequence[tuple[Any, ...]]]:
        """Sign documents from the head of ``rows`` up to :data:`BATCH` or
        :data:`BATCH_BYTES`: the rows signed, their tokens, and the rows left."""
        tokens: list[str] = []
        size = 0
        for _, doc_id, kind, _, body, _ in rows[:BATCH]:
            token = self.signer.sign(
                doc_id,
                kind,
                orjson.loads(body),
                aud=self.peer.did,
                agreement=self.agreement,
                now=now,
            )
            size += len(token) + 3
            if tokens and size > BATCH_BYTES:
                break
            tokens.append(token)
        return rows[: len(tokens)], tokens, rows[len(tokens) :]

    def _post(self, batch: Sequence[tuple[Any, ...]], tokens: list[str]) -> bool:
        """Post one batch and record the peer's answers; False if the peer did not take it."""
        try:
            answer = self.peer.post_documents(tokens)
        except PeerUnreachable as exc:
            if exc.extra.get("status") == 413 and len(batch) == 1:
                # one document larger than the peer takes: retrying cannot help
                seq, doc_id, kind, dig, _, _ = batch[0]
                self._record(
                    batch,
                    {
                        "results": [
                            {
                                "id": doc_id,
                                "status": "refused",
                                "problem": {
                                    "code": "exchange.too_large",
                                    "detail_en": "The document is larger than the peer node accepts.",
                                    "detail_es": "El documento es más grande de lo que acepta el nodo par.",
                                },
                            }
                        ]
                    },
                )
                return True
            self._retry_later(batch, str(exc.message.en))
            return False
        self._record(batch, answer)
        return True

    def _retry_later(self, batch: Sequence[tuple[Any, ...]], error: str) -> None:
        attempts = max(b[5] for b in batch)
        at = self.clock() + timedelta(seconds=backoff_s(attempts, self._rng))
        with self.write_lock(), transaction(self.sessions) as session:
            repo.retry_later(session, [b[0] for b in batch], at=at, error=error[:1000])
        log.info("exchange: peer unreachable, %d documents retried at %s", len(batch), at)

    def _record(self, batch: Sequence[tuple[Any, ...]], answer: Mapping[str, Any]) -> None:
        results = {r.get("id"): r for r in answer.get("results", []) if isinstance(r, Mapping)}
        now = self.clock()
        delivered, refused, unanswered, audit = [], [], [], []
        for seq, doc_id, kind, dig, _, _ in batch:
            result = results.get(doc_id)
            status = result.get("status") if result else None
            problem = result.get("problem") if result else None
            # "applied": what a peer of the release before receipt-first answers (rolling upgrades)
            if status in ("accepted", "applied", "duplicate"):
                delivered.append(seq)
            elif status == "refused":
                refused.append((seq, problem))
            else:
                unanswered.append((seq, doc_id, kind, dig, "", 0))
                continue
            audit.append(
                {
                    "at": now,
                    "direction": "out",
                    "peer": self.peer.did,
                    "doc_id": doc_id,
                    "kind": kind,
                    "digest": dig,
                    "outcome": status,
                    "code": (problem or {}).get("code"),
                    "detail": orjson.dumps(problem).decode() if problem else None,
                    "actor": self.signer.did,
                }
            )
        with self.write_lock(), transaction(self.sessions) as session:
            repo.mark(session, delivered, status="delivered", at=now)
            for seq, problem in refused:
                repo.mark(
                    session, [seq], status="refused", at=now, error=orjson.dumps(problem).decode()
                )
            repo.add_audit(session, audit)
        if unanswered:
            self._retry_later(unanswered, "the peer did not answer for these documents")
