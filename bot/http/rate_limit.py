"""Per-key request budget of the marketplace API: a token bucket per key, in this process.

Each key may make `per_minute` requests a minute, in bursts up to that many; beyond it the
answer is 429 with Retry-After (whole seconds until one request is allowed again). Several
instances each keep their own buckets: the limit is per instance.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimit:
    """Token buckets by key id."""

    def __init__(self, per_minute: int, now: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._rate = per_minute / 60.0
        self._now = now
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key_id: str) -> int:
        """Spend one request of `key_id`'s budget: 0 if allowed, else seconds to wait."""
        now = self._now()
        tokens, at = self._buckets.get(key_id, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * self._rate)
        if tokens >= 1.0:
            self._buckets[key_id] = (tokens - 1.0, now)
            return 0
        self._buckets[key_id] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self._rate))
