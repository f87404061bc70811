"""Group commit: many requests' writes in one transaction, each acknowledged after the commit.

Why: with a transaction per request, a node spends most of a submission on transaction
overhead — a commit (an fsync on PostgreSQL, ~3 ms measured here) and a handful of
statement round trips per request, and on SQLite threads of one process waiting on the
database lock with SQLite's sleeping busy handler (p99 of ~1 s measured at 16 concurrent
clients). One writer thread per process instead drains the queue of pending items, hands
them to ``handle(session, items)`` — which writes them together (multi-row statements) —
commits once, then wakes every request of the batch. A request is answered only after its
commit, so every acknowledged write is durable.

If a batch fails, its items are retried one by one, each in its own transaction, so a bad
item fails alone and never takes other requests down with it; a database that cannot commit
fails each item with :class:`Unavailable` and nothing of it is stored (clients retry:
submissions are idempotent).

An ``observer`` (optional, settable on a running writer) receives a :class:`BatchTiming` per
committed batch: how long its items waited in the queue, for the inter-process write lock,
in ``handle`` and in the commit — what a benchmark needs to attribute a slow answer.
"""

from __future__ import annotations

import fcntl
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from smartborder.errors import SmartBorderError, Unavailable
from smartborder.i18n import Text

I = TypeVar("I")  # noqa: E741 - the item type
R = TypeVar("R")
T = TypeVar("T")
_STOP = object()
log = logging.getLogger("smartborder.store")

Handler = Callable[[Session, Sequence[I]], Sequence[R | BaseException]]


@dataclass(frozen=True, slots=True)
class BatchTiming:
    """One committed batch, timed on ``time.monotonic()`` (seconds; durations in ms)."""

    started: float  # the writer took the batch off the queue
    size: int
    queued_ms: float  # the oldest item's wait in the queue (enqueue → taken)
    handoff_ms: float  # the newest item's wait (a batch of one an idle writer took: its wake-up)
    lock_ms: float  # waiting for the write lock (another process's writer)
    handle_ms: float  # ``handle``: the batch's statements
    commit_ms: float  # the commit (fsync, for a durable store)
    resolve_ms: float  # answering the batch's futures
    # The writer thread's CPU time in ``handle`` and the lock-and-commit: the rest of those
    # spans it waited — for the database, the disk, or the GIL held by another thread.
    handle_cpu_ms: float = 0.0
    held_cpu_ms: float = 0.0


Observer = Callable[[BatchTiming], None]


class GroupCommitter(Generic[I, R]):
    """Feeds queued items to ``handle`` in shared transactions on one writer thread.

    ``handle`` returns one result per item, or an exception for an item it refuses (that
    item's request gets the exception; the others are still committed).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        handle: Handler[I, R],
        *,
        max_batch: int = 256,
        write_lock: Callable[[], AbstractContextManager[Any]] = nullcontext,
        observer: Observer | None = None,
    ) -> None:
        self._sessions = sessions
        self._write_lock = write_lock
        self._handle = handle
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0
        self.items = 0
        self.observer = observer

    def enqueue(self, item: I) -> Future[R]:
        """Queue ``item`` for the next batch; the future resolves once the batch is committed."""
        self._ensure_started()
        fut: Future[R] = Future()
        self._queue.put((item, fut, time.monotonic()))
        return fut

    def run(self, item: I, *, timeout_s: float = 30.0) -> R:
        """Write ``item`` in the next batch; return its result once the batch is committed."""
        return self.enqueue(item).result(timeout=timeout_s)

    def close(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._queue.put(_STOP)
                self._thread.join(timeout=10)
                self._thread = None

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._loop, name="smartborder-group-commit", daemon=True
                    )
                    self._thread.start()

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            started = time.monotonic()
            # The turn on the store first, then the batch: what queued while another
            # process's writer held the file (SQLite, two workers) joins this commit — one
            # fsync for all — instead of waiting a turn more. Open loop at 1,000
            # submissions/s on SQLite, 3 alternating runs of 15 s on one machine: p99 86-102
            # ms this way against 162-286 ms taking the batch before the lock.
            with self._write_lock():
                batch = [first, *self._drain(self._max_batch - 1)]
                written = self._write(batch, started=started)
            if not written and len(batch) > 1:
                for one in batch:  # isolate the item that broke the batch
                    with self._write_lock():
                        self._write([one], started=time.monotonic())

    def _drain(self, most: int) -> list[Any]:
        """Up to ``most`` items already queued (a stop request is put back for the loop)."""
        out: list[Any] = []
        while len(out) < most:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                self._queue.put(_STOP)
                break
            out.append(item)
        return out

    def _write(self, batch: list[tuple[I, Future[R], float]], *, started: float) -> bool:
        """Write a batch in one transaction, the caller holding the write lock; False
        (futures untouched) if a retry may help."""
        clock, cpu = time.monotonic, time.thread_time
        try:
            locked, cpu_locked = clock(), cpu()
            with self._sessions.begin() as session:
                results = self._handle(session, [item for item, _, _ in batch])
                handled, cpu_handled = clock(), cpu()
            committed, cpu_committed = clock(), cpu()
        except (SQLAlchemyError, SmartBorderError, ValueError, TypeError) as exc:
            if len(batch) > 1:
                return False
            fut = batch[0][1]
            fut.set_exception(_unavailable(exc) if isinstance(exc, SQLAlchemyError) else exc)
            return True
        self.batches += 1
        self.items += len(batch)
        for (_, fut, _), result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                fut.set_exception(result)
            else:
                fut.set_result(result)
        observer = self.observer
        if observer is not None:
            enqueued = [t for _, _, t in batch]
            self._observe(
                observer,
                BatchTiming(
                    started=started,
                    size=len(batch),
                    queued_ms=(started - min(enqueued)) * 1000,
                    handoff_ms=max(0.0, started - max(enqueued)) * 1000,
                    lock_ms=(locked - started) * 1000,
                    handle_ms=(handled - locked) * 1000,
                    commit_ms=(committed - handled) * 1000,
                    resolve_ms=(clock() - committed) * 1000,
                    handle_cpu_ms=(cpu_handled - cpu_locked) * 1000,
                    held_cpu_ms=(cpu_committed - cpu_locked) * 1000,
                ),
            )
        return True

    @staticmethod
    def _observe(observer: Observer, timing: BatchTiming) -> None:
        try:
            observer(timing)
        except Exception:  # a broken observer must not stop the writer (every write would hang)
            log.warning("group commit: the observer failed", exc_info=True)


def _unavailable(exc: SQLAlchemyError) -> Unavailable:
    return Unavailable(
        Text(
            f"The write could not be committed ({type(exc).__name__}); nothing was stored. "
            "Retry: submissions are idempotent.",
            f"No se pudo confirmar la escritura ({type(exc).__name__}); no se guardó nada. "
            "Reintente: los envíos son idempotentes.",
        ),
        code="store.commit_failed",
    )


def run_jobs(session: Session, jobs: Sequence[Callable[[Session], T]]) -> list[T | BaseException]:
    """A handler for arbitrary write jobs ``fn(session)``, each in its own SAVEPOINT."""
    out: list[T | BaseException] = []
    for job in jobs:
        try:
            with session.begin_nested():
                out.append(job(session))
        except (SQLAlchemyError, SmartBorderError, ValueError, TypeError) as exc:
            out.append(exc)
    return out


def file_lock(path: str) -> Callable[[], AbstractContextManager[None]]:
    """An inter-process lock on ``path`` (``flock``) for the writers of one SQLite file.

    Why: two worker processes writing one SQLite file otherwise meet SQLite's busy handler,
    which sleeps in steps of up to 100 ms (p99 of 130–200 ms measured with 2 workers); a
    blocked ``flock`` wakes the moment the other writer commits.
    """

    @contextmanager
    def hold() -> Iterator[None]:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    return hold
