"""Telegram's send budget belongs to the bot, not to one instance: instances on one database
split it.

Every instance renews its row in the database every BEAT and counts the instances alive;
its rate limiter then keeps to budget / alive. An instance that stops leaves at once, so
the others take its share at their next beat; one that dies stops counting when its row
runs out (ALIVE_FOR after its last beat). A new instance counts itself before it sends
anything, and the others see it within a beat: for at most that long the bot may send
above the budget, which Telegram answers with 429s that the limiter waits out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.metrics import Metrics
from bot.services.inbox import InboxService
from handlers.outbound_lanes import LaneRateLimiter

log = logging.getLogger(__name__)

BEAT = timedelta(seconds=2)
ALIVE_FOR = timedelta(seconds=10)


class SendShare:
    """This instance's part of the send budget, kept up to date in the background."""

    def __init__(self, beat: timedelta = BEAT, alive_for: timedelta = ALIVE_FOR) -> None:
        self.every = beat
        self.alive_for = alive_for
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def beat(
        self, inbox: InboxService, limiter: LaneRateLimiter, metrics: Metrics | None = None
    ) -> int:
        """Say this instance is alive, and keep to its share of the budget; how many
        instances share it."""
        alive = await inbox.beat(self.alive_for)
        limiter.share(alive)
        if metrics is not None:
            metrics.sharing(alive, limiter.budget)
        return alive

    async def start(
        self, inbox: InboxService, limiter: LaneRateLimiter, metrics: Metrics | None = None
    ) -> None:
        """Count this instance at once (before it sends), then keep beating in the background."""
        await self.beat(inbox, limiter, metrics)
        self._stop.clear()
        self._task = asyncio.create_task(self._run(inbox, limiter, metrics), name="send-share")

    async def stop(self, inbox: InboxService | None) -> None:
        """Stop beating and leave, so the others take this instance's share now."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        await task
        if inbox is not None:
            try:
                await inbox.leave()
            except Exception:  # the database is gone: the row runs out by itself
                log.warning("could not leave the instances' table", exc_info=True)

    async def _run(
        self, inbox: InboxService, limiter: LaneRateLimiter, metrics: Metrics | None
    ) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every.total_seconds())
            if self._stop.is_set():
                return
            try:
                await self.beat(inbox, limiter, metrics)
            except Exception:
                # The database is unreachable for a moment: keep the share last seen (the
                # others, if any, see this one's row until it runs out).
                log.warning("could not renew this instance's share of the budget", exc_info=True)
