"""The live card's row keeps its buttons' digest and its twins, on either database."""

from __future__ import annotations

from dataclasses import replace

from bot.clock import ManualClock
from bot.ports.records import CardRef
from bot.ports.storage import Storage
from bot.services.orders import OrderService
from tests.conftest import make_order


async def test_a_card_row_keeps_its_digest_and_twins_and_forgets_them_when_replaced(
    store: Storage, orders: OrderService, clock: ManualClock
) -> None:
    order = await make_order(orders)
    ref = CardRef(order.id, 1, 1, 40, "a1b2c3d4e5f60718", (31, 35, 38))
    async with store.transaction() as tx:
        await tx.set_card(ref, clock.now())
    async with store.read() as tx:
        assert await tx.get_card(order.id, 1) == ref
        assert await tx.card_at(1, 40) == ref
        assert await tx.get_card(order.id, 2) is None
    moved = replace(ref, message_id=41, buttons="", twins=())
    async with store.transaction() as tx:
        await tx.set_card(moved, clock.now())
    async with store.read() as tx:
        assert await tx.get_card(order.id, 1) == moved
        assert await tx.card_at(1, 40) is None
