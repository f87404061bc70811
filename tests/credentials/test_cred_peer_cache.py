"""PeerCache: peers' status lists and DID documents come from memory; fetching happens in the
background, and a decision waits for a missing one only briefly and only on a peer that answers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from smartborder.credentials import PeerCache, Peers
from smartborder.credentials.errors import StatusListUnavailable

ANAM = "https://anam.example"
LIST = f"{ANAM}/credentials/status-lists/exporter-1-revocation"
OTHER = f"{ANAM}/credentials/status-lists/exporter-1-suspension"


class Peer:
    """A mock peer whose answers wait for ``gate`` (set: answers at once)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.requests: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        self.gate.wait(10)
        return httpx.Response(200, text=f"jwt-of-{request.url.path.rsplit('/', 1)[-1]}")


@pytest.fixture
def peer() -> Iterator[Peer]:
    p = Peer()
    yield p
    p.gate.set()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cache(peer: Peer, **kwargs: object) -> PeerCache:
    client = httpx.Client(transport=httpx.MockTransport(peer.handle))
    return PeerCache(Peers([ANAM], client=client), **kwargs)  # type: ignore[arg-type]


def test_a_peer_that_answers_within_the_wait_is_read_on_the_first_decision(peer: Peer) -> None:
    cache = _cache(peer, miss_wait_s=2.0)
    try:
        assert cache.status_list(LIST) == "jwt-of-exporter-1-revocation"
        assert cache.status_list(LIST) == "jwt-of-exporter-1-revocation"
        assert cache.fetches == 1  # the second read is from memory
    finally:
        cache.close()


def test_a_slow_peer_costs_one_bounded_wait_then_none(peer: Peer) -> None:
    peer.gate.clear()
    cache = _cache(peer, miss_wait_s=0.3, per_peer=1)
    try:
        t0 = time.perf_counter()
        with pytest.raises(StatusListUnavailable) as first:
            cache.status_list(LIST)
        waited = time.perf_counter() - t0
        assert "being fetched in the background" in first.value.message.en
        assert "segundo plano" in first.value.message.es
        t0 = time.perf_counter()
        with pytest.raises(StatusListUnavailable):
            cache.status_list(LIST)  # the fetch is outstanding past the wait: no waiting
        with pytest.raises(StatusListUnavailable):
            cache.status_list(OTHER)  # nor for another list of the same peer
        again = time.perf_counter() - t0
        assert waited >= 0.3 and again < waited / 2
        assert peer.requests == [LIST]  # one fetch in flight per peer (per_peer=1)
        peer.gate.set()
        deadline = time.monotonic() + 5
        while cache.fetches < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert cache.status_list(LIST) == "jwt-of-exporter-1-revocation"
    finally:
        cache.close()


def test_entries_are_refreshed_in_the_background_before_they_expire(peer: Peer) -> None:
    clock = Clock()
    cache = _cache(peer, miss_wait_s=2.0, status_ttl_s=60.0, clock=clock)
    try:
        cache.status_list(LIST)
        clock.now += 20
        assert cache.refresh_due() == 0  # not yet half its time-to-live
        clock.now += 15
        assert cache.refresh_due() == 1
        deadline = time.monotonic() + 5
        while cache.fetches < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        clock.now += 40  # 75 s after the first fetch, 40 s after the refresh: still fresh
        assert cache.status_list(LIST) == "jwt-of-exporter-1-revocation"
        assert len(peer.requests) == 2
    finally:
        cache.close()


def test_a_url_outside_the_peers_is_never_fetched(peer: Peer) -> None:
    cache = _cache(peer, miss_wait_s=0.5)
    try:
        with pytest.raises(StatusListUnavailable):
            cache.status_list("http://169.254.169.254/latest/meta-data")
        assert peer.requests == []
    finally:
        cache.close()
