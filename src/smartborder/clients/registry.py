"""Which clients may hold tokens: an in-process view of the client table, kept fresh.

A token is signed by the node key, so its signature alone cannot say that its client was
disabled or deleted since it was issued. Asking the store on every request would add a query
to every submission; instead each process keeps ``client id → enabled`` in memory:

* reloaded from the store every ``refresh_s`` (1 s by default) on a background thread, so a
  client disabled or deleted by another process (another worker, the CLI) loses its tokens
  within ``refresh_s`` plus one reload: at most ~1.1 s (measured with two apps on one
  SQLite file at load ~6: 0.003–0.89 s, median 0.34 s over 8 trials; tests/api pins ≤ 2 s);
* changed at once in the process that disables or deletes a client (:meth:`forget`);
* on a miss — a client created after the last reload — asked of the store once, and the
  answer kept until the next reload (so a token naming a client that does not exist costs at
  most one query per reload, and only the node itself can sign such a token).
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from smartborder.store import clients as repo

log = logging.getLogger("smartborder.clients")

REFRESH_S = 1.0


class ClientRegistry:
    """``client id → enabled`` for one process, reloaded from the store in the background."""

    def __init__(self, sessions: sessionmaker[Session], *, refresh_s: float = REFRESH_S) -> None:
        self._sessions = sessions
        self.refresh_s = refresh_s
        self._enabled: dict[str, bool] = {}
        self._lock = threading.Lock()
        # Local changes with the time they were made: a reload whose query began before a
        # change was committed must not undo it.
        self._changes: dict[str, tuple[bool, float]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        try:
            self.reload()
        except SQLAlchemyError as exc:  # a store not migrated yet: every lookup is a miss
            log.warning("client registry not loaded: %s", exc)

    def keep_fresh(self) -> ClientRegistry:
        """Reload every ``refresh_s`` on a daemon thread until :meth:`close`; returns self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="smartborder-client-registry", daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.refresh_s):
            try:
                self.reload()
            except SQLAlchemyError as exc:  # keep the last view; the store may come back
                log.warning("client registry reload failed: %s", exc)

    def reload(self) -> None:
        """Replace the view with the store's client table."""
        started = time.monotonic()
        with self._sessions() as session:
            fresh = repo.client_states(session)
        with self._lock:
            for client_id, (enabled, at) in list(self._changes.items()):
                if at >= started:
                    fresh[client_id] = enabled
                else:
                    del self._changes[client_id]  # the store has it now
            self._enabled = fresh

    def is_enabled(self, client_id: str) -> bool:
        """Whether ``client_id`` exists and is enabled (a dict lookup; the store on a miss)."""
        enabled = self._enabled.get(client_id)
        if enabled is None:
            with self._sessions() as session:
                row = repo.get_client(session, client_id)
                enabled = bool(row is not None and row.active)
            with self._lock:
                self._enabled.setdefault(client_id, enabled)
        return enabled

    def note(self, client_id: str, *, enabled: bool) -> None:
        """Record a change this process just committed (disable, enable, delete, create)."""
        with self._lock:
            self._changes[client_id] = (enabled, time.monotonic())
            self._enabled[client_id] = enabled

    def forget(self, client_id: str) -> None:
        """The client was disabled or deleted: its tokens stop working in this process now."""
        self.note(client_id, enabled=False)
