"""A closed ticket shows how the case ended and the order as it is, never a countdown."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.model import Status
from tests.e2e.support import RECEIPT_PNG, Case, Running, card, case, ticket_of


async def _payment_ticket(k: Running, *, expired: bool = False) -> tuple[str, Case]:
    c = await case(k)
    oid = await k.order("20.00")
    if expired:
        await k.advance(timedelta(hours=2))
    c.buyer.tap("I already paid")
    await k.settle()
    c.buyer.send_photo(RECEIPT_PNG, caption="Maybank transfer 10:42")
    await k.settle()
    return oid, c


async def test_a_closed_payment_ticket_follows_the_order_to_its_refund_without_countdowns(
    forum: Running,
) -> None:
    k = forum
    oid, c = await _payment_ticket(k)
    shown = await card(k)
    c.group.tap(c.agent, "Claim", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Confirm payment", shown.message_id)
    await k.settle()
    yes = "Yes, confirm payment received (MYR 20.00)"
    c.group.tap(c.agent, yes, shown.message_id)
    await k.settle()
    ticket = await ticket_of(k)
    assert not ticket.is_open
    [topic] = c.group.topics()
    assert topic.message_thread_id == ticket.topic_id and topic.is_closed

    closed = (await card(k)).content
    assert "closed (payment confirmed) by Aisha on" in closed
    assert "Waiting Delivery" in closed and "The order goes on: Waiting Delivery." in closed
    assert "auto cancel" not in closed and "escrow" not in closed

    await k.advance(timedelta(hours=72))  # the seller never delivers: refunded automatically
    assert (await k.services.orders.get(oid)).status is Status.REFUNDING
    now = (await card(k)).content
    assert "Refunding" in now and "Waiting Delivery" not in now
    assert "Settled: MYR 20.00 to buyer, MYR 0.00 to seller" in now
    assert "auto cancel" not in now and "escrow" not in now
    assert "closed (payment confirmed) by Aisha on" in now


async def test_a_rejected_payment_on_an_expired_order_says_no_money_moved(plain: Running) -> None:
    k = plain
    _, c = await _payment_ticket(k, expired=True)
    shown = await card(k)
    c.group.tap(c.agent, "Reject payment", shown.message_id)
    await k.settle()
    c.group.tap(c.agent, "Yes, reject payment (MYR 20.00)", shown.message_id)
    await k.settle()

    closed = (await card(k)).content
    assert "closed (payment rejected) by agent 7007 on" in closed
    assert "Expired" in closed and "No money moved: the order was never paid." in closed
    assert "Settled" not in closed and "MYR 0.00" not in closed
