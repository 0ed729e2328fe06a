"""What the chat needs besides order transitions: people, input modes, cards, transcripts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.clock import Clock
from bot.domain.deadlines import Deadline, next_resolution
from bot.domain.errors import InvalidInput, Words
from bot.domain.events import EventKind, Relay, RelayEdit
from bot.domain.input_modes import InputMode
from bot.domain.languages import language_tag
from bot.domain.model import Order
from bot.domain.policy import Policy
from bot.ports.records import (
    CardRef,
    ChatMode,
    LogEntry,
    MessageEdit,
    RelayedMessage,
    TranscriptRow,
    UserRecord,
)
from bot.ports.storage import Storage, UnitOfWork
from bot.services.group_commit import SharedTransaction
from bot.services.notifications import Notice, OutboxSignal

log = logging.getLogger(__name__)

ONLINE_WINDOW = timedelta(minutes=5)
# Activity is written at most this often per user: presence needs minutes, not messages.
SEEN_WRITE_EVERY = timedelta(seconds=60)
# A relay the handler sends itself is leased for this long: the notifier leaves it alone
# meanwhile, and takes it over if the process died before it could say how it went.
RELAY_LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class QueuedRelay:
    """A relayed message or edit, kept and queued as outbox row `outbox_id`; `item` is set
    (leased to the caller) when it may go out now. `duplicate`: it was queued before."""

    row_id: int
    outbox_id: int | None
    item: Notice | None
    duplicate: bool = False
    message: RelayedMessage | None = None  # as kept, for sending it at once


@dataclass(frozen=True)
class _RelayRequest:
    """A message to keep and queue (see `ChatService.queue_relay`)."""

    row: TranscriptRow
    header: str
    reply_to: int | None
    not_before: datetime | None
    now: datetime

    @property
    def source(self) -> tuple[int, int]:
        return (self.row.src_chat_id, self.row.src_message_id)


@dataclass(frozen=True)
class _Delivered:
    """Telegram accepted a relay (`message_pk`, `copy`) or an edit (`edit_id`)."""

    item: Notice
    message_pk: int | None
    edit_id: int | None
    copy: tuple[int, int] | None
    now: datetime


class RelayStatus(StrEnum):
    """Where a relayed message (or edit) stands, as its sender is told."""

    DELIVERED = "delivered"
    WAITING = "waiting"  # behind an earlier relay to the same person, not tried yet
    QUEUED = "queued"  # Telegram failed for now: the notifier retries
    BLOCKED = "blocked"  # the recipient blocked the bot: delivered when they come back
    NOT_STARTED = "not_started"  # the recipient never opened the bot: delivered on /start
    FAILED = "failed"  # Telegram refused it for good


@dataclass(frozen=True)
class OrderView:
    """Everything a card shows about an order, for one viewer."""

    order: Order
    viewer_id: int
    counterparty: UserRecord | None
    counterparty_online: bool
    counterparty_unreachable: bool
    timeline: list[LogEntry]
    next_action: Deadline | None
    viewer_timezone: str | None = None
    viewer_language: str | None = None  # chosen, else their Telegram's when last seen


class ChatService:
    """People, presence, input modes, live cards and the per-order transcript."""

    def __init__(
        self,
        store: Storage,
        clock: Clock,
        policy: Policy,
        online_window: timedelta = ONLINE_WINDOW,
        signal: OutboxSignal | None = None,
        *,
        sole_writer: bool = True,
    ) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        self.online_window = online_window
        self.signal = signal or OutboxSignal()
        # When only this process changes modes (SQLite: one bot per file), a write-through
        # cache is exact; with several instances on one database, another may change them.
        self._cache_modes = sole_writer
        self._modes: dict[int, ChatMode | None] = {}
        # (chosen with /language, Telegram's when last written): read for every update and
        # every notice, so kept like the modes when this process is the only writer.
        self._languages: dict[int, tuple[str | None, str | None]] = {}
        self._seen_written: dict[int, tuple[datetime, str | None]] = {}
        # Relays and their outcomes of concurrent chats share one commit (one fsync).
        self._relays = SharedTransaction(
            self.store.transaction,
            self._after_relays,
            bulks=(self._keep_delivered, self._keep_relays),  # outcomes first: they free a turn
        )
        self._behind = False  # a relay waits behind one that just went out
        self._on_change: Callable[[], None] | None = None

    # --- people -----------------------------------------------------------------------

    async def seen(
        self,
        user_id: int,
        display_name: str,
        username: str | None,
        *,
        started: bool = False,
        language_code: str | None = None,
    ) -> bool:
        """Record activity; True if the user was unreachable until now (so held news resumes).

        `language_code` is their Telegram's language: notices sent while they are away speak
        it too. A change of it is written at once, whatever the write interval.
        """
        now = self.clock.now()
        language = language_tag(language_code) if language_code else None
        last = self._seen_written.get(user_id)
        if (
            not started
            and last is not None
            and now - last[0] < SEEN_WRITE_EVERY
            and language in (None, last[1])
        ):
            return False
        self._seen_written[user_id] = (now, language)
        self._languages.pop(user_id, None)
        async with self.store.transaction() as tx:
            before = await tx.get_user(user_id)
            await tx.touch_user(
                user_id, now, display_name, username, started=started, language_code=language
            )
            returned = before is not None and (
                before.unreachable_since is not None or (started and before.started_at is None)
            )
            if returned:
                await tx.set_unreachable(user_id, None)
                await tx.release_outbox_for(user_id, now)
        if returned:
            self.signal.mark()
        return returned

    async def user(self, user_id: int) -> UserRecord | None:
        """What is known of a user."""
        async with self.store.read() as tx:
            return await tx.get_user(user_id)

    async def languages(self, user_id: int) -> tuple[str | None, str | None]:
        """The language `user_id` chose with /language, and their Telegram's as last seen."""
        if user_id in self._languages:
            return self._languages[user_id]
        user = await self.user(user_id)
        found = (user.language, user.telegram_language) if user is not None else (None, None)
        if self._cache_modes:
            self._languages[user_id] = found
        return found

    def is_online(self, user: UserRecord | None) -> bool:
        """Online (blue) if active within the online window, else offline (grey)."""
        if user is None or user.last_seen_at is None:
            return False
        return self.clock.now() - user.last_seen_at <= self.online_window

    async def set_timezone(self, user_id: int, timezone: str | None) -> None:
        """Show this user's dates in `timezone` (an IANA name; None: the bot's default)."""
        async with self.store.transaction() as tx:
            await tx.set_timezone(user_id, timezone)

    async def set_language(self, user_id: int, language: str | None) -> None:
        """Speak `language` to this user from now on (None: whatever their Telegram is set to)."""
        tag = None if language is None else language_tag(language)
        if language is not None and tag is None:
            raise InvalidInput(Words("{language} is not a language."), language=repr(language[:20]))
        async with self.store.transaction() as tx:
            await tx.set_language(user_id, tag)
        self._languages.pop(user_id, None)

    async def mark_unreachable(self, user_id: int, error: str) -> bool:
        """The user blocked the bot: park their news; True if this is news (first time)."""
        now = self.clock.now()
        self._seen_written.pop(user_id, None)  # their next update must clear this
        async with self.store.transaction() as tx:
            user = await tx.get_user(user_id)
            first = user is None or user.unreachable_since is None
            await tx.ensure_user(user_id)
            await tx.set_unreachable(user_id, now)
            await tx.hold_outbox_for(user_id, error)
        return first

    async def hold_until_start(self, user_id: int, error: str) -> None:
        """The user never opened the bot: keep their news for their first /start."""
        self._seen_written.pop(user_id, None)
        async with self.store.transaction() as tx:
            await tx.hold_outbox_for(user_id, error)

    # --- order views ------------------------------------------------------------------

    async def view(self, order: Order, viewer_id: int) -> OrderView:
        """The order as one party sees it."""
        role = order.role_of(viewer_id)
        other_id = order.seller_id if viewer_id == order.buyer_id else order.buyer_id
        async with self.store.read() as tx:
            other = await tx.get_user(other_id) if role is not None else None
            me = await tx.get_user(viewer_id)
            timeline = await tx.timeline(order.id)
        return OrderView(
            order=order,
            viewer_id=viewer_id,
            counterparty=other,
            counterparty_online=self.is_online(other),
            counterparty_unreachable=other is not None and other.unreachable_since is not None,
            timeline=timeline,
            next_action=next_resolution(order, self.policy),
            viewer_timezone=me.timezone if me is not None else None,
            viewer_language=(me.language or me.telegram_language) if me is not None else None,
        )

    # --- input modes ------------------------------------------------------------------

    async def mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from the user."""
        if user_id in self._modes:
            return self._modes[user_id]
        async with self.store.read() as tx:
            mode = await tx.get_mode(user_id)
        if self._cache_modes:
            self._modes[user_id] = mode
        return mode

    async def set_mode(
        self, user_id: int, mode: InputMode, order_id: str | None = None, **data: Any
    ) -> None:
        """Wait for the user's next input in `mode` (durable across restarts)."""
        self._modes.pop(user_id, None)
        async with self.store.transaction() as tx:
            await tx.set_mode(user_id, mode, order_id, data, self.clock.now())
        if self._cache_modes:
            self._modes[user_id] = ChatMode(user_id, mode, order_id, data)

    async def clear_mode(self, user_id: int) -> None:
        """Stop waiting for input."""
        self._modes.pop(user_id, None)
        async with self.store.transaction() as tx:
            await tx.clear_mode(user_id)
        if self._cache_modes:
            self._modes[user_id] = None

    # --- cards ------------------------------------------------------------------------

    async def card(self, order_id: str, user_id: int) -> CardRef | None:
        """The user's live card for the order."""
        async with self.store.read() as tx:
            return await tx.get_card(order_id, user_id)

    async def card_at(self, chat_id: int, message_id: int) -> CardRef | None:
        """The card shown in this message."""
        async with self.store.read() as tx:
            return await tx.card_at(chat_id, message_id)

    async def set_card(self, card: CardRef) -> None:
        """This message is now the user's live card for the order (with its twins)."""
        async with self.store.transaction() as tx:
            await tx.set_card(card, self.clock.now())

    # --- transcript -------------------------------------------------------------------

    async def queue_relay(
        self,
        *,
        order: Order,
        sender_id: int,
        kind: str,
        text: str,
        file_id: str | None,
        src: tuple[int, int],
        header: str,
        reply_to: int | None = None,
        not_before: datetime | None = None,
    ) -> QueuedRelay:
        """Keep a message in the transcript and queue its relay, in one transaction.

        Nothing is sent before it is on disk, so no failure loses it. When nothing is queued
        ahead for the recipient (and no `not_before` paces it), the caller may send it at
        once (`item` is leased to it); otherwise the notifier delivers it in order. The same
        message handled twice (an update delivered again) is queued once.
        """
        recipient = order.seller_id if sender_id == order.buyer_id else order.buyer_id
        row = TranscriptRow(order.id, sender_id, recipient, kind, text, file_id, *src, None, None)
        request = _RelayRequest(row, header, reply_to, not_before, self.clock.now())
        queued: QueuedRelay = await self._relays.submit_bulk(self._keep_relays, request)
        return self._queued(queued)

    async def _keep_relays(
        self, tx: UnitOfWork, requests: Sequence[_RelayRequest]
    ) -> list[QueuedRelay]:
        """`queue_relay` for a batch: a few statements for the whole batch, not a few each."""
        # Two instances may be handed the same update (a lease ran out while the first was
        # slow): whoever holds the sources first keeps the message, the other sees it kept.
        await tx.hold_sources([r.source for r in requests])
        kept = await tx.messages_by_source([r.source for r in requests])
        fresh: dict[tuple[int, int], _RelayRequest] = {}
        for r in requests:
            if r.source not in kept:
                fresh.setdefault(r.source, r)  # the same message twice in one batch: once
        ids = await tx.add_messages([r.row for r in fresh.values()], requests[0].now)
        waiting = await tx.relays_queued_for(r.row.recipient_id for r in fresh.values())
        items: dict[tuple[int, int], tuple[Notice, bool]] = {}
        for source, r in fresh.items():
            to = r.row.recipient_id
            now_ok = r.not_before is None and to not in waiting
            waiting.add(to)  # what comes after it waits for it
            relay = Relay(message=ids[source], header=r.header, reply_to=r.reply_to)
            item = Notice(0, r.row.order_id, to, relay, r.now, 0)
            items[source] = (item, now_ok)
        rows = [
            (
                i.order_id or "",
                i.recipient_id,
                EventKind.RELAY.value,
                i.payload.to_dict(),
                i.created_at,
                self._due(r, ok),
            )
            for r, (i, ok) in zip(fresh.values(), items.values(), strict=True)
        ]
        for source, item_id in zip(fresh, await tx.add_relay_outboxes(rows), strict=True):
            item, ok = items[source]
            items[source] = (replace(item, id=item_id), ok)
        results = []
        for r in requests:
            if r.source in kept or fresh[r.source] is not r:
                row_id = kept.get(r.source) or ids[r.source]
                results.append(QueuedRelay(row_id, None, None, duplicate=True))
                continue
            item, ok = items[r.source]
            row_id = ids[r.source]
            w = r.row
            message = RelayedMessage(
                row_id,
                w.order_id,
                w.sender_id,
                w.recipient_id,
                w.kind,
                w.text,
                w.file_id,
                *r.source,
                None,
                None,
                r.now,
            )
            results.append(QueuedRelay(row_id, item.id, item if ok else None, message=message))
        return results

    @staticmethod
    def _due(r: _RelayRequest, now_ok: bool) -> datetime:
        """When the notifier may take it: after the lease when sent at once, else its turn."""
        return r.now + RELAY_LEASE if now_ok else max(r.now, r.not_before or r.now)

    async def queue_edit(
        self, original: RelayedMessage, text: str, header: str, not_before: datetime | None = None
    ) -> QueuedRelay | None:
        """Keep an edit beside the original (never over it) and queue it for the copy.

        None when the text did not change (Telegram sends edits of formatting alone, and may
        deliver an edit twice).
        """
        now = self.clock.now()

        async def keep(tx: UnitOfWork) -> QueuedRelay | None:
            current = await tx.message(original.id)
            if current is None or current.latest_text == text:
                return None
            edit_id = await tx.add_message_edit(original.id, text, now)
            edit = RelayEdit(edit=edit_id, message=original.id, header=header)
            item_id, item = await self._queue(
                tx, original.order_id, original.recipient_id, edit, now, not_before
            )
            return QueuedRelay(edit_id, item_id, item)

        queued = await self._relays.run(keep)
        return self._queued(queued) if queued is not None else None

    async def _queue(
        self,
        tx: UnitOfWork,
        order_id: str,
        recipient: int,
        edit: RelayEdit,
        now: datetime,
        not_before: datetime | None,
    ) -> tuple[int, Notice | None]:
        """The outbox row's id, and the item (leased) when the caller may send it right away."""
        now_ok = not_before is None and not await tx.relay_queued_for(recipient)
        at = now + RELAY_LEASE if now_ok else max(now, not_before or now)
        item_id = await tx.add_relay_outbox(
            order_id, recipient, edit.kind.value, edit.to_dict(), now, at
        )
        item = Notice(item_id, order_id, recipient, edit, now, 0)
        return item_id, item if now_ok else None

    def _queued(self, queued: QueuedRelay) -> QueuedRelay:
        if queued.item is None and not queued.duplicate:
            self.signal.mark()  # the notifier's to deliver
        return queued

    async def relay_status(self, item_id: int, recipient_id: int) -> RelayStatus:
        """How the relay queued as outbox row `item_id` stands now."""
        async with self.store.read() as tx:
            state, attempts = await tx.outbox_state(item_id) or ("pending", 0)
            user = await tx.get_user(recipient_id) if state == "held" else None
        if state == "pending" and attempts == 0:
            return RelayStatus.WAITING
        if state == "sent":
            return RelayStatus.DELIVERED
        if state == "failed":
            return RelayStatus.FAILED
        if state == "held":
            blocked = user is not None and user.unreachable_since is not None
            return RelayStatus.BLOCKED if blocked else RelayStatus.NOT_STARTED
        return RelayStatus.QUEUED

    async def queued_message(self, message_pk: int) -> RelayedMessage | None:
        """A transcript message by its row id, as the notifier delivers it."""
        async with self.store.read() as tx:
            return await tx.message(message_pk)

    async def queued_edit(self, edit_id: int) -> MessageEdit | None:
        """An edit by its row id, as the notifier delivers it."""
        async with self.store.read() as tx:
            return await tx.message_edit(edit_id)

    async def header_sent(self, message_pk: int, header_message_id: int) -> None:
        """The header went out as its own message: a retry sends only the copy."""

        async def keep(tx: UnitOfWork) -> None:
            await tx.set_header_message(message_pk, header_message_id)

        await self._relays.run(keep)

    def relay_delivered(self, item: Notice, message_pk: int, copy: tuple[int, int]) -> None:
        """Telegram accepted the copy: the routing pair and the outbox row, together.

        Not waited for: it joins the next shared commit, ahead of anything queued later (so
        the next relay to this person sees it). Should the process die before, the lease
        runs out and the message is sent again: at least once.
        """
        done = _Delivered(item, message_pk, None, copy, self.clock.now())
        self._relays.submit_bulk(self._keep_delivered, done).add_done_callback(_log_failure)

    async def _keep_delivered(self, tx: UnitOfWork, done: Sequence[_Delivered]) -> list[None]:
        """What Telegram accepted, for a batch (a few statements for all of it)."""
        now = done[0].now
        copies = [(d.message_pk, *d.copy) for d in done if d.message_pk and d.copy]
        await tx.mark_messages_delivered(copies, now)
        await tx.mark_edits_delivered([d.edit_id for d in done if d.edit_id], now)
        await tx.mark_outbox_sent_many([d.item.id for d in done], now)
        # Relays queued behind these (while they were on their way) may go now.
        if await tx.relays_queued_for(d.item.recipient_id for d in done):
            self._behind = True
        return [None] * len(done)

    async def relay_refused(self, item: Notice, message_pk: int, error: str) -> None:
        """Telegram refused the copy for good: kept as undeliverable, the queue moves on."""

        async def keep(tx: UnitOfWork) -> None:
            await tx.mark_message_failed(message_pk, error)
            await tx.fail_outbox(item.id, error)
            await self._next_in_line(tx, item)

        await self._relays.run(keep)

    def edit_delivered(self, item: Notice, edit_id: int) -> None:
        """Telegram accepted the edit on the other side (recorded as `relay_delivered` is)."""
        done = _Delivered(item, None, edit_id, None, self.clock.now())
        self._relays.submit_bulk(self._keep_delivered, done).add_done_callback(_log_failure)

    async def edit_refused(self, item: Notice, edit_id: int, error: str) -> None:
        """Telegram refused the edit for good (the copy was deleted, or is too old)."""

        async def keep(tx: UnitOfWork) -> None:
            await tx.mark_edit_failed(edit_id, error)
            await tx.fail_outbox(item.id, error)
            await self._next_in_line(tx, item)

        await self._relays.run(keep)

    async def _next_in_line(self, tx: UnitOfWork, done: Notice) -> None:
        # Relays queued behind this one (while it was on its way) may go now.
        if await tx.relay_queued_for(done.recipient_id):
            self._behind = True

    def _after_relays(self) -> None:
        if self._behind:
            self._behind = False
            self.signal.mark()
            if self._on_change is not None:
                self._on_change()  # the notifier's wake-up delivers them

    def set_on_change(self, callback: Callable[[], None] | None) -> None:
        """Who to poke when relays wait to go (the scheduler's wake-up, which drains)."""
        self._on_change = callback

    async def settled(self) -> None:
        """Return once every relay outcome recorded so far is committed."""
        await self._relays.settled()

    async def relayed(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message behind a message in this chat (copy or original)."""
        async with self.store.read() as tx:
            return await tx.message_by_copy(chat_id, message_id)

    async def sent_as(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message that was sent as this message."""
        async with self.store.read() as tx:
            return await tx.message_by_source(chat_id, message_id)

    async def transcript(self, order_id: str) -> list[RelayedMessage]:
        """The order's whole conversation."""
        async with self.store.read() as tx:
            return await tx.transcript(order_id)

    def now(self) -> datetime:
        """The injected clock's time (handlers never read the wall clock)."""
        return self.clock.now()


def _log_failure(done: asyncio.Future[Any]) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.error("could not record a relay's outcome", exc_info=done.exception())
