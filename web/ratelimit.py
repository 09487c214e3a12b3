"""Rate limiting per client address with `limits` (a moving window kept in memory): a client over
its rate gets 429 with Retry-After. One process serves the API, so memory is the right store."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimit:
    def __init__(self, rate: str = "120/minute") -> None:
        self.item: RateLimitItem = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str) -> int | None:
        """Count one request of `client`; None when allowed, else the seconds to wait."""
        if self.limiter.hit(self.item, client):
            return None
        stats = self.limiter.get_window_stats(self.item, client)
        return max(1, math.ceil(stats.reset_time - time.time()))
