"""Inserts the store holds back to save round trips are still read, ordered and rolled back
exactly as if they had been written at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.domain.ledger import EXTERNAL, transfer, user_account
from bot.ports.storage import Storage
from bot.services.audit import ledger_violations
from bot.services.orders import OrderService
from tests.conftest import make_order

BUYER, SELLER = 1, 2


class Boom(Exception):
    pass


async def test_held_rows_are_visible_to_later_statements_of_the_same_transaction(
    store: Storage, orders: OrderService, clock: ManualClock
) -> None:
    order = await make_order(orders, BUYER, SELLER)
    now = clock.now()
    async with store.transaction() as tx:
        await tx.add_outbox(order.id, BUYER, "one", {}, now)
        await tx.log(order.id, now, "system", None, "note", "first")
        await tx.add_outbox(order.id, SELLER, "two", {}, now)
        # Reads that name the held tables see the rows, in the order they were added.
        kinds = [i.kind for i in await tx.outbox_for(order.id)]
        assert kinds[-2:] == ["one", "two"]
        assert (await tx.timeline(order.id))[-1].detail == "first"
        await tx.post(
            transfer("held:1", "MYR", EXTERNAL, [(user_account(BUYER), 500)], "top-up"), now
        )
        assert await tx.balance(user_account(BUYER), "MYR") == 500
    async with store.read() as tx:
        assert [i.kind for i in await tx.outbox_for(order.id)][-2:] == ["one", "two"]
    assert await ledger_violations(store) == []


async def test_held_rows_of_a_transaction_that_fails_are_never_written(
    store: Storage, orders: OrderService, clock: ManualClock
) -> None:
    order = await make_order(orders, BUYER, SELLER)
    async with store.read() as tx:
        before = len(await tx.outbox_for(order.id)), len(await tx.timeline(order.id))
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.add_outbox(order.id, BUYER, "lost", {}, clock.now())
            await tx.log(order.id, clock.now(), "system", None, "lost")
            await tx.post(
                transfer("held:2", "MYR", EXTERNAL, [(user_account(BUYER), 700)], "x"),
                clock.now(),
            )
            raise Boom
    async with store.read() as tx:
        after = len(await tx.outbox_for(order.id)), len(await tx.timeline(order.id))
        assert await tx.balance(user_account(BUYER), "MYR") == 0
        assert await tx.txn_keys(order.id) == []
    assert after == before
    # The next transaction on the same connection starts clean.
    async with store.transaction() as tx:
        await tx.add_outbox(order.id, BUYER, "kept", {}, clock.now() + timedelta(seconds=1))
    async with store.read() as tx:
        assert [i.kind for i in await tx.outbox_for(order.id)][-1] == "kept"
