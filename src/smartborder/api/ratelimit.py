"""A token-bucket rate limit for public endpoints, per client address and node.

Per node on purpose: API nodes are stateless, and a shared limiter would add a network hop
to every public read; the configured rate is therefore per node.
"""

from __future__ import annotations

import time
from threading import Lock

from fastapi import Request

from smartborder.errors import RateLimited
from smartborder.i18n import Text


class TokenBucket:
    def __init__(self, per_minute: int, *, burst: int | None = None) -> None:
        self.rate_per_s = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, per_minute // 6))
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = Lock()

    def take(self, key: str, *, now: float | None = None) -> float:
        """Take one token for ``key``; return 0 if allowed, else the seconds to wait."""
        t = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, t))
            tokens = min(self.capacity, tokens + (t - last) * self.rate_per_s)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, t)
                return 0.0
            self._buckets[key] = (tokens, t)
            return (1.0 - tokens) / self.rate_per_s


async def public_rate_limit(request: Request) -> None:
    """Dependency for public routes: 429 problem with ``retry_after_s`` when over the limit."""
    bucket: TokenBucket = request.app.state.public_bucket
    key = request.client.host if request.client else "unknown"
    wait = bucket.take(key)
    if wait > 0:
        raise RateLimited(
            Text(
                f"Too many requests from {key}; retry in {wait:.1f} s.",
                f"Demasiadas solicitudes desde {key}; reintente en {wait:.1f} s.",
            ),
            extra={"retry_after_s": round(wait, 1)},
        )
