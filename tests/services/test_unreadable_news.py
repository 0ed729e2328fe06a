"""A stored row no deliverer can read is set aside as failed, and the news behind it goes on."""

from __future__ import annotations

import logging

import pytest

from bot.clock import ManualClock
from bot.domain.events import EventKind, OrderDelivered
from bot.services.notifications import NotificationService
from bot.services.orders import OrderService
from store.sqlite_store import Store
from tests.conftest import make_order

BUYER, SELLER = 1, 2


async def test_an_unknown_kind_or_a_misshapen_payload_is_marked_failed_not_retried(
    store: Store, orders: OrderService, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    order = await make_order(orders, BUYER, SELLER)
    now = clock.now()
    async with store.transaction() as tx:
        await tx.add_outbox(order.id, BUYER, "order_teleported", {"event": "x"}, now)
        await tx.add_outbox(order.id, BUYER, "order_paid", {"event": "order_paid"}, now)
        await tx.add_outbox(order.id, BUYER, "order_delivered", {"actor_id": SELLER}, now)
    notes = NotificationService(store, clock)

    with caplog.at_level(logging.ERROR, logger="bot.services.notifications"):
        ready = await notes.claim(limit=3)

    # The two created-order notices and the delivery, with the two bad rows out of the way.
    assert [n.kind for n in ready] == [
        EventKind.ORDER_CREATED,
        EventKind.ORDER_CREATED,
        EventKind.ORDER_DELIVERED,
    ]
    assert ready[-1].payload == OrderDelivered() and ready[-1].actor_id == SELLER
    async with store.read() as tx:
        rows = {r.kind: r.id for r in await tx.outbox_for(order.id)}
        assert await tx.outbox_state(rows["order_teleported"]) == ("failed", 1)
        assert await tx.outbox_state(rows["order_paid"]) == ("failed", 1)
    assert "order_teleported" in caplog.text and "order_paid" in caplog.text
    await notes.sent(ready)
    assert await notes.claim() == []
