"""The party history a node keeps in its store, so first-time rules survive restarts and
agree across worker processes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from smartborder.store import risk as repo

log = logging.getLogger("smartborder.risk")


class StorePartyHistory:
    """A :class:`~smartborder.risk.PartyHistory` over the store's ``risk_parties`` table.

    Reads are in memory: the set of keys is loaded, then topped up with what other
    processes stored every ``refresh_s`` seconds (a party another worker saw in that window
    may count once more as first-time — a conservative error). By default the read that
    finds the keys stale does the top-up; after :meth:`keep_fresh` (a server), a background
    thread loads the keys and then tops them up, and reads query the store only while that
    first load runs (start-up does not wait for a million keys): then a key not loaded yet is
    looked up on its index, so a decision made during the load is the one it would be after. ``remember`` only marks a key seen in
    this process; the key is stored with the declaration, in the same transaction
    (``preclearance.store_many``), so a rejected write leaves nothing behind. On PostgreSQL a row
    whose transaction commits after a later-numbered one was read is not read by this
    process: that party counts once more as first-time here, then is remembered.
    """

    def __init__(
        self, sessions: Callable[[], sessionmaker[Session]], *, refresh_s: float = 5.0
    ) -> None:
        self._sessions = sessions
        self._refresh_s = refresh_s
        self._keys: set[str] = set()
        self._seq = 0
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._loaded = threading.Event()  # set once every stored key is in memory

    def refresh(self) -> None:
        """Read the parties stored since the last read, by any process."""
        with self._lock:
            self._read_new()

    def _read_new(self) -> None:
        with self._sessions()() as session:
            while rows := repo.parties_after(session, self._seq):
                self._keys.update(k for _, k in rows)
                self._seq = rows[-1][0]
        self._loaded_at = time.monotonic()

    def keep_fresh(self) -> None:
        """Load the keys on a background thread, then top them up every ``refresh_s`` seconds
        until :meth:`close`; once loaded, :meth:`seen` never waits on the store."""
        if self._thread is not None:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._refresh_until_closed, args=(self._stop,), name="party-history", daemon=True
        )
        self._thread.start()

    def wait_loaded(self, timeout_s: float | None = None) -> bool:
        """Wait until every stored key is in memory (after :meth:`keep_fresh`)."""
        return self._loaded.wait(timeout_s)

    def _refresh_until_closed(self, stop: threading.Event) -> None:
        while not self._loaded.is_set() and not stop.is_set():
            try:
                self.refresh()
                self._loaded.set()
            except Exception:  # the store is unreachable: reads look keys up meanwhile
                log.warning("party history: first load failed; retrying", exc_info=True)
                stop.wait(self._refresh_s)
        while not stop.wait(self._refresh_s):
            try:
                self.refresh()
            except Exception:  # the store is unreachable: reads keep the keys they have
                log.warning("party history: top-up failed; retrying", exc_info=True)

    def close(self) -> None:
        """Stop the background top-ups (reads go on answering from memory)."""
        if self._stop is not None and self._thread is not None:
            self._stop.set()
            self._thread.join()

    def seen(self, key: str) -> bool:
        if self._thread is None and time.monotonic() - self._loaded_at >= self._refresh_s:
            with self._lock:
                if time.monotonic() - self._loaded_at >= self._refresh_s:
                    self._read_new()
        if key in self._keys:
            return True
        if self._thread is not None and not self._loaded.is_set():
            with self._sessions()() as session:  # still loading: ask the store
                return repo.party_stored(session, key)
        return False

    def remember(self, key: str) -> None:
        self._keys.add(key)
