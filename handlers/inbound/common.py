"""What every inbound handler shares: the guard, the flood limit applied, friendly refusals."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from html import escape
from typing import Any

from telegram import Update, User
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.domain.errors import DomainError, TooEarly
from handlers.views.i18n import _, language_of, speaking
from handlers.views.refusals import refusal_text
from handlers.views.render import fmt_left, fmt_time
from handlers.views.telegram_text import MAX_ALERT, cut
from handlers.wiring import Ctx, cards, notifier, services

log = logging.getLogger(__name__)

Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]
# Takes an update over the flood limit instead of dropping it (True if it did); the flag
# says whether this is the first of the burst (tell the user once).
Flooded = Callable[[Update, Ctx, bool], Awaitable[bool]]
MAX_TEXT = 4000  # Telegram's 4096 minus room for the header we add


async def tell(update: Update, text: str, **kwargs: Any) -> None:
    """Reply in the chat the update came from (HTML)."""
    msg = update.effective_message
    if msg is not None:
        await msg.reply_text(text, parse_mode=ParseMode.HTML, **kwargs)


def guarded(handler: Handler, when_flooded: Flooded | None = None) -> Handler:
    """Record activity, apply the flood limit, turn refusals into friendly replies, flush news.

    Over the flood limit an update is answered once and dropped, unless `when_flooded` takes
    it (order chat: what a party wrote is delayed, never lost).
    """

    @functools.wraps(handler)
    async def wrapper(update: Update, ctx: Ctx) -> None:
        user = update.effective_user
        chat = update.effective_chat
        if user is None or user.is_bot or chat is None or chat.type != ChatType.PRIVATE:
            return
        allowed, warn = ctx.bot_data.flood.allow(user.id)
        if not allowed:
            try:
                if when_flooded is not None and await when_flooded(update, ctx, warn):
                    return
            except DomainError:
                pass  # not an order chat after all: throttled like anything else
            if warn:
                with speaking(language_of(user.language_code)):
                    await _refuse(update, _("You're sending too fast. Please wait a few seconds."))
            return
        s = services(ctx)
        returned = await s.chat.seen(
            user.id, user.full_name, user.username, language_code=user.language_code
        )
        try:
            # Whatever the handler says to this person is in their language.
            with speaking(language_of(await reading(ctx, user))):
                try:
                    await handler(update, ctx)
                except DomainError as exc:
                    await _refuse(update, await refusal(ctx, user.id, exc))
        finally:
            if returned:
                log.info("user %s is reachable again", user.id)
            await notifier(ctx).drain_if_queued(user.id)

    return wrapper


async def reading(ctx: Ctx, user: User | None) -> str | None:
    """The language tag this person reads: the one they chose, else their Telegram's."""
    if user is None:
        return None
    chosen, _telegram = await services(ctx).chat.languages(user.id)
    return chosen or user.language_code


def paced(when_flooded: Flooded) -> Callable[[Handler], Handler]:
    """`guarded`, but what is over the flood limit goes to `when_flooded` to be delayed."""
    return lambda handler: guarded(handler, when_flooded)


async def refusal(ctx: Ctx, user_id: int, exc: DomainError) -> str:
    """The core's refusal and, for one that is merely early, when it becomes possible
    (in the user's time zone)."""
    if not isinstance(exc, TooEarly):
        return refusal_text(exc)
    when = fmt_time(exc.allowed_at, await cards(ctx).tz_for(user_id))
    left = fmt_left(exc.allowed_at - services(ctx).clock.now())
    possible = _("Possible from {when}, in {left}.").format(when=when, left=left)
    return f"{refusal_text(exc)} {possible}"


async def _refuse(update: Update, text: str) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(cut(text, MAX_ALERT), show_alert=True)
            return
        except BadRequest:  # already answered: say it in the chat instead
            pass
    # Refusals can quote what the user typed (an order id): escape before formatting.
    await tell(update, f"⚠️ {escape(text)}")
