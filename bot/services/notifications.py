"""The outbox as seen by whoever delivers it: claim, mark sent, retry, park."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.domain.events import (
    AboutTicket,
    EventKind,
    PartyNews,
    Payload,
    UnreadableEvent,
    payload_from,
)
from bot.ports.records import OutboxItem
from bot.ports.storage import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
# How long a claimed notification is left to the instance that took it before another may.
LEASE = timedelta(seconds=30)


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


@dataclass(frozen=True)
class Notice:
    """An outbox row as its deliverer sees it: the kind known, the payload typed."""

    id: int
    order_id: str | None
    recipient_id: int
    payload: Payload
    created_at: datetime
    attempts: int
    actor_id: int | None = None  # who acted, when the news is of a party's own move

    @property
    def kind(self) -> EventKind:
        """What the news is."""
        return self.payload.kind

    @property
    def ticket_id(self) -> int | None:
        """The support ticket the news is about, if any."""
        return self.payload.ticket_id if isinstance(self.payload, AboutTicket) else None

    @classmethod
    def of(cls, row: OutboxItem) -> Notice:
        """Read a stored row; UnreadableEvent if its kind or payload is not one we know."""
        actor = row.payload.get("actor_id")
        return cls(
            row.id,
            row.order_id,
            row.recipient_id,
            payload_from(row.kind, row.payload),
            row.created_at,
            row.attempts,
            actor if isinstance(actor, int) else None,
        )


class NotificationService:
    """Reads and updates the outbox; never decides what to say."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        signal: OutboxSignal | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.signal = signal or OutboxSignal()
        self.lease = lease
        self.owner = secrets.token_hex(8)  # this instance, on the leases it takes

    async def claim(self, limit: int = 50, recipient_id: int | None = None) -> list[Notice]:
        """Notifications ready to go now, oldest first, leased to this instance for
        `lease`: should it die before saying how each went, they go out after the lease.

        A row no deliverer can read (a kind this version does not know, a payload that does
        not fit its kind) would be refused on every try: it is marked failed and logged, as
        Telegram's refusals for good are, and the rows behind it go on. `recipient_id`: only
        news to that person.
        """
        ready: list[Notice] = []
        while len(ready) < limit:
            now = self.clock.now()
            async with self.store.transaction() as tx:
                rows = await tx.claim_outbox(
                    now, limit - len(ready), now + self.lease, self.owner, recipient_id
                )
            unreadable: list[tuple[OutboxItem, UnreadableEvent]] = []
            for row in rows:
                try:
                    ready.append(Notice.of(row))
                except UnreadableEvent as exc:
                    unreadable.append((row, exc))
            if not unreadable:
                break
            async with self.store.transaction() as tx:
                for row, problem in unreadable:
                    log.error(
                        "outbox %s to %s is unreadable: %s", row.id, row.recipient_id, problem
                    )
                    await tx.fail_outbox(row.id, f"unreadable: {problem}")
        return ready

    async def release(self, items: Sequence[Notice], after: timedelta = timedelta(0)) -> None:
        """Give back claimed notifications this instance did not get to (Telegram asked it to
        slow down): ready again `after` from now, without counting as a try."""
        if not items:
            return
        async with self.store.transaction() as tx:
            await tx.release_outbox([i.id for i in items], self.clock.now() + after)

    async def sent(self, items: Sequence[Notice]) -> None:
        """These reached Telegram."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            for item in items:
                await tx.mark_outbox_sent(item.id, now)

    async def failed(self, items: Sequence[Notice], error: str) -> None:
        """Telegram refused these for good, even in a reduced form: never retried."""
        async with self.store.transaction() as tx:
            for item in items:
                await tx.fail_outbox(item.id, error)

    async def retry(
        self, items: Sequence[Notice], error: str, after: timedelta | None = None
    ) -> datetime:
        """Try again later (after Telegram's retry_after, or with backoff); returns when."""
        now = self.clock.now()
        wait = after if after is not None else backoff(max(i.attempts for i in items))
        async with self.store.transaction() as tx:
            for item in items:
                await tx.retry_outbox(item.id, now + wait, error)
        return now + wait

    async def notify(
        self, recipient_id: int, news: PartyNews, order_id: str | None, **envelope: Any
    ) -> None:
        """Queue a notification that is not the result of a transition."""
        kind = news.kind.value
        payload = {"event": kind, **envelope, **news.to_dict()}
        async with self.store.transaction() as tx:
            await tx.add_outbox(order_id, recipient_id, kind, payload, self.clock.now())
        self.signal.mark()

    async def queued_since(
        self, order_id: str, recipient_id: int, kind: EventKind, since: datetime
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

    async def backlog(self) -> tuple[int, timedelta]:
        """How many notifications wait to go out, and how long the oldest of them has waited
        (zero when none does)."""
        async with self.store.read() as tx:
            count, oldest = await tx.outbox_backlog()
        return count, (self.clock.now() - oldest if oldest is not None else timedelta(0))
