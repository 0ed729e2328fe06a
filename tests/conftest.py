"""Shared fixtures: a fake clock, the test's own database, and the services on top of them.

The database comes from `tests/databases.py`: SQLite by default, PostgreSQL with
KCHAT_TEST_BACKEND=postgres. Tests about SQLite's files themselves are marked
`sqlite_only` and skip, saying why, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.model import Order
from bot.domain.policy import Policy
from bot.ports.storage import Storage
from bot.services.deadlines import DeadlineService
from bot.services.orders import OrderService
from tests.databases import BACKEND, database_url, drop_test_schemas, on_postgres


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite itself; skipped on PostgreSQL"
    )


def pytest_report_header() -> str:
    return f"database backend: {BACKEND} (KCHAT_TEST_BACKEND)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not on_postgres():
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.args[0] if marker.args else "about SQLite itself"
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))


@pytest.fixture(autouse=True)
def _drop_test_databases() -> Iterator[None]:
    """PostgreSQL: the schemas a test made go when it ends."""
    yield
    drop_test_schemas()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """The test's database (the same one however often asked)."""
    return database_url(tmp_path)


@pytest.fixture
def clock() -> ManualClock:
    """A clock that moves only when a test moves it."""
    return ManualClock()


@pytest.fixture
def policy() -> Policy:
    """The marketplace's default windows."""
    return Policy()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Storage]:
    """A migrated store of the test's own, closed after the test."""
    opened = await open_storage(db_url)
    yield opened
    await opened.close()


@pytest.fixture
def orders(store: Storage, clock: ManualClock, policy: Policy) -> OrderService:
    """Order use cases on the test's store and clock."""
    return OrderService(store, clock, policy)


@pytest.fixture
def deadlines(store: Storage, clock: ManualClock, policy: Policy) -> DeadlineService:
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
