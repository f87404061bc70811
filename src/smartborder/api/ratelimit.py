"""Rate limits per client address (public endpoints, the token endpoint) and per client id.

Built on the ``limits`` library: a moving window (exact: at most N requests in any
:data:`WINDOW_S` seconds; its sliding-window counter rounds down and, at small N, lets twice
as many through across a window boundary) in its in-process ``MemoryStorage``. That storage
drops a key's entries once they leave the window (its own timer thread), so it holds only
what arrived in the last window; to bound it outright, against a sweep from many addresses
(an IPv6 /64 is 2**64 of them), a limit that holds more than :data:`MAX_KEYS` keys starts
afresh. Starting afresh forgets everyone's count once; a caller that could fill the table
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
from limits.strategies import MovingWindowRateLimiter

from smartborder.config import Settings
from smartborder.errors import RateLimited
from smartborder.i18n import Text

log = logging.getLogger("smartborder.api")

MAX_KEYS = 20_000  # ≈ 10 MB: measured ≈ 480 bytes a key with one request in its window
TOKENS_PER_MIN_PER_WORKER = 600
WINDOW_S = 10  # a per-minute rate is enforced as a sixth of it per 10 s: the burst allowed


class RateLimit:
    """At most ``per_minute`` requests a minute per key, in bursts of ``per_minute / 6``."""

    def __init__(self, per_minute: int, *, max_keys: int = MAX_KEYS) -> None:
        self.per_minute = per_minute
        self._item = RateLimitItemPerSecond(max(1, per_minute // 6), WINDOW_S)
        self.max_keys = max_keys
        self._fresh()

    def _fresh(self) -> None:
        # A new table, not MemoryStorage.reset(): its sweeping thread may be mid-way through
        # the old one.
        self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)

    def take(self, *key: str) -> float:
        """Count one request of ``key``; 0 if allowed, else the seconds to wait."""
        if len(self._storage.events) > self.max_keys:
            log.warning("rate limit table over %d keys: starting afresh", self.max_keys)
            self._fresh()
        if self._limiter.hit(self._item, *key):
            return 0.0
        reset_at = self._limiter.get_window_stats(self._item, *key).reset_time
        return max(0.1, reset_at - time.time())

    @property
    def keys(self) -> int:
        """How many keys the table holds now."""
        return len(self._storage.events)


def install(app: FastAPI, settings: Settings) -> None:
    """The node's limits: public endpoints per address, the token endpoint per address and
    per client id (each attempt there costs an scrypt, ~50 ms of CPU)."""
    app.state.public_limit = RateLimit(settings.public_rate_limit_per_min)
    app.state.token_limit_by_address = RateLimit(settings.token_rate_limit_per_min)
    app.state.token_limit_by_client = RateLimit(max(6, settings.token_rate_limit_per_min // 2))
    # And for the whole worker: guessers on many addresses still get at most this many
    # scrypt hashes (~0.6 of a core at ~60 ms each); a client needs one token per 15 min.
    app.state.token_limit_all = RateLimit(TOKENS_PER_MIN_PER_WORKER)


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
