"""The support group's side of the outbox: ticket cards, forum topics, SLA nudges."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message, MessageId
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.bootstrap import Services
from bot.domain.events import DeskNews, TicketClosed, TicketOpened
from bot.domain.tickets import Ticket, TicketKind
from handlers.delivery.cards import edit
from handlers.delivery.relay_delivery import UNCAPTIONED
from handlers.views.i18n import _, speaking
from handlers.views.render import fmt_short
from handlers.views.support_render import KIND_WORDS, ticket_keyboard, ticket_news, ticket_text
from handlers.views.telegram_text import quote

log = logging.getLogger(__name__)

T = TypeVar("T")


def _thread_gone(exc: BadRequest) -> bool:
    return "thread not found" in exc.message.lower() or "topic_deleted" in exc.message.lower()


class SupportDesk:
    """Shows tickets in the support group and keeps their cards current."""

    def __init__(
        self, services: Services, chat_id: int, tz: ZoneInfo, language: str | None = None
    ) -> None:
        self.services = services
        self.chat_id = chat_id
        self.tz = tz
        self.language = language  # the agents' one language (None: English)
        self._forum: bool | None = None

    async def is_forum(self, bot: Bot) -> bool:
        """Whether the group has topics (asked once, then remembered)."""
        if self._forum is None:
            try:
                chat = await bot.get_chat(self.chat_id)
            except TelegramError as exc:
                # Without an answer, post as in a plain group (always works); ask again later.
                log.warning("cannot tell whether the support group has topics: %s", exc)
                return False
            self._forum = bool(chat.is_forum)
        return self._forum

    async def render(self, ticket: Ticket) -> tuple[str, InlineKeyboardMarkup | None]:
        """The card's text and buttons as the ticket stands now."""
        s = self.services
        order = await s.support.order_of(ticket)
        ids = {ticket.opened_by} | ({order.buyer_id, order.seller_id} if order else set())
        people = {uid: await s.chat.user(uid) for uid in ids if uid is not None}
        timeline = await s.orders.timeline(order.id) if order else []
        transcript = await s.chat.transcript(order.id) if order else []
        with speaking(self.language):
            text = ticket_text(ticket, order, people, timeline, transcript, s.policy, self.tz)
            return text, ticket_keyboard(ticket, order)

    async def post(
        self,
        bot: Bot,
        ticket: Ticket,
        text: str,
        kb: InlineKeyboardMarkup | ForceReply | None = None,
        *,
        reply_to_card: bool = True,
    ) -> Message:
        """Post into the ticket's topic (forum) or under its card (plain group)."""

        async def send(topic: int | None, reply_to: int | None) -> Message:
            return await bot.send_message(
                self.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=kb,
                message_thread_id=topic,
                reply_to_message_id=reply_to if reply_to_card else None,
            )

        return await self._in_place(bot, ticket, send)

    async def copy(
        self, bot: Bot, ticket: Ticket, from_chat_id: int, message_id: int, caption: str | None
    ) -> MessageId:
        """Copy a party's message into the ticket's topic (forum) or under its card; with
        `caption` None it keeps its own text or caption."""

        async def send(topic: int | None, reply_to: int | None) -> MessageId:
            return await bot.copy_message(
                self.chat_id,
                from_chat_id,
                message_id,
                caption=caption,
                parse_mode=ParseMode.HTML if caption is not None else None,
                message_thread_id=topic,
                reply_to_message_id=reply_to,
            )

        return await self._in_place(bot, ticket, send)

    async def _copy_files(self, bot: Bot, ticket: Ticket) -> None:
        """Every file, photo and voice message of the order chat (a delivery sent as a file
        too), copied under the dispute's card: agents judge what was sent, not its name."""
        assert ticket.order_id is not None
        order = await self.services.orders.get(ticket.order_id)
        for kept in await self.services.chat.transcript(order.id):
            if kept.kind == "text":
                continue
            with speaking(self.language):
                said = (
                    _("📎 Buyer's {kind} in the order chat, {when}")
                    if kept.sender_id == order.buyer_id
                    else _("📎 Seller's {kind} in the order chat, {when}")
                )
                head = said.format(kind=kept.kind, when=fmt_short(kept.at, self.tz))
                gone = _("{what} (no longer available: {error})")
            caption = f"{head}:\n{quote(kept.text, 800)}" if kept.text else head
            try:
                if kept.kind in UNCAPTIONED:  # stickers and round videos take no caption
                    await self.post(bot, ticket, caption)
                    await self.copy(bot, ticket, kept.src_chat_id, kept.src_message_id, None)
                else:
                    await self.copy(bot, ticket, kept.src_chat_id, kept.src_message_id, caption)
            except BadRequest as exc:  # the sender deleted it since: say so, keep going
                await self.post(bot, ticket, gone.format(what=head, error=exc.message))

    async def _in_place(
        self, bot: Bot, ticket: Ticket, send: Callable[[int | None, int | None], Awaitable[T]]
    ) -> T:
        """Send into the ticket's topic, or as a reply to its card in a plain group; a topic
        an agent deleted is opened again (card first) and the send repeated there."""
        topic = await self._topic(bot, ticket)
        try:
            return await send(topic, ticket.card_message_id if topic is None else None)
        except BadRequest as exc:
            if topic is None or not _thread_gone(exc):
                raise
        return await send(await self._reopen(bot, ticket), None)

    async def _reopen(self, bot: Bot, ticket: Ticket) -> int:
        """An agent deleted the topic: open a new one and put the card back first."""
        fresh = await self._new_topic(bot, ticket)
        await self.show_card(bot, await self.services.support.get(ticket.id), new=True)
        return fresh

    async def _topic(self, bot: Bot, ticket: Ticket) -> int | None:
        if not await self.is_forum(bot):
            return None
        if ticket.topic_id is not None:
            return ticket.topic_id
        try:
            return await self._new_topic(bot, ticket)
        except (BadRequest, Forbidden) as exc:
            # Typically the bot lacks "Manage topics": the ticket lives in General instead,
            # its messages replying to its card, exactly as in a plain group.
            log.warning("cannot open a topic for ticket %s: %s", ticket.id, exc.message)
            return None

    async def _new_topic(self, bot: Bot, ticket: Ticket) -> int:
        with speaking(self.language):
            kind = _(KIND_WORDS[ticket.kind])
        name = f"#{ticket.id} {kind}" + (f" · {ticket.order_id}" if ticket.order_id else "")
        topic = await bot.create_forum_topic(self.chat_id, name[:128])
        await self.services.support.place(
            ticket.id, ticket.card_message_id, topic.message_thread_id
        )
        return topic.message_thread_id

    async def _close_topic(self, bot: Bot, ticket: Ticket) -> None:
        """A closed case closes its topic, so the list of open topics is the open cases."""
        if ticket.topic_id is None or not await self.is_forum(bot):
            return
        try:
            await bot.close_forum_topic(self.chat_id, ticket.topic_id)
        except TelegramError as exc:  # already closed, deleted, or no "Manage topics" right
            log.info("could not close the topic of ticket %s: %s", ticket.id, exc)

    async def show_card(self, bot: Bot, ticket: Ticket, *, new: bool = False) -> None:
        """Edit the ticket's card in place, or post it when it has none (or `new`)."""
        text, kb = await self.render(ticket)
        card = None if new else ticket.card_message_id
        if card is not None and await edit(bot, self.chat_id, card, text, kb):
            return

        async def send(topic: int | None) -> Message:
            return await bot.send_message(
                self.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=kb,
                message_thread_id=topic,
            )

        topic = await self._topic(bot, ticket)
        try:
            msg = await send(topic)
        except BadRequest as exc:
            if topic is None or not _thread_gone(exc):
                raise
            topic = await self._new_topic(bot, ticket)  # someone deleted the topic
            msg = await send(topic)
        await self.services.support.place(ticket.id, msg.message_id, topic)

    async def deliver(self, bot: Bot, news: DeskNews) -> None:
        """One queued piece of group news."""
        ticket = await self.services.support.get(news.ticket_id)
        if isinstance(news, TicketOpened):
            first = ticket.card_message_id is None
            await self.show_card(bot, ticket, new=first)
            if first and ticket.order_id is not None and ticket.kind is TicketKind.DISPUTE:
                await self._copy_files(bot, await self.services.support.get(ticket.id))
            return
        await self.show_card(bot, ticket)
        ticket = await self.services.support.get(ticket.id)
        with speaking(self.language):
            line = ticket_news(news)
        if line is not None:
            await self.post(bot, ticket, line)
        if isinstance(news, TicketClosed):
            await self._close_topic(bot, ticket)
