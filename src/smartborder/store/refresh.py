"""A view of the store kept fresh in the background: a generation polled every second.

A process that decides from something other processes change (the plans in force, the risk
model that decides) keeps that thing in memory and reloads it only when a cheap *generation*
read from the store has changed. :class:`Refresher` is that loop, shared by its users: it calls
``reload()`` every ``refresh_s`` on a daemon thread until :meth:`close`; ``reload`` reads the
generation and does the expensive part only if it changed. A failed reload keeps the last view
(the store may come back) and is logged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("smartborder.store")

REFRESH_S = 1.0


class Refresher:
    """Calls ``reload`` every ``refresh_s`` seconds on a daemon thread named ``name``."""

    def __init__(
        self, name: str, reload: Callable[[], object], *, refresh_s: float = REFRESH_S
    ) -> None:
        self.name = name
        self.refresh_s = refresh_s
        self._reload = reload
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        """Start polling (once; a second call does nothing)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.refresh_s):
            try:
                self._reload()
            except Exception as exc:  # keep the last view; the store may come back
                log.warning("%s: reload failed: %s", self.name, exc)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


__all__ = ["REFRESH_S", "Refresher"]
