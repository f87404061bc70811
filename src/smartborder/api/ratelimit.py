"""Rate limits per client address (public endpoints, the token endpoint) and per client id.

Built on the ``limits`` library: a sliding-window counter (two counters per key, so memory per
address is constant) in its in-process ``MemoryStorage``. That storage forgets a key once
its window has passed, so it holds only the addresses seen in the last two windows; to bound
it outright, against a sweep from many addresses (an IPv6 /64 is 2**64 of them), a limit that
holds more than :data:`MAX_KEYS` keys starts afresh (measured ≈ 340 bytes a key, so ≈ 17 MB at
most). Starting afresh forgets everyone's count once; a caller that could fill the table
already had as many addresses as it liked.

Per node on purpose: API nodes are stateless, and a shared limiter would add a network hop
to every public read; the configured rates are therefore per node (and per worker process).
Behind a proxy, run uvicorn with ``--proxy-headers`` so the address is the caller's.
"""

from __future__ import annotations

import logging
import time

from fastapi import FastAPI, Request
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from smartborder.config import Settings
from smartborder.errors import RateLimited
from smartborder.i18n import Text

log = logging.getLogger("smartborder.api")

MAX_KEYS = 50_000
WINDOW_S = 10  # a per-minute rate is enforced as a sixth of it per 10 s: the burst allowed


class RateLimit:
    """At most ``per_minute`` requests a minute per key, in bursts of ``per_minute / 6``."""

    def __init__(self, per_minute: int, *, max_keys: int = MAX_KEYS) -> None:
        self.per_minute = per_minute
        self._item = RateLimitItemPerSecond(max(1, per_minute // 6), WINDOW_S)
        self._storage = MemoryStorage()
        self._limiter = SlidingWindowCounterRateLimiter(self._storage)
        self.max_keys = max_keys

    def take(self, *key: str) -> float:
        """Count one request of ``key``; 0 if allowed, else the seconds to wait."""
        if len(self._storage.storage) > self.max_keys:
            log.warning("rate limit table over %d keys: starting afresh", self.max_keys)
            self._storage.reset()
        if self._limiter.hit(self._item, *key):
            return 0.0
        reset_at = self._limiter.get_window_stats(self._item, *key).reset_time
        return max(0.1, reset_at - time.time())

    @property
    def keys(self) -> int:
        """How many counters the table holds now (two per recent key at most)."""
        return len(self._storage.storage)


def install(app: FastAPI, settings: Settings) -> None:
    """The node's limits: public endpoints per address, the token endpoint per address and
    per client id (each attempt there costs an scrypt, ~50 ms of CPU)."""
    app.state.public_limit = RateLimit(settings.public_rate_limit_per_min)
    app.state.token_limit_by_address = RateLimit(settings.token_rate_limit_per_min)
    app.state.token_limit_by_client = RateLimit(max(6, settings.token_rate_limit_per_min // 2))


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def refuse(wait_s: float, who: str) -> RateLimited:
    """The 429 problem for ``who`` (an address or a client id): ``retry_after_s`` beside the
    ``Retry-After`` header the problem renderer adds."""
    return RateLimited(
        Text(
            f"Too many requests from {who}; retry in {wait_s:.1f} s.",
            f"Demasiadas solicitudes desde {who}; reintente en {wait_s:.1f} s.",
        ),
        extra={"retry_after_s": round(wait_s, 1)},
    )


async def public_rate_limit(request: Request) -> None:
    """Dependency for public routes: 429 problem with ``retry_after_s`` when over the limit."""
    limit: RateLimit = request.app.state.public_limit
    key = address_of(request)
    wait = limit.take("public", key)
    if wait > 0:
        raise refuse(wait, key)
