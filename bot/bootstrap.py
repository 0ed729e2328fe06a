"""One place where the store, the clock and the services meet."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.domain.policy import Policy
from bot.services.chat import ChatService
from bot.services.deadlines import DeadlineService
from bot.services.notifications import NotificationService, OutboxSignal
from bot.services.orders import OrderService
from store.sqlite_store import Store


@dataclass
class Services:
    """Everything an entry point needs, opened together and closed together."""

    store: Store
    clock: Clock
    policy: Policy
    orders: OrderService
    deadlines: DeadlineService
    chat: ChatService
    notifications: NotificationService

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()


async def open_services(settings: Settings, clock: Clock) -> Services:
    """Open the database (migrating it) and build the services on it."""
    store = await Store.open(settings.database_url)
    policy = settings.policy()
    signal = OutboxSignal()
    return Services(
        store=store,
        clock=clock,
        policy=policy,
        orders=OrderService(store, clock, policy, signal=signal),
        deadlines=DeadlineService(store, clock, policy, signal=signal),
        chat=ChatService(store, clock, policy, settings.online_window, signal=signal),
        notifications=NotificationService(store, clock, signal),
    )
