"""A user's order list: newest first, paged in the database, without what they deleted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.bootstrap import open_storage
from bot.clock import ManualClock
from bot.domain.model import Status
from bot.domain.policy import Policy
from bot.services.deadlines import DeadlineService
from bot.services.orders import OrderService
from tests.databases import database_url


async def test_deleted_orders_leave_only_the_deleters_list_and_pages_stay_full(
    tmp_path: Path,
) -> None:
    store = await open_storage(database_url(tmp_path, "l.db"))
    clock = ManualClock()
    orders = OrderService(store, clock, Policy())
    try:
        ids = []
        for i in range(7):
            clock.advance(timedelta(minutes=1))
            o = await orders.create_order(
                buyer_id=1, seller_id=2, title=f"item {i}", price_minor=100 + i, currency="MYR"
            )
            ids.append(o.id)
        clock.advance(timedelta(hours=2))
        await DeadlineService(store, clock, Policy()).sweep()  # all expire
        for oid in ids[4:]:
            await orders.hide(oid, 1)  # the buyer deletes the three newest

        page1 = await orders.orders_of(1, [Status.EXPIRED], limit=3, offset=0)
        page2 = await orders.orders_of(1, [Status.EXPIRED], limit=3, offset=3)
        assert [o.id for o in page1 + page2] == [ids[3], ids[2], ids[1], ids[0]]
        seller_view = await orders.orders_of(2, None, limit=10)
        assert len(seller_view) == 7  # "Deleted" is per user
    finally:
        await store.close()
