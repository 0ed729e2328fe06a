"""PTB's update queue, made durable by the inbox.

Both ways updates reach the bot end in `Application.update_queue.put`: the webhook answers
Telegram's POST only after it, and long polling confirms an update (the next getUpdates
offset) only after it. So `put` here keeps the update in the database and returns; nothing
else changes in PTB. When it is the update's turn in its chat (the usual case), the same
transaction claims it and it goes straight to PTB's own fetcher; otherwise a pump claims
what this instance may apply (the oldest waiting update of each chat nobody else holds,
including updates other instances kept) and feeds it. `finished` marks an update applied
once its handlers ran, which lets the next update of that chat go.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta

from telegram import Bot, Update

from bot.services.inbox import InboxService, Receipt
from handlers.per_chat_order import chat_key

log = logging.getLogger(__name__)

# Updates claimed and not yet finished, at most: PTB's concurrency (`PerChatOrder`).
IN_FLIGHT = 64
# How often an idle pump looks for leases run out (an instance that died) and for
# forgetting old applied updates, at the longest.
LOOK_EVERY = timedelta(seconds=5)
MINE_AT_MOST = 10_000
# How long an applied mark may wait for the next arrival's transaction to carry it: under
# traffic the marks cost no commit of their own.
MARK_WITHIN_S = 0.2
# How long stopping waits for the pump's round to end before cutting it short.
STOP_WITHIN_S = 5.0
FORGET_EVERY = 720  # pump rounds between clean-ups of applied updates (an hour when idle)


class DurableUpdateQueue(asyncio.Queue[object]):
    """`put` keeps an update in the inbox; the pump hands PTB what this instance claimed.

    Until `attach` (post_init), and for objects that are not Telegram updates, it is the
    plain queue it extends.
    """

    def __init__(self) -> None:
        super().__init__()
        self._inbox: InboxService | None = None
        self._bot: Bot | None = None
        self._wake = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self._in_flight: set[int] = set()
        self._mine: set[int] = set()  # kept by this instance, not yet handled (see qsize)
        # Handled here and not yet marked applied: the next transaction marks them.
        self._applied: list[int] = []
        self._mark_timer: asyncio.TimerHandle | None = None
        self._stopping = False

    def attach(self, inbox: InboxService, bot: Bot, *, sole: bool) -> None:
        """Start keeping updates and pumping; `sole`: no other instance can share the
        database (SQLite), so leases left by this one's previous run are taken back now."""
        self._inbox, self._bot = inbox, bot
        self._stopping = False
        self._pump = asyncio.create_task(self._run(sole), name="kchat-inbox-pump")

    async def detach(self) -> None:
        """Stop pumping; what was claimed and not applied goes back to the inbox at once."""
        if self._pump is None or self._inbox is None:
            return
        # The pump ends its round first: cancelled inside a transaction, it could not tell
        # whether its marks had committed, and would mark those updates applied twice.
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._pump), STOP_WITHIN_S)
        except TimeoutError:  # the database hangs: the leases run out by themselves
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        self._pump = None
        if self._mark_timer is not None:
            self._mark_timer.cancel()
            self._mark_timer = None
        applied, self._applied = self._applied, []
        try:
            await self._inbox.release(applied=applied)
        except Exception:  # the lease runs out by itself
            log.warning("could not give back claimed updates", exc_info=True)
        self._inbox = None

    def poke(self) -> None:
        """Look for work now (the clock jumped: leases may have run out)."""
        self._wake.set()

    def qsize(self) -> int:
        """Updates waiting here or kept and not yet handled (an idle bot has none; marks
        of handled updates still to be written do not count)."""
        return super().qsize() + len(self._mine)

    async def put(self, item: object) -> None:
        """Keep a Telegram update before it is acknowledged; a resend is dropped."""
        inbox = self._inbox
        if inbox is None or not isinstance(item, Update):
            await super().put(item)
            return
        body = json.dumps(item.to_dict(), ensure_ascii=False)
        applied, self._applied = self._applied, []
        take = len(self._in_flight) < IN_FLIGHT
        try:
            receipt = await inbox.receive(
                item.update_id, chat_key(item), body, take=take, applied=applied
            )
        except BaseException:
            self._applied = applied + self._applied  # marked by the next transaction
            raise
        if receipt is Receipt.AGAIN:
            log.info("update %s arrived again: already kept", item.update_id)
            return
        if receipt is Receipt.TAKEN:  # its chat's turn: no pump round needed
            self._in_flight.add(item.update_id)
            self._mine.add(item.update_id)
            await super().put(item)
            return
        if len(self._mine) > MINE_AT_MOST:  # others handled them (several instances)
            self._mine.clear()
        self._mine.add(item.update_id)
        self._wake.set()

    async def finished(self, update: object) -> None:
        """PTB handled `update` (whatever its handlers did): it is applied. Marked by the
        next transaction (the pump's, woken now, or the next arrival's): a crash before
        that has it applied again after the lease, which the use cases allow."""
        if not isinstance(update, Update) or update.update_id not in self._in_flight:
            return
        self._in_flight.discard(update.update_id)
        self._mine.discard(update.update_id)
        self._applied.append(update.update_id)
        if self._mine - self._in_flight:
            self._wake.set()  # an update kept here may be its chat's next: it may go now
        elif self._mark_timer is None:
            # Nothing here waits on this mark (another instance's next update in this chat
            # finds it at its own next look, seconds apart anyway): the next arrival's
            # transaction carries it, or the pump a moment later, with every other mark
            # made meanwhile. A crash before that applies the update again after its lease,
            # which the use cases allow.
            self._mark_timer = asyncio.get_running_loop().call_later(MARK_WITHIN_S, self._mark_due)

    def _mark_due(self) -> None:
        self._mark_timer = None
        if self._applied:
            self._wake.set()

    async def _run(self, sole: bool) -> None:
        inbox, bot = self._inbox, self._bot
        assert inbox is not None and bot is not None
        if sole:
            await inbox.release(everyone=True)
        rounds = 0
        while not self._stopping:
            self._wake.clear()
            try:
                fed = await self._feed(inbox, bot)
                rounds += 1
                if rounds % FORGET_EVERY == 0:
                    await inbox.forget_applied()
                wait = 0.0 if fed else await self._idle_for(inbox)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is away: keep trying, nothing is lost
                log.exception("inbox pump failed; retrying")
                wait = LOOK_EVERY.total_seconds()
            if wait:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)

    async def _feed(self, inbox: InboxService, bot: Bot) -> bool:
        room = IN_FLIGHT - len(self._in_flight)
        applied, self._applied = self._applied, []
        if room <= 0 and not applied:
            return False
        try:
            items = await inbox.claim(room, applied)
        except BaseException:
            self._applied = applied + self._applied
            raise
        fed = False
        for item in items:
            if item.update_id in self._in_flight:  # ours already (its lease was renewed)
                continue
            try:
                update = Update.de_json(json.loads(item.body), bot)
            except Exception:  # not an update any more: set it aside as applied
                log.exception("update %s in the inbox is unreadable", item.update_id)
                self._applied.append(item.update_id)
                continue
            if item.attempts > 1:
                log.warning("update %s taken over (attempt %d)", item.update_id, item.attempts)
            self._in_flight.add(item.update_id)
            await super().put(update)
            fed = True
        return fed or bool(self._applied)

    async def _idle_for(self, inbox: InboxService) -> float:
        """Seconds until the next lease runs out, at most `LOOK_EVERY`."""
        wait = LOOK_EVERY
        lease_end = await inbox.next_lease_end()
        if lease_end is not None:
            wait = min(wait, max(lease_end - inbox.clock.now(), timedelta(milliseconds=50)))
        return wait.total_seconds()
