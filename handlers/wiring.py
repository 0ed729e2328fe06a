"""What the handlers work with, typed: PTB's `bot_data` is this object, not a dict of strings.

`ContextTypes(bot_data=Wiring)` makes PTB create one at build time; the composition root
(`bot.app`) fills it in once the store is open (post_init). A handler reads
`ctx.bot_data.services`, and mypy knows what that is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.bootstrap import Services
from bot.config import Settings
from bot.domain.faq import FaqIndex
from bot.domain.faq_translation import Shelf
from bot.metrics import Metrics
from handlers.delivery.cards import Cards
from handlers.delivery.notifier import Notifier
from handlers.delivery.support_desk import SupportDesk
from handlers.flood import FloodLimit


class Wiring:
    """The services and the Telegram-side helpers, set together by `wire`."""

    services: Services
    settings: Settings
    cards: Cards
    notifier: Notifier
    desk: SupportDesk | None
    faq: FaqIndex
    shelf: Shelf
    flood: FloodLimit
    metrics: Metrics
    # Wakes the scheduler: something changed that may move the next deadline.
    wake: Callable[[], None]

    def __init__(self) -> None:
        # Order chat: senders already told their messages wait (told once per wait).
        self.delay_told: set[int] = set()

    def wire(
        self,
        *,
        services: Services,
        settings: Settings,
        cards: Cards,
        notifier: Notifier,
        desk: SupportDesk | None,
        faq: FaqIndex,
        shelf: Shelf,
        flood: FloodLimit,
        metrics: Metrics,
        wake: Callable[[], None],
    ) -> None:
        """Set everything at once (post_init, when the store is open)."""
        self.services = services
        self.settings = settings
        self.cards = cards
        self.notifier = notifier
        self.desk = desk
        self.faq = faq
        self.shelf = shelf
        self.flood = flood
        self.metrics = metrics
        self.wake = wake

    def opened(self) -> Services | None:
        """The services if start-up got as far as opening them (to close them at shutdown)."""
        return getattr(self, "services", None)


Ctx = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Wiring]
CONTEXT_TYPES: ContextTypes[Ctx, dict[Any, Any], dict[Any, Any], Wiring] = ContextTypes(
    bot_data=Wiring
)


def services(ctx: Ctx) -> Services:
    """The services opened at start."""
    return ctx.bot_data.services


def settings(ctx: Ctx) -> Settings:
    """The settings the bot runs with."""
    return ctx.bot_data.settings


def cards(ctx: Ctx) -> Cards:
    """Card presenter."""
    return ctx.bot_data.cards


def notifier(ctx: Ctx) -> Notifier:
    """Outbox deliverer."""
    return ctx.bot_data.notifier
