"""One background loop per node for work that must not run twice at once: the outbox's
delivery and the application of documents received.

Several worker processes of one node may each start the loop; the one holding an ``flock`` on
a file in the node's home runs its rounds, the others stand by and take over if it exits.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("smartborder.exchange")

IDLE_POLL_S = 0.2  # how often an idle leader looks for work another worker queued
STANDBY_S = 1.0  # how often a worker standing by tries to become the leader
# How long the exchange's loops gather documents after a round of fewer than GATHER_BELOW: a
# round has a fixed cost, so applying trips one per round cost 3.0 ms of CPU per trip, 20 per
# round 0.55 ms and 100 per round 0.50 ms (measured 2026-12-08 on two nodes in process, as in
# tests/exchange); 0.1 s per hop is a twentieth of the 2 s delivery-lag budget (issue 12).
GATHER_S = 0.1
GATHER_BELOW = 20


class LeaderLoop:
    """Runs ``round_`` (which answers how much it did) on a daemon thread, again at once
    while it finds work, else at the next :meth:`notify` or after :data:`IDLE_POLL_S`."""

    def __init__(
        self,
        name: str,
        lock_path: Path,
        round_: Callable[[], int],
        *,
        gather_s: float = GATHER_S,
        full: int = GATHER_BELOW,
    ) -> None:
        self.name = name
        self.lock_path = lock_path
        self.round = round_
        # After a round smaller than ``full``, or a wake-up from idle, wait ``gather_s`` so
        # what arrives meanwhile goes in the next round: a round has a fixed cost (reads, the
        # write lock, a commit) that a trickle of single documents pays each time.
        self.gather_s = gather_s
        self.full = full
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def notify(self) -> None:
        """Work was queued: run a round now rather than at the next poll."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
            self._thread = None

    def _run(self) -> None:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while not self._stop.is_set():
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # another worker leads; stand by
                    self._stop.wait(STANDBY_S)
                    continue
                try:
                    self._lead()
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _lead(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.round()
            except Exception:  # the store is down, say: keep the thread, try again soon
                log.warning("%s: round failed", self.name, exc_info=True)
                done = 0
            if done == 0:
                woken = self._wake.wait(IDLE_POLL_S)
                self._wake.clear()
                if woken and self.gather_s:
                    self._stop.wait(self.gather_s)
            elif done < self.full and self.gather_s:
                self._stop.wait(self.gather_s)
