"""What every handler shares: the wiring in bot_data, the guard, friendly refusals."""

from __future__ import annotations

import functools
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from html import escape
from typing import Any

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.bootstrap import Services
from bot.config import Settings
from bot.domain.errors import DomainError, TooEarly
from handlers.cards import Cards
from handlers.notifier import Notifier
from handlers.render import fmt_left, fmt_time
from handlers.telegram_text import MAX_ALERT, cut

log = logging.getLogger(__name__)

Ctx = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]
# Takes an update over the flood limit instead of dropping it (True if it did); the flag
# says whether this is the first of the burst (tell the user once).
Flooded = Callable[[Update, Ctx, bool], Awaitable[bool]]
MAX_TEXT = 4000  # Telegram's 4096 minus room for the header we add


def services(ctx: Ctx) -> Services:
    """The services opened at start."""
    s: Services = ctx.bot_data["services"]
    return s


def settings(ctx: Ctx) -> Settings:
    """The settings the bot runs with."""
    s: Settings = ctx.bot_data["settings"]
    return s


def cards(ctx: Ctx) -> Cards:
    """Card presenter."""
    c: Cards = ctx.bot_data["cards"]
    return c


def notifier(ctx: Ctx) -> Notifier:
    """Outbox deliverer."""
    n: Notifier = ctx.bot_data["notifier"]
    return n


class FloodLimit:
    """At most `limit` updates per user per `window_s` seconds (a sliding window in memory).

    Uses a monotonic clock on purpose: this protects the process, it is not order state.
    """

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()
        self._paced: dict[int, datetime] = {}

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """(allowed, warn_now): warn once per burst."""
        now = time.monotonic()
        hits = self._hits[user_id]
        while hits and now - hits[0] > self.window_s:
            hits.popleft()
        if len(hits) >= self.limit:
            first = user_id not in self._warned
            self._warned.add(user_id)
            return False, first
        hits.append(now)
        self._warned.discard(user_id)
        return True, False

    def pace(self, user_id: int, now: datetime) -> datetime:
        """When the user's next message over the limit may go out: one every window/limit,
        after those already paced (`now` is the bot's clock: delivery is scheduled on it)."""
        step = timedelta(seconds=self.window_s / max(self.limit, 1))
        slot = max(now, self._paced.get(user_id, now)) + step
        self._paced[user_id] = slot
        return slot


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
        flood: FloodLimit = ctx.bot_data["flood"]
        allowed, warn = flood.allow(user.id)
        if not allowed:
            try:
                if when_flooded is not None and await when_flooded(update, ctx, warn):
                    return
            except DomainError:
                pass  # not an order chat after all: throttled like anything else
            if warn:
                await _refuse(update, "You're sending too fast. Please wait a few seconds.")
            return
        s = services(ctx)
        returned = await s.chat.seen(user.id, user.full_name, user.username)
        try:
            await handler(update, ctx)
        except DomainError as exc:
            await _refuse(update, await refusal(ctx, user.id, exc))
        finally:
            if returned:
                log.info("user %s is reachable again", user.id)
            await notifier(ctx).drain_if_queued()

    return wrapper


def paced(when_flooded: Flooded) -> Callable[[Handler], Handler]:
    """`guarded`, but what is over the flood limit goes to `when_flooded` to be delayed."""
    return lambda handler: guarded(handler, when_flooded)


async def refusal(ctx: Ctx, user_id: int, exc: DomainError) -> str:
    """The core's refusal and, for one that is merely early, when it becomes possible
    (in the user's time zone)."""
    if not isinstance(exc, TooEarly):
        return exc.message
    when = fmt_time(exc.allowed_at, await cards(ctx).tz_for(user_id))
    left = fmt_left(exc.allowed_at - services(ctx).clock.now())
    return f"{exc.message} Possible from {when}, in {left}."


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
