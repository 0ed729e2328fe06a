"""Shared fixtures: a fake clock, a file-backed store, and the services on top of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.domain.model import Order
from bot.domain.policy import Policy
from bot.services.deadlines import DeadlineService
from bot.services.orders import OrderService
from store.sqlite_store import Store


def sqlite_url(path: Path) -> str:
    """The database URL of a file (absolute paths give `sqlite:////...`)."""
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when a test moves it."""
    return ManualClock()


@pytest.fixture
def policy() -> Policy:
    """The marketplace's default windows."""
    return Policy()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "kchat.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A migrated SQLite store in a file of its own, closed after the test."""
    opened = await Store.open(sqlite_url(db_path))
    yield opened
    await opened.close()


@pytest.fixture
def orders(store: Store, clock: ManualClock, policy: Policy) -> OrderService:
    """Order use cases on the test's store and clock."""
    return OrderService(store, clock, policy)


@pytest.fixture
def deadlines(store: Store, clock: ManualClock, policy: Policy) -> DeadlineService:
    """The deadline sweep on the test's store and clock."""
    return DeadlineService(store, clock, policy)


async def make_order(
    orders: OrderService, buyer: int = 1, seller: int = 2, price: int = 1250
) -> Order:
    """An order waiting for payment."""
    return await orders.create_order(
        buyer_id=buyer, seller_id=seller, title="Game key", price_minor=price, currency="MYR"
    )


async def make_paid_order(
    orders: OrderService,
    clock: ManualClock,
    buyer: int = 1,
    seller: int = 2,
    price: int = 1250,
) -> Order:
    """An order created and paid externally at `clock.now()`, waiting for delivery."""
    order = await make_order(orders, buyer, seller, price)
    paid = await orders.mark_paid_external(order.id)
    assert paid.paid_at == clock.now()
    return paid
