"""Showing an order card: one live card per person and order, edited in place."""

from __future__ import annotations

import logging
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.bootstrap import Services
from bot.domain.actions import upcoming_actions
from bot.domain.input_modes import InputMode
from bot.domain.model import Order
from bot.services.chat import OrderView
from handlers.delivery.live import LiveMessages
from handlers.views.callback_data import Act, PlainTap, button
from handlers.views.i18n import _, language_of, reader_of, speaking
from handlers.views.render import card_keyboard, card_text
from handlers.views.telegram_text import fits, plain_fallback

log = logging.getLogger(__name__)


def is_not_modified(exc: BadRequest) -> bool:
    """Telegram refuses an edit that changes nothing; for us that edit succeeded."""
    return "message is not modified" in exc.message.lower()


async def edit(
    bot: Bot, chat_id: int, message_id: int, text: str, kb: InlineKeyboardMarkup | None
) -> bool:
    """Edit a message in place; False if it no longer exists (so the caller sends anew)."""
    try:
        await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=kb,
        )
    except BadRequest as exc:
        if is_not_modified(exc):
            return True
        if "not found" in exc.message.lower() or "can't be edited" in exc.message.lower():
            return False
        raise
    return True


def zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    """A stored zone name as a ZoneInfo; the default when unset or no longer known."""
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _within_limit(prefix: str, card: str) -> str:
    """The news above the card, as one message Telegram will take.

    What a person wrote is already cut on the card; this is the net under it: a text still
    over Telegram's limit goes without formatting, cut to fit, rather than not at all.
    """
    text = f"{prefix}\n\n{card}" if prefix else card
    return text if fits(text) else escape(plain_fallback(text))


class Cards:
    """Builds and shows order cards for one viewer."""

    def __init__(self, services: Services, tz: ZoneInfo) -> None:
        self.services = services
        self.tz = tz  # the bot's default (KCHAT_TIMEZONE); a user may choose their own
        self.live = LiveMessages(services.chat)

    async def tz_for(self, user_id: int) -> ZoneInfo:
        """The time zone `user_id` reads dates in."""
        user = await self.services.chat.user(user_id)
        return zone(user.timezone if user else None, self.tz)

    async def language_for(self, user_id: int) -> str | None:
        """The translation `user_id` reads (None: English)."""
        return reader_of(*await self.services.chat.languages(user_id))

    async def build(self, order: Order, viewer_id: int) -> tuple[str, InlineKeyboardMarkup]:
        """The card's text and the buttons valid now for this viewer, in their language."""
        view = await self.services.chat.view(order, viewer_id)
        with speaking(language_of(view.viewer_language)):
            return await self._build(view)

    async def _build(self, view: OrderView) -> tuple[str, InlineKeyboardMarkup]:
        chat = self.services.chat
        order, viewer_id = view.order, view.viewer_id
        mode = await chat.mode(viewer_id)
        in_chat = mode is not None and mode.mode is InputMode.CHAT and mode.order_id == order.id
        now = chat.now()
        policy = self.services.policy
        kb = card_keyboard(view, now, policy, in_chat=in_chat)
        if await self._with_support(viewer_id, order):
            # The way out of the support chat sits on the live card, not on an older message.
            rows = [list(row) for row in kb.inline_keyboard]
            kb = InlineKeyboardMarkup(
                [*rows, [button(_("Leave support chat"), PlainTap(Act.LEAVE_SUPPORT))]]
            )
        later = upcoming_actions(order, viewer_id, now, policy)
        return card_text(view, zone(view.viewer_timezone, self.tz), now, later), kb

    async def _with_support(self, viewer_id: int, order: Order) -> bool:
        """Whether what this viewer types goes to an open support case about the order."""
        mode = await self.services.chat.mode(viewer_id)
        if mode is None or mode.mode is not InputMode.SUPPORT or mode.order_id != order.id:
            return False
        ticket_id = mode.data.get("ticket_id")
        if not isinstance(ticket_id, int):
            return False
        return any(t.id == ticket_id for t in await self.services.support.open_on(order.id))

    async def send(self, bot: Bot, viewer_id: int, order: Order, prefix: str = "") -> Message:
        """Send the card as a new message, make it the live one, and retire the old one."""
        text, kb = await self.build(order, viewer_id)
        return await self.live.send(bot, viewer_id, order.id, _within_limit(prefix, text), kb)

    async def redraw(self, bot: Bot, viewer_id: int, order: Order) -> None:
        """Bring the live card up to date in place; without one (or under a question),
        nothing is sent: the next card drawn is current anyway."""
        async with self.live.lock(viewer_id):
            ref = await self.live.current(viewer_id, order.id)
            if ref is None or await self.live.is_prompt(ref):
                return
            text, kb = await self.build(order, viewer_id)
            if await edit(bot, ref.chat_id, ref.message_id, text, kb):
                await self.live.shown(bot, ref, ref.message_id, kb)

    async def refresh(self, bot: Bot, viewer_id: int, order: Order, prefix: str = "") -> None:
        """Edit the live card in place (or send one if there is none, or a question is open)."""
        async with self.live.lock(viewer_id):
            ref = await self.live.current(viewer_id, order.id)
            if ref is not None and not await self.live.is_prompt(ref):
                text, kb = await self.build(order, viewer_id)
                if await edit(bot, ref.chat_id, ref.message_id, _within_limit(prefix, text), kb):
                    await self.live.shown(bot, ref, ref.message_id, kb)
                    return
        await self.send(bot, viewer_id, order, prefix)
