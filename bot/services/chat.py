"""What the chat needs besides order transitions: people, input modes, cards, transcripts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.domain.deadlines import Deadline, next_resolution
from bot.domain.model import Order
from bot.domain.policy import Policy
from bot.services.group_commit import GroupCommit
from bot.services.notifications import OutboxSignal
from store.records import (
    CardRef,
    ChatMode,
    LogEntry,
    RelayedMessage,
    TranscriptRow,
    UserRecord,
)
from store.sqlite_store import Store

ONLINE_WINDOW = timedelta(minutes=5)
# Activity is written at most this often per user: presence needs minutes, not messages.
SEEN_WRITE_EVERY = timedelta(seconds=60)


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


class ChatService:
    """People, presence, input modes, live cards and the per-order transcript."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        policy: Policy,
        online_window: timedelta = ONLINE_WINDOW,
        signal: OutboxSignal | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.policy = policy
        self.online_window = online_window
        self.signal = signal or OutboxSignal()
        # Only this process changes modes and activity, so write-through caches are exact.
        self._modes: dict[int, ChatMode | None] = {}
        self._seen_written: dict[int, datetime] = {}
        self._transcript = GroupCommit(self._write_transcript)

    # --- people -----------------------------------------------------------------------

    async def seen(
        self, user_id: int, display_name: str, username: str | None, *, started: bool = False
    ) -> bool:
        """Record activity; True if the user was unreachable until now (so held news resumes)."""
        now = self.clock.now()
        last = self._seen_written.get(user_id)
        if not started and last is not None and now - last < SEEN_WRITE_EVERY:
            return False
        self._seen_written[user_id] = now
        async with self.store.transaction() as tx:
            before = await tx.get_user(user_id)
            await tx.touch_user(user_id, now, display_name, username, started=started)
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

    def is_online(self, user: UserRecord | None) -> bool:
        """Online (blue) if active within the online window, else offline (grey)."""
        if user is None or user.last_seen_at is None:
            return False
        return self.clock.now() - user.last_seen_at <= self.online_window

    async def set_timezone(self, user_id: int, timezone: str | None) -> None:
        """Show this user's dates in `timezone` (an IANA name; None: the bot's default)."""
        async with self.store.transaction() as tx:
            await tx.set_timezone(user_id, timezone)

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
        )

    # --- input modes ------------------------------------------------------------------

    async def mode(self, user_id: int) -> ChatMode | None:
        """What the bot waits for from the user."""
        if user_id not in self._modes:
            async with self.store.read() as tx:
                self._modes[user_id] = await tx.get_mode(user_id)
        return self._modes[user_id]

    async def set_mode(
        self, user_id: int, mode: str, order_id: str | None = None, **data: Any
    ) -> None:
        """Wait for the user's next input in `mode` (durable across restarts)."""
        self._modes.pop(user_id, None)
        async with self.store.transaction() as tx:
            await tx.set_mode(user_id, mode, order_id, data, self.clock.now())
        self._modes[user_id] = ChatMode(user_id, mode, order_id, data)

    async def clear_mode(self, user_id: int) -> None:
        """Stop waiting for input."""
        self._modes.pop(user_id, None)
        async with self.store.transaction() as tx:
            await tx.clear_mode(user_id)
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

    async def set_card(self, order_id: str, user_id: int, chat_id: int, message_id: int) -> None:
        """This message is now the user's live card for the order."""
        async with self.store.transaction() as tx:
            await tx.set_card(order_id, user_id, chat_id, message_id, self.clock.now())

    # --- transcript -------------------------------------------------------------------

    async def record_relay(
        self,
        *,
        order: Order,
        sender_id: int,
        kind: str,
        text: str,
        file_id: str | None,
        src: tuple[int, int],
        copy: tuple[int, int] | None,
    ) -> None:
        """Keep a relayed message and where its copy went, in one transaction.

        Written once Telegram accepted the copy, so the pair that routes replies and edits
        is complete; an undeliverable message is kept too (copy None) as evidence.
        """
        recipient = order.seller_id if sender_id == order.buyer_id else order.buyer_id
        await self._transcript.write(
            TranscriptRow(
                order_id=order.id,
                sender_id=sender_id,
                recipient_id=recipient,
                kind=kind,
                text=text,
                file_id=file_id,
                src_chat_id=src[0],
                src_message_id=src[1],
                dst_chat_id=copy[0] if copy else None,
                dst_message_id=copy[1] if copy else None,
            )
        )

    async def _write_transcript(self, rows: Sequence[TranscriptRow]) -> None:
        async with self.store.transaction() as tx:
            await tx.add_messages(rows, self.clock.now())

    async def relayed(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message behind a message in this chat (copy or original)."""
        async with self.store.read() as tx:
            return await tx.message_by_copy(chat_id, message_id)

    async def sent_as(self, chat_id: int, message_id: int) -> RelayedMessage | None:
        """The transcript message that was sent as this message."""
        async with self.store.read() as tx:
            return await tx.message_by_source(chat_id, message_id)

    async def record_edit(self, message_pk: int, text: str) -> None:
        """A relayed message was edited by its sender."""
        async with self.store.transaction() as tx:
            await tx.edit_message_text(message_pk, text, self.clock.now())

    async def transcript(self, order_id: str) -> list[RelayedMessage]:
        """The order's whole conversation."""
        async with self.store.read() as tx:
            return await tx.transcript(order_id)

    def now(self) -> datetime:
        """The injected clock's time (handlers never read the wall clock)."""
        return self.clock.now()
