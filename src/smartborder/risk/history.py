"""The party history a node keeps in its store, so first-time rules survive restarts and
agree across worker processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from smartborder.store import risk as repo


class StorePartyHistory:
    """A :class:`~smartborder.risk.PartyHistory` over the store's ``risk_parties`` table.

    Reads are in memory: the set of keys is loaded once, then topped up with what other
    processes stored, at most every ``refresh_s`` seconds (a party another worker saw in
    that window may count once more as first-time — a conservative error). ``remember``
    only marks a key seen in this process; the key is stored with the declaration, in the
    same transaction (``records.store_many``), so a rejected write leaves nothing behind.
    On PostgreSQL a row whose transaction commits after a later-numbered one was read is
    not read by this process: that party counts once more as first-time here, then is
    remembered.
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

    def _refresh(self) -> None:
        if time.monotonic() - self._loaded_at < self._refresh_s:
            return
        with self._lock:
            if time.monotonic() - self._loaded_at < self._refresh_s:
                return
            with self._sessions()() as session:
                while rows := repo.parties_after(session, self._seq):
                    self._keys.update(k for _, k in rows)
                    self._seq = rows[-1][0]
            self._loaded_at = time.monotonic()

    def seen(self, key: str) -> bool:
        self._refresh()
        return key in self._keys

    def remember(self, key: str) -> None:
        self._keys.add(key)
