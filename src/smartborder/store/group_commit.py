"""Group commit: many requests' writes in one transaction, each acknowledged after the commit.

Why: with a transaction per request, a node spends most of a submission on transaction
overhead — a commit (an fsync on PostgreSQL) per request, and on SQLite, threads of the
same process waiting on the database lock with SQLite's sleeping busy handler (p99 of
~1 s measured at 16 concurrent clients). One writer thread per process instead drains the
queue of pending writes, runs each in its own SAVEPOINT (a failing write is rolled back
alone and reported to its request only), commits once, then wakes every request of the
batch. A request is answered only after its commit, so every acknowledged write is durable;
if the commit fails, every write of the batch fails with :class:`Unavailable` and nothing of
it is stored (clients retry; submissions are idempotent).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from smartborder.errors import Unavailable
from smartborder.i18n import Text

T = TypeVar("T")
_STOP = object()


class GroupCommitter:
    """Runs write jobs ``fn(session) -> T`` in shared transactions on one writer thread."""

    def __init__(self, sessions: sessionmaker[Session], *, max_batch: int = 256) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0
        self.jobs = 0

    def submit(self, job: Callable[[Session], T]) -> Future[T]:
        """Queue ``job`` for the next batch; the future resolves once the batch is committed."""
        self._ensure_started()
        fut: Future[T] = Future()
        self._queue.put((job, fut))
        return fut

    def run(self, job: Callable[[Session], T], *, timeout_s: float = 30.0) -> T:
        """Run ``job`` in the next batch; return its result once the batch is committed."""
        return self.submit(job).result(timeout=timeout_s)

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
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    self._queue.put(_STOP)
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[tuple[Callable[[Session], Any], Future[Any]]]) -> None:
        results: list[tuple[Future[Any], bool, Any]] = []
        try:
            with self._sessions.begin() as session:
                for job, fut in batch:
                    try:
                        with session.begin_nested():
                            results.append((fut, True, job(session)))
                    except Exception as exc:  # the job's own error goes to its request
                        results.append((fut, False, exc))
        except SQLAlchemyError as exc:
            failure = Unavailable(
                Text(
                    f"The write could not be committed ({type(exc).__name__}); nothing was "
                    "stored. Retry: submissions are idempotent.",
                    f"No se pudo confirmar la escritura ({type(exc).__name__}); no se guardó "
                    "nada. Reintente: los envíos son idempotentes.",
                ),
                code="store.commit_failed",
            )
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(failure)
            return
        self.batches += 1
        self.jobs += len(batch)
        for fut, ok, value in results:
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(value)
