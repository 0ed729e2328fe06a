"""The outbox as seen by whoever delivers it: claim, mark sent, retry, park."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.ports.records import OutboxItem
from bot.ports.storage import Storage

MAX_BACKOFF = timedelta(minutes=10)


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at 10 minutes."""
    return min(timedelta(seconds=5 * 2 ** min(attempts, 10)), MAX_BACKOFF)


class OutboxSignal:
    """Set when this process queued news, so the notifier need not ask the store otherwise."""

    def __init__(self) -> None:
        self.dirty = True  # whatever was queued before we started

    def mark(self) -> None:
        """Something was queued."""
        self.dirty = True


class NotificationService:
    """Reads and updates the outbox; never decides what to say."""

    def __init__(self, store: Storage, clock: Clock, signal: OutboxSignal | None = None) -> None:
        self.store = store
        self.clock = clock
        self.signal = signal or OutboxSignal()

    async def pending(self, limit: int = 50) -> list[OutboxItem]:
        """Notifications ready to go now, oldest first."""
        async with self.store.read() as tx:
            return await tx.pending_outbox(self.clock.now(), limit)

    async def sent(self, items: list[OutboxItem]) -> None:
        """These reached Telegram."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            for item in items:
                await tx.mark_outbox_sent(item.id, now)

    async def failed(self, items: list[OutboxItem], error: str) -> None:
        """Telegram refused these for good, even in a reduced form: never retried."""
        async with self.store.transaction() as tx:
            for item in items:
                await tx.fail_outbox(item.id, error)

    async def retry(
        self, items: list[OutboxItem], error: str, after: timedelta | None = None
    ) -> datetime:
        """Try again later (after Telegram's retry_after, or with backoff); returns when."""
        now = self.clock.now()
        wait = after if after is not None else backoff(max(i.attempts for i in items))
        async with self.store.transaction() as tx:
            for item in items:
                await tx.retry_outbox(item.id, now + wait, error)
        return now + wait

    async def notify(
        self, recipient_id: int, kind: str, order_id: str | None, **payload: Any
    ) -> None:
        """Queue a notification that is not the result of a transition."""
        async with self.store.transaction() as tx:
            await tx.add_outbox(
                order_id, recipient_id, kind, {"event": kind, **payload}, self.clock.now()
            )
        self.signal.mark()

    async def queued_since(
        self, order_id: str, recipient_id: int, kind: str, since: datetime
    ) -> bool:
        """True if `kind` news about the order was queued for `recipient_id` at or after `since`."""
        async with self.store.read() as tx:
            items = await tx.outbox_for(order_id)
        return any(
            i.recipient_id == recipient_id and i.kind == kind and i.created_at >= since
            for i in items
        )

    async def next_at(self) -> datetime | None:
        """When the next pending notification becomes ready."""
        async with self.store.read() as tx:
            return await tx.next_outbox_at()
