"""The wake-up job: one APScheduler job (PTB's JobQueue) at the next due time, never more.

Deadlines live in the store; this only knows when to look next. It decides nothing: the
sweep applies what is due through the core. On start it runs at once, which is how a
restart catches up on everything that fell due while the bot was down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock

log = logging.getLogger(__name__)

JOB_NAME = "kchat-deadline-sweep"


class _Sweeper(Protocol):
    async def sweep(self, max_batches: int | None = None) -> Any: ...

    async def next_due_at(self) -> datetime | None: ...


class JobQueueLike(Protocol):
    """The part of PTB's JobQueue this uses."""

    def run_once(
        self,
        callback: Callable[[Any], Coroutine[Any, Any, Any]],
        when: float,
        *,
        name: str | None = None,
    ) -> Any: ...


class WakeUp:
    """Keeps exactly one pending wake-up job, at the earliest of next-due and a safety poll."""

    def __init__(
        self,
        sweeper: _Sweeper,
        clock: Clock,
        *,
        poll: timedelta = timedelta(seconds=60),
        after_sweep: Callable[[], Awaitable[object]] | None = None,
        also_wake_at: Callable[[], Awaitable[datetime | None]] | None = None,
    ) -> None:
        self._sweeper = sweeper
        self._clock = clock
        # Another process (the CLI intake) can add deadlines we are not told about.
        self._poll = poll
        self._after_sweep = after_sweep
        # Other timed work that rides on the same job (notifications waiting to retry).
        self._also_wake_at = also_wake_at
        self._queue: JobQueueLike | None = None
        self._job: Any = None
        self._job_at: datetime | None = None

    def attach(self, queue: JobQueueLike) -> None:
        """Start: sweep at once (the catch-up after downtime), then follow the deadlines."""
        self._queue = queue
        self._schedule(0.0)

    def poke(self) -> None:
        """Something changed: sweep soon (coalesced with a wake-up already due sooner)."""
        if self._queue is None:
            return
        if self._job_at is not None and self._job_at <= self._clock.now():
            return
        self._schedule(0.0)

    def _schedule(self, delay_s: float) -> None:
        assert self._queue is not None
        if self._job is not None:
            try:
                self._job.schedule_removal()
            except Exception:  # already ran or removed
                log.debug("wake-up job already gone")
        self._job_at = self._clock.now() + timedelta(seconds=delay_s)
        self._job = self._queue.run_once(self._run, when=max(delay_s, 0.0), name=JOB_NAME)

    async def _run(self, _context: Any) -> None:
        self._job = None
        self._job_at = None
        try:
            report = await self._sweeper.sweep()
            if report.total:
                log.info("deadline sweep: %s", report)
            if self._after_sweep is not None:
                await self._after_sweep()
        except Exception:
            log.exception("deadline sweep failed; will retry")
        finally:
            self._schedule(await self._next_delay())

    async def _next_delay(self) -> float:
        try:
            times = [await self._sweeper.next_due_at()]
            if self._also_wake_at is not None:
                times.append(await self._also_wake_at())
        except Exception:  # the store may be closing at shutdown
            return self._poll.total_seconds()
        wait = self._poll
        for due in times:
            if due is not None:
                wait = min(wait, max(due - self._clock.now(), timedelta(0)))
        return wait.total_seconds()
