"""Concurrent update processing that keeps each chat's updates in order.

python-telegram-bot's concurrent processing runs updates in parallel with no ordering;
in an order chat that would reorder a person's messages and race their button taps.
Here updates of different chats run concurrently (so a slow fsync for one chat does not
hold up the others), while updates of one chat run one after another, in arrival order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_key(update: object) -> int | None:
    """The chat whose order an update keeps (its sender's, when it has no chat)."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return None


Observed = Callable[[object, float], None]
Finished = Callable[[object], Awaitable[None]]


class PerChatOrder(BaseUpdateProcessor):
    """At most `max_concurrent_updates` at once; strictly sequential within a chat.

    Every update passes here, whichever handler takes it (or none): `observe(update,
    seconds)` is told how long each took to handle, not counting its wait for its turn, and
    `finished(update)` is awaited once it was handled (the inbox marks it applied).
    """

    def __init__(
        self,
        max_concurrent_updates: int = 64,
        observe: Observed | None = None,
        finished: Finished | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._observe = observe
        self._finished = finished

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run `coroutine` after every earlier update of the same chat has finished."""
        key = chat_key(update)
        if key is None:
            await self._handle(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock is FIFO: arrival order is kept
                await self._handle(update, coroutine)
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            if self._observe is not None:
                self._observe(update, time.perf_counter() - started)
            if self._finished is not None:
                await self._finished(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
