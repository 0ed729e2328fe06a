"""Group commit: concurrent writers share one durable transaction, each waits for its own.

A leader commits everything queued meanwhile, looping until the queue is empty; the others
just wait for the commit that holds their work. Nobody returns before their row is on disk
(synchronous=FULL), but a burst of messages costs one fsync instead of one each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

R = TypeVar("R")


Bulk = Callable[[Any, Sequence[Any]], Awaitable[Sequence[Any]]]


class SharedTransaction:
    """Group commit for units of work: concurrent callers' units run in one transaction.

    Units queue in call order and a leader task commits whatever queued meanwhile, so a
    burst costs one fsync. `run` waits for its unit's commit; `submit` does not (its unit
    still commits before any unit queued after it). A frequent kind of unit can be a
    `bulk`: `bulk(tx, args)` handles all of a batch's args at once (one statement for many
    rows instead of one each); bulks run first, in the order given, then the other units in
    call order. A unit that raises fails its whole batch (nothing of it is committed), and
    every caller in it gets that error.
    """

    def __init__(
        self,
        begin: Callable[[], Any],
        after_commit: Callable[[], None] | None = None,
        bulks: Sequence[Bulk] = (),
    ) -> None:
        self._begin = begin  # () -> async context manager yielding the transaction
        self._after_commit = after_commit
        self._bulks = list(bulks)
        self._queue: list[tuple[Any, Any, asyncio.Future[Any]]] = []
        self._leader: asyncio.Task[None] | None = None

    def submit(self, work: Callable[[Any], Awaitable[Any]]) -> asyncio.Future[Any]:
        """Queue `work(tx)`; the future is done once its transaction committed."""
        return self._add(None, work)

    def submit_bulk(self, bulk: Bulk, arg: Any) -> asyncio.Future[Any]:
        """Queue `arg` for `bulk` (one of those given at construction)."""
        assert bulk in self._bulks
        return self._add(bulk, arg)

    def _add(self, bulk: Bulk | None, arg: Any) -> asyncio.Future[Any]:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((bulk, arg, done))
        if self._leader is None or self._leader.done():
            self._leader = asyncio.ensure_future(self._lead())
        return done

    async def run(self, work: Callable[[Any], Awaitable[R]]) -> R:
        """Run `work(tx)` in a shared transaction; its result once committed."""
        result: R = await self.submit(work)
        return result

    async def settled(self) -> None:
        """Return once everything queued so far is committed (or failed)."""
        while self._leader is not None and not self._leader.done():
            await asyncio.wait([self._leader])

    async def _lead(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                results: list[Any] = [None] * len(batch)
                async with self._begin() as tx:
                    for bulk in self._bulks:
                        mine = [i for i, (b, _, _) in enumerate(batch) if b == bulk]
                        if mine:
                            out = await bulk(tx, [batch[i][1] for i in mine])
                            for i, value in zip(mine, out, strict=True):
                                results[i] = value
                    for i, (b, unit, _) in enumerate(batch):
                        if b is None:
                            results[i] = await unit(tx)
            except Exception as exc:
                for _, _, fut in batch:
                    if not fut.done():
                        fut.set_exception(exc)
                continue
            if self._after_commit is not None:
                self._after_commit()
            for (_, _, fut), value in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(value)
