"""The durable inbox: every update is kept before Telegram is told it arrived, then applied
once, in order within its chat, by whichever instance claims it.

Telegram resends an update until it is acknowledged (the webhook's 200, or the next
getUpdates offset). Keeping it first means a crash after the acknowledgment loses nothing:
the update waits in the database. Keeping it by `update_id` means a resend is recognised
and dropped. A claim is a lease: the instance that dies while applying an update leaves it
to another (or to itself, restarted) once the lease runs out, and the update is applied
again from the start. That is safe because every use case re-checks the order's state and
keys its money by payment, so an update half-applied before a crash changes nothing twice.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import Enum

from bot.clock import Clock
from bot.ports.records import InboxItem
from bot.ports.storage import InboxRepo, Storage, UnitOfWork
from bot.services.group_commit import SharedTransaction

log = logging.getLogger(__name__)

# Applied updates are kept this long to recognise Telegram resending one (it gives up on
# an unacknowledged update after a day).
KEEP_APPLIED = timedelta(days=1)


class Receipt(Enum):
    """What became of an arriving update."""

    AGAIN = "again"  # kept before: Telegram sent it again
    KEPT = "kept"  # kept; it waits for its chat's turn
    TAKEN = "taken"  # kept and claimed by this instance: apply it now


class InboxService:
    """One instance's view of the inbox; `token` tells its leases from other instances'."""

    def __init__(self, store: Storage, clock: Clock, lease: timedelta) -> None:
        self.store = store
        self.clock = clock
        self.lease = lease
        self.token = secrets.token_hex(8)
        self._arrivals = SharedTransaction(store.transaction)

    async def keep(self, update_id: int, chat_key: int | None, body: str) -> bool:
        """Keep an arriving update (Telegram's JSON); False if it was kept before."""
        return await self.receive(update_id, chat_key, body, take=False) is not Receipt.AGAIN

    async def receive(
        self,
        update_id: int,
        chat_key: int | None,
        body: str,
        *,
        take: bool,
        applied: Sequence[int] = (),
    ) -> Receipt:
        """Keep an arriving update and, with `take`, claim it at once when it is its
        chat's turn; `applied` (updates this instance handled since its last visit) are
        marked in the same transaction: one commit for all of it, the usual case."""
        now = self.clock.now()

        async def unit(tx: UnitOfWork) -> Receipt:
            await self._finish(tx, applied, now)
            if not await tx.keep_update(update_id, chat_key, body, now):
                return Receipt.AGAIN
            if take and await tx.take_update(update_id, now, now + self.lease, self.token):
                return Receipt.TAKEN
            return Receipt.KEPT

        # Updates arriving together (Telegram's webhook keeps up to 40 requests open) share
        # one commit: each is durable before its 200, for one fsync between them.
        result: Receipt = await self._arrivals.run(unit)
        return result

    async def claim(self, limit: int, applied: Sequence[int] = ()) -> list[InboxItem]:
        """Updates this instance may apply now, oldest first: at most one per chat.
        `applied` are marked first, in the same transaction (their chats' next updates are
        then claimable)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await self._finish(tx, applied, now)
            if limit <= 0:
                return []
            return await tx.claim_updates(now, now + self.lease, self.token, limit)

    async def _finish(self, tx: InboxRepo, applied: Sequence[int], now: datetime) -> None:
        if not applied:
            return
        done = await tx.finish_updates(applied, self.token, now)
        if done < len(applied):
            log.warning(
                "%d of %d updates were taken over by another instance before they were "
                "marked applied here",
                len(applied) - done,
                len(applied),
            )

    async def applied(self, update_id: int) -> bool:
        """The update's handler ran; False if its lease had gone to another instance."""
        async with self.store.transaction() as tx:
            return await tx.finish_updates([update_id], self.token, self.clock.now()) == 1

    async def release(self, everyone: bool = False, applied: Sequence[int] = ()) -> int:
        """Give back the updates this instance claimed and did not apply (it is stopping),
        or with `everyone` every lease (the only instance there can be is starting);
        `applied` are marked first."""
        async with self.store.transaction() as tx:
            await self._finish(tx, applied, self.clock.now())
            return await tx.release_updates(None if everyone else self.token)

    async def beat(self, alive_for: timedelta) -> int:
        """This instance is alive for `alive_for` more; how many instances are alive now on
        this database, this one included (they share Telegram's send budget)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            return await tx.beat_instance(self.token, now, now + alive_for)

    async def leave(self) -> None:
        """This instance is stopping: the others may take its share at once."""
        async with self.store.transaction() as tx:
            await tx.drop_instance(self.token)

    async def next_lease_end(self) -> datetime | None:
        """When the earliest lease on a waiting update runs out."""
        async with self.store.read() as tx:
            return await tx.next_update_at()

    async def forget_applied(self) -> int:
        """Drop applied updates older than Telegram would resend them; how many."""
        async with self.store.transaction() as tx:
            return await tx.forget_updates(self.clock.now() - KEEP_APPLIED)

    async def backlog(self) -> tuple[int, timedelta]:
        """How many updates wait to be applied, and how long the oldest has waited."""
        async with self.store.read() as tx:
            count, oldest = await tx.inbox_backlog()
        return count, (self.clock.now() - oldest if oldest is not None else timedelta(0))
