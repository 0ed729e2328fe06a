"""The per-user flood limit: a sliding window in memory, and the pace of what is delayed."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from datetime import datetime, timedelta


class FloodLimit:
    """At most `limit` updates per user per `window_s` seconds (a sliding window in memory).

    Uses a monotonic clock on purpose: this protects the process, it is not order state.
    """

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()
        self._paced: dict[int, datetime] = {}

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn_now): warn once per burst."""
        now = time.monotonic()
        hits = self._hits[user_id]
        while hits and now - hits[0] > self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            first = user_id not in self._warned
            self._warned.add(user_id)
            return False, first
        hits.append(now)
        self._warned.discard(user_id)
        return True, False

    def pace(self, user_id: int, now: datetime) -> datetime:
        """When the user's next message over the limit may go out: one every window/limit,
        after those already paced (`now` is the bot's clock: delivery is scheduled on it)."""
        step = timedelta(seconds=self.window_s / max(self.limit, 1))
        slot = max(now, self._paced.get(user_id, now)) + step
        self._paced[user_id] = slot
        return slot
