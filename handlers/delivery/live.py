"""The live message: at most one message per chat and order carries buttons for the order.

Every path that shows a card or asks a question about an order goes through here: the new
message becomes the live one (recorded per chat and order, so it survives restarts) and the
one before it loses its buttons, keeping its text as history. A screen therefore never
offers an action that an older state allowed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.domain.input_modes import asks_about_an_order
from bot.ports.records import CardRef
from bot.services.chat import ChatService

log = logging.getLogger(__name__)


class LiveMessages:
    """Which message about an order is live in each chat, and retiring the ones before it."""

    def __init__(self, chat: ChatService) -> None:
        self.chat = chat
        # One change to a chat's live message at a time. The notifier's drain (a job) and a
        # person's own handler both show cards: unserialized, an edit of the previous live
        # message could land after it was retired and give it its buttons back.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """Held while a chat's live message is read and changed."""
        return self._locks[chat_id]

    async def current(self, chat_id: int, order_id: str) -> CardRef | None:
        """The live message about the order in this chat, if any."""
        return await self.chat.card(order_id, chat_id)

    async def send(
        self,
        bot: Bot,
        chat_id: int,
        order_id: str,
        text: str,
        kb: InlineKeyboardMarkup | ForceReply | None,
        **kwargs: Any,
    ) -> Message:
        """Send a message about the order, make it the live one, and retire the one before."""
        async with self.lock(chat_id):
            old = await self.chat.card(order_id, chat_id)
            msg = await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=kb, **kwargs
            )
            await self.chat.set_card(order_id, chat_id, msg.chat_id, msg.message_id)
            if old is not None and old.message_id != msg.message_id:
                await self.retire(bot, old.chat_id, old.message_id)
            return msg

    async def is_prompt(self, ref: CardRef) -> bool:
        """Whether the live message is a question still waiting for the person's answer."""
        mode = await self.chat.mode(ref.user_id)
        return (
            mode is not None
            and asks_about_an_order(mode.mode)
            and mode.order_id == ref.order_id
            and mode.data.get("prompt") == ref.message_id
        )

    @staticmethod
    async def retire(bot: Bot, chat_id: int, message_id: int) -> None:
        """Take the buttons off an older message (its text stays as history)."""
        try:
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except (BadRequest, Forbidden) as exc:
            # Gone, too old to edit, already without buttons, or the person blocked the bot
            # (the message that follows meets that and is parked for when they come back).
            log.debug("could not retire message %s/%s: %s", chat_id, message_id, exc.message)
