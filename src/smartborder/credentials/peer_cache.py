"""Peer nodes' DID documents and status lists, fetched in the background, read from memory.

Pre-clearance decides on the event loop, so a decision must never wait on another node: one
slow or hanging peer would stall every decision of the worker. :class:`PeerCache` keeps what
decisions need from peers — their ``did:web`` DID documents and status list credentials — in
memory. A decision reads the cache; what is missing is fetched by a small pool of background
threads, and a refresher thread re-fetches each entry before it expires.

On a miss a decision waits at most ``miss_wait_s`` (default 0.1 s), and only while the peer is
answering: when its last fetch failed, or a fetch from it has been outstanding longer than
that, decisions do not wait at all. Then the DID document raises :class:`DidUnreachable` and
the status list :class:`StatusListUnavailable`, each saying the peer has not answered yet;
pre-clearance turns them into a documentary review (never an inspection, never a release:
the credential could not be checked yet). At most ``per_peer`` fetches per peer are in flight,
so a hanging peer cannot take the pool from the others.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

from smartborder.credentials.errors import DidUnreachable, StatusListUnavailable
from smartborder.credentials.peers import Peers
from smartborder.errors import SmartBorderError
from smartborder.i18n import Text

log = logging.getLogger(__name__)

Kind = Literal["did", "status"]


@dataclass(slots=True)
class _Entry:
    fetched_at: float
    value: Any = None
    error: SmartBorderError | None = None


@dataclass(slots=True)
class _Flight:
    peer: str
    started_at: float
    future: Future[None]


class PeerCache:
    """DID documents (by DID) and status list credentials (by URL) of ``peers``, kept fresh
    in the background; see the module docstring. ``start`` / ``stop`` run the refresher;
    misses are fetched whether or not it runs."""

    def __init__(
        self,
        peers: Peers,
        *,
        did_ttl_s: float = 300.0,
        status_ttl_s: float = 60.0,
        failure_ttl_s: float = 10.0,
        miss_wait_s: float = 0.1,
        workers: int = 4,
        per_peer: int = 2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.peers = peers
        self._ttl: dict[Kind, float] = {"did": did_ttl_s, "status": status_ttl_s}
        self._failure_ttl = failure_ttl_s
        self.miss_wait_s = miss_wait_s
        self._workers = workers
        self._per_peer = per_peer
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[Kind, str], _Entry] = {}
        self._flights: dict[tuple[Kind, str], _Flight] = {}
        self._failing: set[str] = set()  # peers whose last fetch failed
        self._pool: ThreadPoolExecutor | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fetches = 0

    # --- what decisions read ------------------------------------------------------------------

    def did_document(self, did: str) -> dict[str, Any]:
        """The DID document of a peer's ``did:web`` (for a :class:`DidResolver`'s ``web_fetch``)."""
        did = did.split("#", 1)[0]
        value: dict[str, Any] = self._read("did", did)
        return value

    def status_list(self, url: str) -> str:
        """The status list credential published at ``url`` on a peer (its ``vc+jwt`` text)."""
        value: str = self._read("status", url)
        return value

    def _read(self, kind: Kind, key: str) -> Any:
        if self._peer_of(kind, key) is None:  # refused without a request
            if kind == "status":
                return self.peers.status_list(key)
            raise DidUnreachable(
                Text(f"{key} is not a peer node's DID.", f"{key} no es un DID de un nodo par."),
                extra={"did": key},
            )
        now = self._clock()
        entry = self._entries.get((kind, key))
        if entry is None or now - entry.fetched_at >= self._ttl_of(entry, kind):
            flight = self._ensure_fetch(kind, key)
            if flight is not None and self._may_wait(flight, now):
                done = _wait(flight.future, self.miss_wait_s)
                if done:
                    entry = self._entries.get((kind, key))
            if entry is None or self._clock() - entry.fetched_at >= self._ttl_of(entry, kind):
                raise self._not_yet(kind, key)
        if entry.error is not None:
            raise entry.error
        return entry.value

    def _ttl_of(self, entry: _Entry, kind: Kind) -> float:
        return self._failure_ttl if entry.error is not None else self._ttl[kind]

    def _may_wait(self, flight: _Flight, now: float) -> bool:
        if self.miss_wait_s <= 0 or flight.peer in self._failing:
            return False
        with self._lock:
            return not any(
                f.peer == flight.peer and now - f.started_at > self.miss_wait_s
                for f in self._flights.values()
            )

    def _not_yet(self, kind: Kind, key: str) -> SmartBorderError:
        peer = self._peer_of(kind, key) or key
        if kind == "did":
            return DidUnreachable(
                Text(
                    f"The DID document of {key} has not been fetched from the peer node {peer} "
                    "yet (it is being fetched in the background).",
                    f"Aún no se ha obtenido el documento DID de {key} del nodo par {peer} "
                    "(se está obteniendo en segundo plano).",
                ),
                extra={"did": key},
            )
        return StatusListUnavailable(
            Text(
                f"The status list {key} has not been fetched from the peer node {peer} yet "
                "(it is being fetched in the background).",
                f"Aún no se ha obtenido la lista de estado {key} del nodo par {peer} "
                "(se está obteniendo en segundo plano).",
            )
        )

    # --- fetching -----------------------------------------------------------------------------

    def _peer_of(self, kind: Kind, key: str) -> str | None:
        url = self.peers.did_url(key) if kind == "did" else key
        if url is None:
            return None
        return next((b for b in self.peers.bases if url.startswith(b)), None)

    def _ensure_fetch(self, kind: Kind, key: str) -> _Flight | None:
        """The fetch of ``key`` in flight, starting one unless the peer has enough in flight."""
        peer = self._peer_of(kind, key)
        if peer is None:
            return None
        with self._lock:
            flight = self._flights.get((kind, key))
            if flight is not None:
                return flight
            if sum(f.peer == peer for f in self._flights.values()) >= self._per_peer:
                return None
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self._workers, thread_name_prefix="smartborder-peer"
                )
            future: Future[None] = Future()
            flight = self._flights[(kind, key)] = _Flight(peer, self._clock(), future)
        self._pool.submit(self._fetch, kind, key, flight)
        return flight

    def _fetch(self, kind: Kind, key: str, flight: _Flight) -> None:
        try:
            if kind == "did":
                value: Any = self.peers.did_document(key)
            else:
                value = self.peers.status_list(key)
            entry = _Entry(self._clock(), value)
            failed = False
        except SmartBorderError as exc:
            entry, failed = _Entry(self._clock(), error=exc), True
        except Exception as exc:  # a transport failure is "unavailable", never "valid"
            log.warning("fetching %s from a peer failed: %s", key, exc)
            entry, failed = _Entry(self._clock(), error=self._not_yet(kind, key)), True
        with self._lock:
            self.fetches += 1
            old = self._entries.get((kind, key))
            # A failed refresh keeps a good entry until it expires (the peer may come back).
            if not (failed and old is not None and old.error is None):
                self._entries[(kind, key)] = entry
            (self._failing.add if failed else self._failing.discard)(flight.peer)
            self._flights.pop((kind, key), None)
        _settle(flight.future)

    def invalidate(self) -> None:
        """Forget every entry and fetch them again now (after a peer changed a status list):
        until a fetch lands, a read of it is a miss."""
        with self._lock:
            keys = list(self._entries)
            self._entries.clear()
        for kind, key in keys:
            self._ensure_fetch(kind, key)

    # --- the refresher ------------------------------------------------------------------------

    def refresh_due(self) -> int:
        """Start a fetch of every entry past half its time-to-live; how many were started."""
        now = self._clock()
        with self._lock:
            due = [
                k
                for k, e in self._entries.items()
                if now - e.fetched_at >= self._ttl_of(e, k[0]) / 2 and k not in self._flights
            ]
        return sum(self._ensure_fetch(kind, key) is not None for kind, key in due)

    def start(self, *, tick_s: float = 1.0) -> None:
        """Refresh entries in a daemon thread every ``tick_s`` seconds (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()

        def run() -> None:
            while not self._stop.wait(tick_s):
                try:
                    self.refresh_due()
                except Exception:  # keep refreshing; entries expire on their own
                    log.exception("peer cache refresh failed")

        self._thread = threading.Thread(target=run, name="smartborder-peer-cache", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the refresher and drop the fetch pool (fetches in flight finish on their own)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout_s)
        with self._lock:
            pool, self._pool = self._pool, None
            flights = list(self._flights.values())
            self._flights.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        for flight in flights:  # a cancelled fetch never sets its future: nobody waits on it
            _settle(flight.future)

    close = stop


def _settle(future: Future[None]) -> None:
    with contextlib.suppress(InvalidStateError):  # settled already: stop and the fetch raced
        future.set_result(None)


def _wait(future: Future[None], timeout_s: float) -> bool:
    try:
        future.result(timeout=timeout_s)
    except TimeoutError:
        return False
    return True


__all__ = ["PeerCache"]
