"""Handles on a running KChat for end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.bootstrap import Services
from bot.clock import ManualClock
from bot.domain.money import parse_amount
from bot.fake_bot_api import FakeTelegram
from bot.fake_bot_api.harness import FakeGroup
from handlers.notifier import Notifier

BUYER, SELLER, STRANGER = 1001, 2002, 3003
AGENT = 7007
SUPPORT_CHAT = -1001234567890


@dataclass
class Running:
    """A running bot with handles on its clock and services."""

    tg: FakeTelegram
    app: Any
    clock: ManualClock
    group: FakeGroup | None = None

    @property
    def services(self) -> Services:
        """The bot's services (same store, same clock)."""
        s: Services = self.app.bot_data["services"]
        return s

    @property
    def notifier(self) -> Notifier:
        """The bot's outbox deliverer."""
        n: Notifier = self.app.bot_data["notifier"]
        return n

    async def settle(self) -> None:
        """Let the bot finish: every update handled, every notification out."""
        await self.tg.idle()
        await self.notifier.drain()
        await self.tg.idle()

    async def advance(self, delta: timedelta) -> None:
        """Move the fake clock, then do what the wake-up job does: sweep and notify."""
        self.clock.advance(delta)
        await self.services.deadlines.sweep()
        await self.notifier.drain()
        await self.tg.idle()

    async def order(self, price: str = "12.50", title: str = "Steam Wallet MYR 50") -> str:
        """An order placed through intake, as `kchat order create` does."""
        order = await self.services.orders.create_order(
            buyer_id=BUYER,
            seller_id=SELLER,
            title=title,
            price_minor=parse_amount(price, "MYR"),
            currency="MYR",
        )
        await self.settle()
        return order.id

    async def paid_order(self, price: str = "12.50") -> str:
        """An order the marketplace reported paid."""
        oid = await self.order(price)
        await self.services.orders.mark_paid_external(oid)
        await self.settle()
        return oid
