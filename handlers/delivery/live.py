"""The live message: the messages about an order that carry buttons carry the live one's.

Every path that shows a card or asks a question about an order goes through here: the new
message becomes the live one (recorded per chat and order, so it survives restarts) and the
one before it loses its buttons, keeping its text as history. A screen therefore never
offers an action that an older state allowed.

One exception saves an edit per reopened card, which under Telegram's budget of about 30
sends a second is an edit that a waiting notification gets instead: a card opened again
while nothing changed has exactly the buttons of the one before. That one is left as it is,
recorded as the new card's twin, and every twin loses its buttons the moment the live
message's buttons change (a new state, a question, a tap that turns a twin into a prompt).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import replace
from typing import Any

from telegram import Bot, ForceReply, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.domain.input_modes import asks_about_an_order
from bot.ports.records import CardRef
from bot.services.chat import ChatService

log = logging.getLogger(__name__)

# At most this many older copies keep the live card's buttons; opening the unchanged card
# once more takes them off the oldest (one edit), so a chat never fills with live copies.
MAX_TWINS = 4


def buttons_of(kb: InlineKeyboardMarkup | ForceReply | None) -> str:
    """A digest of the buttons a message shows; '' for none or a reply prompt, which are
    never twins (a question is answered once)."""
    if not isinstance(kb, InlineKeyboardMarkup) or not kb.inline_keyboard:
        return ""
    shown = json.dumps(kb.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


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
        """Send a message about the order and make it the live one. The one before loses
        its buttons, unless they are exactly the new one's: then it stays as a twin."""
        async with self.lock(chat_id):
            old = await self.chat.card(order_id, chat_id)
            msg = await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=kb, **kwargs
            )
            new = CardRef(order_id, chat_id, msg.chat_id, msg.message_id, buttons_of(kb))
            if old is None or old.message_id == msg.message_id:
                await self.chat.set_card(new)
            elif new.buttons and old.buttons == new.buttons and old.chat_id == new.chat_id:
                twins = (*old.twins, old.message_id)
                kept, dropped = twins[-MAX_TWINS:], twins[:-MAX_TWINS]
                await self.chat.set_card(replace(new, twins=kept))
                await self._retire_all(bot, old.chat_id, dropped)
            else:
                await self.chat.set_card(new)
                await self._retire_all(bot, old.chat_id, (*old.twins, old.message_id))
            return msg

    async def shown(
        self, bot: Bot, ref: CardRef, message_id: int, kb: InlineKeyboardMarkup | None
    ) -> None:
        """The message `message_id` about ref's order was edited in place to show `kb`
        (call with the chat's lock held). Buttons as the live card's: nothing changes.
        Other buttons: that message is the live one now, and every other copy loses its
        buttons."""
        digest = buttons_of(kb)
        if digest and digest == ref.buttons:
            if message_id != ref.message_id and message_id not in ref.twins:
                # A copy no record knew of (a retirement that never reached Telegram): it
                # shows the live buttons again, so it must lose them with the others.
                await self.chat.set_card(replace(ref, twins=(*ref.twins, message_id)))
            return
        others = tuple(m for m in (*ref.twins, ref.message_id) if m != message_id)
        await self.chat.set_card(replace(ref, message_id=message_id, buttons=digest, twins=()))
        await self._retire_all(bot, ref.chat_id, others)

    async def _retire_all(self, bot: Bot, chat_id: int, message_ids: tuple[int, ...]) -> None:
        for message_id in message_ids:
            await self.retire(bot, chat_id, message_id)

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
