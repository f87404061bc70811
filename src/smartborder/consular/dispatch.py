"""The notice outbox and the thread that empties it.

A notice is written in the transaction that makes it (a renewal and its notices commit
together or not at all), then sent by :class:`NoticeDispatcher` on its own thread — woken
when a transaction that queued notices commits, and every ``poll_s`` anyway — so no request
and no event loop ever waits on an SMTP server or a webhook. A failed send is recorded on
the notice (attempts, last error) and retried after an exponential back-off; after
``max_attempts`` the notice is marked ``failed`` and kept. The renewal never depends on it.

Each due notice is leased (its next attempt moved past the lease) in a short transaction
before it is sent, so two dispatchers — two worker processes — never send it twice at once;
one that dies mid-send leaves it due again when the lease ends (at-least-once delivery: a
webhook receiver deduplicates by the ``SmartBorder-Notice-Id`` header, an e-mail by its
``Message-ID``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from smartborder.consular.channels import Notice, NoticeChannel, describe
from smartborder.store import consular as repo
from smartborder.store import transaction

log = logging.getLogger("smartborder.consular")


class NoticeDispatcher:
    """Sends the notice outbox through ``channels`` (by channel name) on a background thread."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        channels: Mapping[str, NoticeChannel],
        *,
        max_attempts: int = 8,
        backoff_s: float = 5.0,
        max_backoff_s: float = 3600.0,
        lease_s: float = 60.0,
        poll_s: float = 15.0,
        batch: int = 50,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        write_lock: Callable[[], AbstractContextManager[Any]] = nullcontext,
    ) -> None:
        self.sessions = sessions
        self.channels = dict(channels)
        self.max_attempts = max_attempts
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.lease_s, self.poll_s, self.batch = lease_s, poll_s, batch
        self.clock = clock
        # the node's writers' lock (SQLite: one writer at a time across workers); without it a
        # lease committed here would break a request's read-then-write transaction
        self.write_lock = write_lock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.channels))

    def retry_after(self, attempts: int) -> timedelta:
        """Back-off before attempt ``attempts + 1``: ``backoff_s · 2^(attempts−1)``, capped."""
        return timedelta(
            seconds=min(self.backoff_s * 2 ** max(attempts - 1, 0), self.max_backoff_s)
        )

    def notify(self) -> None:
        """Notices were committed: send them now rather than at the next poll."""
        self._wake.set()

    def run_once(self) -> int:
        """Send every notice due now, a batch at a time; returns how many were delivered."""
        delivered = 0
        while True:
            sent, claimed = self._send_batch()
            delivered += sent
            if claimed < self.batch:
                return delivered

    def _send_batch(self) -> tuple[int, int]:
        """Lease up to ``batch`` due notices and send them: (delivered, leased)."""
        now = self.clock()
        with self.write_lock(), transaction(self.sessions) as session:
            due = [
                (
                    row.notice_id,
                    row.channel,
                    Notice(row.notice_id, row.kind, row.recipient, json.loads(row.payload)),
                )
                for row in repo.claim_due(
                    session,
                    now=now,
                    lease_until=now + timedelta(seconds=self.lease_s),
                    limit=self.batch,
                )
            ]
        delivered = 0
        for notice_id, channel_name, notice in due:
            error: str | None = None
            channel = self.channels.get(channel_name)
            if channel is None:
                error = f"no channel {channel_name!r} is configured on this node"
            else:
                try:
                    channel.send(notice)
                except Exception as exc:  # any failure is recorded and retried, never raised
                    error = describe(exc)
            self._record(notice_id, error)
            delivered += error is None
        return delivered, len(due)

    def _record(self, notice_id: str, error: str | None) -> None:
        now = self.clock()
        with self.write_lock(), transaction(self.sessions) as session:
            row = repo.get_notice(session, notice_id)
            if row is None:
                return
            row.attempts += 1
            if error is None:
                row.state, row.sent_at, row.last_error = "sent", now, None
                return
            row.last_error = error[:2000]
            if row.attempts >= self.max_attempts:
                row.state = "failed"
                log.warning("notice %s failed for good: %s", notice_id, error)
            else:
                row.next_attempt_at = now + self.retry_after(row.attempts)

    # --- the thread ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="smartborder-consular-notices", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll_s)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.run_once()
            except Exception:  # the store may be away: the next round tries again
                log.exception("sending notices failed")

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None
        for channel in self.channels.values():
            close = getattr(channel, "close", None)
            if callable(close):
                close()


__all__ = ["NoticeDispatcher"]
