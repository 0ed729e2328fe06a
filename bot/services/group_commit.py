"""Group commit: concurrent writers share one durable transaction, each waits for its own.

The first writer to arrive becomes the leader and commits everything queued meanwhile,
looping until the queue is empty; the others just wait for the commit that holds their
row. Nobody returns before their row is on disk (synchronous=FULL), but a burst of
messages costs one fsync instead of one each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Batches `write(item)` calls into `flush(items)` calls."""

    def __init__(self, flush: Callable[[Sequence[T]], Awaitable[None]]) -> None:
        self._flush = flush
        self._queue: list[tuple[T, asyncio.Future[None]]] = []
        self._leading = False

    async def write(self, item: T) -> None:
        """Return once `item` is durably written (or raise what its batch raised)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if not self._leading:
            self._leading = True
            try:
                while self._queue:
                    batch, self._queue = self._queue, []
                    try:
                        await self._flush([i for i, _ in batch])
                    except Exception as exc:
                        for _, fut in batch:
                            if not fut.done():
                                fut.set_exception(exc)
                    else:
                        for _, fut in batch:
                            if not fut.done():
                                fut.set_result(None)
            finally:
                self._leading = False
        await done
