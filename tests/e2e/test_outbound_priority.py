"""What goes out first under load: a person's own action is answered while a backlog of
notifications drains, and no chat's news is reordered by draining many chats at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.domain.faq import FaqIndex
from sandbox.fake_bot_api import Fault
from sandbox.fake_bot_api.harness import FakeUser
from tests.e2e.conftest import running_kchat
from tests.e2e.support import BUYER, Running

CROWD = 500_000  # the buyers and sellers of the backlog


async def _backlog(k: Running, orders: int) -> None:
    """Orders placed for other people: a card for each party waits in the outbox."""
    s = k.services
    for n in range(orders):
        await s.chat.seen(CROWD + n, "Bea", None, started=True)
        await s.chat.seen(CROWD + 10_000 + n, "Sol", None, started=True)
        await s.orders.create_order(
            buyer_id=CROWD + n, seller_id=CROWD + 10_000 + n, title=f"Card {n}", price_minor=500,
            currency="MYR",
        )  # fmt: skip


async def _backlog_going_out(k: Running, crowd: list[int]) -> None:
    """Wait until the first of the backlog's cards is out, whoever it went to (the drain
    serves chats in turn, in no promised order)."""
    await k.tg.wait_for(
        lambda: any(FakeUser(k.tg, uid).messages() for uid in crowd) or None,
        timeout=10,
        what="the backlog to start going out",
    )


async def test_a_command_is_answered_while_a_backlog_of_notifications_drains(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    crowd = [CROWD + n for n in range(15)] + [CROWD + 10_000 + n for n in range(15)]
    # Two messages a second for the whole bot: the 30 cards take about 15 seconds.
    async with running_kchat(tmp_path, faq_index, users=[BUYER, *crowd], send_budget=2) as k:
        await k.services.chat.seen(BUYER, "Alice", None, started=True)
        await _backlog(k, 15)
        draining = asyncio.create_task(k.notifier.drain())
        try:
            await _backlog_going_out(k, crowd)
            assert k.notifier.draining
            buyer = FakeUser(k.tg, BUYER)
            buyer.send("/orders")
            answer = await buyer.wait_for_message(timeout=10)
            waiting, _ = await k.services.notifications.backlog()
            assert "order" in answer.content.lower()
            assert waiting >= 20, "the answer went out ahead of the backlog, not after it"
            assert not draining.done()
        finally:
            draining.cancel()
            await asyncio.gather(draining, return_exceptions=True)


async def test_news_to_one_chat_keeps_its_order_through_a_failure_while_other_chats_go_on(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    sellers = [CROWD + 10_000 + n for n in range(3)]
    async with running_kchat(tmp_path, faq_index, users=[BUYER, *sellers]) as k:
        s = k.services
        await s.chat.seen(BUYER, "Alice", None, started=True)
        for seller in sellers:
            await s.chat.seen(seller, "Sol", None, started=True)
        k.tg.inject("sendMessage", Fault.server_error(500), chat_id=BUYER)
        ids = []
        for n, seller in enumerate(sellers):
            order = await s.orders.create_order(
                buyer_id=BUYER, seller_id=seller, title=f"Key {n}", price_minor=100,
                currency="MYR",
            )  # fmt: skip
            ids.append(order.id)
        await k.settle()

        buyer = FakeUser(k.tg, BUYER)
        assert buyer.messages() == [], "nothing overtakes the first card, which failed"
        for seller, oid in zip(sellers, ids, strict=True):
            assert any(oid in m.content for m in FakeUser(k.tg, seller).messages())

        await k.advance(timedelta(seconds=5))  # the failed card's backoff
        cards = [m.content for m in buyer.messages()]
        assert len(cards) == 3
        assert [next(oid for oid in ids if oid in c) for c in cards] == ids


async def test_news_held_for_someone_who_blocked_goes_out_when_they_return_ahead_of_a_backlog(
    tmp_path: Path, faq_index: FaqIndex
) -> None:
    seller = CROWD + 20_000
    crowd = [CROWD + n for n in range(15)] + [CROWD + 10_000 + n for n in range(15)]
    async with running_kchat(
        tmp_path, faq_index, users=[BUYER, seller, *crowd], send_budget=2
    ) as k:
        s = k.services
        await s.chat.seen(BUYER, "Alice", None, started=True)
        await s.chat.seen(seller, "Sol", None, started=True)
        buyer = FakeUser(k.tg, BUYER)
        buyer.block_bot()
        await k.settle()
        order = await s.orders.create_order(
            buyer_id=BUYER, seller_id=seller, title="Key", price_minor=100, currency="MYR"
        )
        await k.settle()
        assert [m for m in buyer.messages() if order.id in m.content] == [], "held while blocked"

        await _backlog(k, 15)
        draining = asyncio.create_task(k.notifier.drain())
        try:
            await _backlog_going_out(k, crowd)
            assert k.notifier.draining
            buyer.unblock_bot()
            card = await buyer.wait_for_message(contains=order.id, timeout=10)
            assert "You are the buyer" in card.content
            # Coming back did not leave their chat waiting for the backlog either.
            buyer.send("/orders")
            answer = await buyer.wait_for_message(contains="Your orders", timeout=10)
            waiting, _ = await s.notifications.backlog()
            assert any(order.id in b.text for row in answer.buttons for b in row), answer.buttons
            assert waiting >= 20, "the card and the answer went out ahead of the backlog"
            assert not draining.done()
        finally:
            draining.cancel()
            await asyncio.gather(draining, return_exceptions=True)
